"""Discovery: eyelet databases in nested folders, both schemas, other SQLite files, new databases after start."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from eyelet_gui.sources.discovery import Search, default_roots
from eyelet_gui.sources.eyelet_schema import create_modern_database
from eyelet_gui.sources.reader import Reader
from eyelet_gui.sources.schema import schema_kind
from eyelet_gui.state.catalog import Catalog
from eyelet_gui.state.discovery import Discovery
from eyelet_gui.state.values import age_text

from .conftest import DEADLINE, make_database

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
from eyelet_gui.sources.discovery import Search
search = Search((Path(sys.argv[2]),))
print([str(path) for path in search.run()], search.complete)
'''


def test_unreadable_folders_are_skipped(tmp_path: Path) -> None:
    """Run as an unprivileged user (root reads every folder): a private folder is passed over, not fatal."""
    if shutil.which('setpriv') is None or not Path('/usr/bin/python3').exists():
        pytest.skip('needs setpriv and a system python3 to search as an unprivileged user')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-nobody-') as shared:
        root = Path(shared)
        package = root / 'lib' / 'eyelet_gui' / 'sources'
        package.mkdir(parents=True)
        for name in ('__init__.py', 'sources/__init__.py', 'sources/discovery.py', 'sources/sqlite_files.py'):
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
