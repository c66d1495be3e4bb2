"""Discovery: eyelet databases in nested folders, both schemas, other SQLite files, new databases after start."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from eyelet_gui.sources.eyelet.discovery import CODE_FOLDERS, GLOBAL_FOLDERS, Search, default_roots
from eyelet_gui.sources.eyelet.schema import create_modern_database
from eyelet_gui.sources.schema import schema_kind
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.state.catalog import Catalog
from eyelet_gui.state.eyelet.discovery import Discovery
from eyelet_gui.state.live.values import age_text

from .conftest import DEADLINE, ServedApp, make_database, wait_for

ROOT = Path(__file__).resolve().parents[1]
LEGACY = """
CREATE TABLE executions (id INTEGER PRIMARY KEY, hook_id TEXT, hook_type TEXT, tool_name TEXT, timestamp TEXT,
                         input_data TEXT, output_data TEXT, duration_ms INTEGER, status TEXT, error_message TEXT);
CREATE TABLE workflow_results (id INTEGER PRIMARY KEY);
CREATE TABLE templates (id INTEGER PRIMARY KEY);
"""


def project(root: Path, *parts: str) -> Path:
    folder = root.joinpath(*parts, '.eyelet-logging')
    folder.mkdir(parents=True)
    return folder / 'eyelet.db'


def test_search_finds_nested_eyelet_databases_and_nothing_else(tmp_path: Path) -> None:
    modern = project(tmp_path, 'code', 'acme')
    create_modern_database(modern)
    legacy = project(tmp_path, 'code', 'clients', 'old-app')
    make_database(legacy, LEGACY)
    make_database(tmp_path / 'code' / 'acme' / 'app.db', 'CREATE TABLE t (x);')  # SQLite, but not eyelet's name
    (tmp_path / 'code' / 'notes').mkdir()
    (tmp_path / 'code' / 'notes' / 'eyelet.db').write_text('not a database')  # eyelet's name, not SQLite
    create_modern_database(project(tmp_path, 'code', 'web', 'node_modules', 'pkg'))  # never searched
    create_modern_database(project(tmp_path, 'code', '.hidden'))  # hidden folders are skipped
    too_deep = project(tmp_path, 'a', 'b', 'c', 'd', 'e')
    create_modern_database(too_deep)

    search = Search((tmp_path,))
    assert search.run() == sorted([modern.resolve(), legacy.resolve()])
    assert search.complete
    assert search.folders == len(search.visited) > 10


def test_search_stops_at_its_time_limit(tmp_path: Path) -> None:
    for n in range(30):
        (tmp_path / f'folder{n}' / 'inner').mkdir(parents=True)
    search = Search((tmp_path,), time_limit=0.0)
    assert search.run() == []
    assert not search.complete


def test_default_roots_are_existing_folders(tmp_path: Path) -> None:
    (tmp_path / '.eyelet').mkdir()
    (tmp_path / 'code').mkdir()
    assert default_roots(tmp_path, tmp_path / 'code') == (tmp_path / '.eyelet', tmp_path / 'code')


async def test_schema_kinds(tmp_path: Path) -> None:
    modern = tmp_path / 'modern.db'
    create_modern_database(modern)
    kinds = []
    for path in (modern, make_database(tmp_path / 'legacy.db', LEGACY),
                 make_database(tmp_path / 'other.db', 'CREATE TABLE hooks (id INTEGER PRIMARY KEY, url TEXT);')):
        reader = Reader(path)
        kinds.append(schema_kind(await reader.relations()))
        await reader.close()
    assert kinds == ['eyelet', 'eyelet (legacy)', 'SQLite']


async def test_databases_that_appear_after_start_are_added(tmp_path: Path) -> None:
    existing = project(tmp_path, 'acme')
    create_modern_database(existing)
    catalog = Catalog()
    discovery = Discovery((tmp_path,), catalog, rescan_interval=0.2)
    discovery.start()
    try:
        await _eventually(lambda: [d.path for d in catalog.databases] == [existing.resolve()])
        assert not discovery.searching
        later_in_known_folder = existing.parent.parent / 'second' / '.eyelet-logging' / 'eyelet.db'
        later_in_known_folder.parent.mkdir(parents=True)
        create_modern_database(later_in_known_folder)
        await _eventually(lambda: later_in_known_folder.resolve() in [d.path for d in catalog.databases])
        assert [d.label for d in catalog.databases] == ['acme', 'second']
    finally:
        await discovery.stop()


async def _eventually(condition: object, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, 'not within the deadline'
        await asyncio.sleep(0.05)


def test_ages_read_like_a_person_says_them() -> None:
    assert [age_text(None), age_text(0.5), age_text(42), age_text(300), age_text(3 * 3600), age_text(86400),
            age_text(3 * 86400)] == ['never', 'just now', '42 s ago', '5 min ago', '3 h ago', '1 day ago',
                                     '3 days ago']


SEARCH_AS_NOBODY = '''
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from eyelet_gui.sources.eyelet.discovery import Search
search = Search((Path(sys.argv[2]),))
print([str(path) for path in search.run()], search.complete)
'''


def test_unreadable_folders_are_skipped(tmp_path: Path) -> None:
    """Run as an unprivileged user (root reads every folder): a private folder is passed over, not fatal."""
    if shutil.which('setpriv') is None or not Path('/usr/bin/python3').exists():
        pytest.skip('needs setpriv and a system python3 to search as an unprivileged user')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-nobody-') as shared:
        root = Path(shared)
        for name in ('__init__.py', 'sources/__init__.py', 'sources/eyelet/__init__.py', 'sources/eyelet/discovery.py',
                     'sources/eyelet/facts.py', 'sources/sqlite/__init__.py', 'sources/sqlite/files.py',
                     'sources/sqlite/file_facts.py'):
            (root / 'lib' / 'eyelet_gui' / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, root / 'lib' / 'eyelet_gui' / name)
        visible = project(root / 'code', 'open')
        create_modern_database(visible)
        hidden = project(root / 'code', 'private')
        create_modern_database(hidden)
        (root / 'code' / 'private').chmod(0o700)  # owned by root: nobody may not look inside
        for folder in (root, *root.rglob('*')):
            if folder.is_dir() and folder != root / 'code' / 'private':
                folder.chmod(0o755)
        for path in root.rglob('*'):
            if path.is_file():
                path.chmod(0o644)
        run = subprocess.run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '/usr/bin/python3',
                              '-c', SEARCH_AS_NOBODY, str(root / 'lib'), str(root / 'code')],
                             capture_output=True, text=True, check=True)
        assert run.stdout.strip() == f"[{str(visible.resolve())!r}] True"


# Root reads every folder; without these two capabilities it obeys permissions like any user.
AS_A_USER = ('setpriv', '--bounding-set=-dac_override,-dac_read_search')
DEFAULT_SEARCH = '''
import sys
from pathlib import Path
from eyelet_gui.sources.eyelet.discovery import Search, default_roots
roots = default_roots(Path(sys.argv[1]), Path(sys.argv[2]))
search = Search(roots)
found = search.run()
for name, paths in (('roots', roots), ('found', found), ('unreadable', search.unreadable)):
    print(name, *paths)
'''


def search_as_a_user(home: Path, cwd: Path) -> list[str]:
    if shutil.which('setpriv') is None:
        pytest.skip('needs setpriv to search without the power to read every folder')
    run = subprocess.run([*AS_A_USER, sys.executable, '-c', DEFAULT_SEARCH, str(home), str(cwd)],
                         capture_output=True, text=True, check=False)
    assert (run.returncode, run.stderr) == (0, '')
    return run.stdout.splitlines()


def test_an_unreadable_home_is_skipped_and_named_once(tmp_path: Path) -> None:
    home = tmp_path / 'home'
    create_modern_database(project(home, 'code', 'acme'))
    elsewhere = tmp_path / 'elsewhere'
    create_modern_database(project(elsewhere, 'shop'))
    home.chmod(0)
    try:
        lines = search_as_a_user(home, elsewhere)
    finally:
        home.chmod(0o755)
    candidates = [*(home / name for name in GLOBAL_FOLDERS), elsewhere, *(home / name for name in CODE_FOLDERS)]
    assert lines == [' '.join(['roots', *map(str, candidates)]),
                     f'found {elsewhere / "shop" / ".eyelet-logging" / "eyelet.db"}',
                     f'unreadable {home}']


def test_an_unreadable_code_folder_is_skipped_and_named(tmp_path: Path) -> None:
    home = tmp_path / 'home'
    create_modern_database(project(home, 'code', 'private'))
    create_modern_database(project(home, 'src', 'open'))
    (home / 'code').chmod(0)
    try:
        lines = search_as_a_user(home, home / 'src')
    finally:
        (home / 'code').chmod(0o755)
    assert lines == [f'roots {home / "src"} {home / "code"}',
                     f'found {home / "src" / "open" / ".eyelet-logging" / "eyelet.db"}',
                     f'unreadable {home / "code"}']


def test_the_app_says_on_its_first_page_and_terminal_that_the_home_is_unreadable(
        served_app: Callable[..., ServedApp], tmp_path: Path) -> None:
    if shutil.which('setpriv') is None:
        pytest.skip('needs setpriv to run the app without the power to read every folder')
    home = tmp_path / 'home'
    (home / 'code').mkdir(parents=True)
    home.chmod(0)
    sentence = (f'Could not look inside {home} (permission denied): eyelet databases there are not shown; '
                'start eyelet-gui with the path of a folder or database it may read.')
    try:
        app = served_app(wrapper=AS_A_USER, extra_env={'HOME': str(home)})  # no PATH: the default places
        wait_for(lambda: sentence in httpx.get(app.url + '/', timeout=10).text, timeout=30, what='the sentence on /')
        output = app.stop()  # no traceback
    finally:
        home.chmod(0o755)
    assert [line for line in output.splitlines() if 'permission denied' in line] == [sentence]


def test_a_search_from_the_root_folder_leaves_the_kernels_folders_alone() -> None:
    """eyelet-gui started in `/` (a service, a container) searches its current folder: /proc, /sys and /dev are the
    kernel's views of processes and devices, where the search once read every process's private folders."""
    search = Search((Path('/'),), max_depth=2)
    search.run()
    kernel = (Path('/proc'), Path('/sys'), Path('/dev'))
    assert [folder for folder in search.visited if folder in kernel or folder.parent in kernel] == []
    assert [folder for folder in search.unreadable if folder.is_relative_to('/proc')] == []
    assert Path('/usr/lib') in search.visited  # the rest of the disk is searched as before
