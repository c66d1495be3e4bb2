"""The package as it will be published and used: built as PyPI builds it (a source distribution, then the wheel from
it), its metadata complete and rendered, installed into a clean environment, and run from there (`--help`,
`python -m eyelet_gui`, a `--demo` start whose every page asset loads in Chromium), so that a file missing from
the package fails here, not for a user. And the README's run command installs what running needs, its test
command everything."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email import message_from_bytes
from importlib.metadata import requires, version
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui import __version__

from .conftest import ServedApp

ROOT = Path(__file__).resolve().parents[1]
# Every folder of the source tree that is a package, as the wheel must hold it (a package left out of
# pyproject.toml's list would be missing from the wheel, and the program with it).
_INITS = subprocess.run(['git', 'ls-files', '__init__.py', '*/__init__.py'], cwd=ROOT, capture_output=True, text=True,
                        check=True).stdout.split()
PACKAGES = {'/'.join(('eyelet_gui', *Path(init).parent.parts)) for init in _INITS if not init.startswith('tests/')}
PACKAGE_DATA = ('eyelet_gui/components/live_grid.js', 'eyelet_gui/components/plot.js',
                'eyelet_gui/components/eyelet/session_story.js', 'eyelet_gui/components/static/tailwind.css',
                'eyelet_gui/components/vendor/plotly/plotly-basic.min.js',
                'eyelet_gui/components/vendor/plotly/LICENSE')


def _uv() -> str:
    uv = shutil.which('uv')
    if uv is None:
        pytest.fail('uv is needed (the README asks for it)')
    return uv


@pytest.fixture(scope='module')
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The source distribution and the wheel built from it, from the files git tracks."""
    source, out = tmp_path_factory.mktemp('source'), tmp_path_factory.mktemp('dist')
    tracked = subprocess.run(['git', 'ls-files', '-z'], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split('\0')):
        if (ROOT / name).is_file():  # a file deleted in the work tree but not yet in git is not built
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([_uv(), 'build', '--out-dir', str(out), str(source)], check=True, capture_output=True)
    (sdist,) = out.glob('eyelet_gui-*.tar.gz')
    (wheel,) = out.glob('eyelet_gui-*.whl')
    return sdist, wheel


def test_wheel_has_only_eyelet_gui_at_the_top(built: tuple[Path, Path]) -> None:
    _, wheel = built
    names = zipfile.ZipFile(wheel).namelist()
    info = f'eyelet_gui-{__version__}.dist-info'
    assert {name.split('/')[0] for name in names} == {'eyelet_gui', info}
    assert {name.rsplit('/', 1)[0] for name in names if name.endswith('.py')} == PACKAGES
    assert set(PACKAGE_DATA) | {'eyelet_gui/main.py', 'eyelet_gui/__main__.py', 'eyelet_gui/desktop/check.py'} \
        <= set(names)
    assert {name for name in names if name.startswith(f'{info}/licenses/')} == {
        f'{info}/licenses/LICENSE', f'{info}/licenses/components/vendor/plotly/LICENSE'}
    entry_points = zipfile.ZipFile(wheel).read(f'{info}/entry_points.txt').decode()
    assert entry_points == '[console_scripts]\neyelet-gui = eyelet_gui.main:cli\n'


def test_the_source_distribution_holds_what_a_build_and_a_reader_need(built: tuple[Path, Path]) -> None:
    sdist, _ = built
    top = f'eyelet_gui-{__version__}'
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(f'{top}/') for name in archive.getnames()}
    assert {'README.md', 'CHANGELOG.md', 'LICENSE', 'pyproject.toml', 'main.py', 'components/static/tailwind.css',
            'components/vendor/plotly/plotly-basic.min.js', 'components/vendor/plotly/LICENSE'} <= names


def test_metadata_is_complete(built: tuple[Path, Path]) -> None:
    _, wheel = built
    metadata = message_from_bytes(zipfile.ZipFile(wheel).read(f'eyelet_gui-{__version__}.dist-info/METADATA'))
    assert (metadata['Name'], metadata['Version'], metadata['Requires-Python'], metadata['License-Expression']) == (
        'eyelet-gui', __version__, '>=3.10', 'MIT')
    assert metadata.get_all('License-File') == ['LICENSE', 'components/vendor/plotly/LICENSE']
    assert metadata.get_all('Project-URL') == [
        'Homepage, https://github.com/bdmorin/eyelet-gui', 'Source, https://github.com/bdmorin/eyelet-gui',
        'Issues, https://github.com/bdmorin/eyelet-gui/issues',
        'Changelog, https://github.com/bdmorin/eyelet-gui/blob/main/CHANGELOG.md',
        'eyelet, https://pypi.org/project/eyelet/']
    assert metadata.get_all('Provides-Extra') == ['native', 'notify', 'postgres']
    classifiers = metadata.get_all('Classifier') or []
    assert {'Programming Language :: Python :: 3.10', 'Programming Language :: Python :: 3.13',
            'Operating System :: POSIX :: Linux', 'Operating System :: MacOS',
            'Operating System :: Microsoft :: Windows', 'Topic :: Database :: Front-Ends'} <= set(classifiers)
    assert metadata['Description-Content-Type'] == 'text/markdown'
    description = metadata.get_payload(decode=True)
    assert isinstance(description, bytes)
    assert description.decode() == (ROOT / 'README.md').read_text()


def test_the_description_renders_on_pypi(built: tuple[Path, Path]) -> None:
    run = subprocess.run([sys.executable, '-m', 'twine', 'check', '--strict', *map(str, built)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count('PASSED') == 2, run.stdout


def test_the_changelog_names_the_version_first() -> None:
    changelog = (ROOT / 'CHANGELOG.md').read_text()
    assert re.findall(r'^## (\S+)', changelog, re.MULTILINE)[0] == __version__


@pytest.fixture(scope='module')
def installed(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean environment with nothing but the wheel and what it requires: its Python."""
    _, wheel = built
    environment = tmp_path_factory.mktemp('installed') / 'venv'
    subprocess.run([_uv(), 'venv', '--quiet', '--python', sys.executable, str(environment)], check=True,
                   capture_output=True)
    python = environment / 'bin' / 'python'
    subprocess.run([_uv(), 'pip', 'install', '--quiet', '--python', str(python), str(wheel)], check=True,
                   capture_output=True)
    return python


def test_the_installed_command_and_module_run(installed: Path) -> None:
    command = installed.parent / 'eyelet-gui'
    here = subprocess.run([sys.executable, '-m', 'eyelet_gui', '--help'], capture_output=True, text=True, check=True)
    there = subprocess.run([str(command), '--help'], capture_output=True, text=True, check=True,
                           cwd=installed.parent)
    assert there.stdout == here.stdout  # the same program, whole
    assert 'usage: eyelet-gui [-h]' in there.stdout
    module = subprocess.run([str(installed), '-m', 'eyelet_gui', '--version'], capture_output=True, text=True,
                            check=True, cwd=installed.parent)
    assert module.stdout == f'eyelet-gui {__version__}\n'
    found = subprocess.run([str(installed), '-c', 'import eyelet_gui; print(eyelet_gui.__file__)'],
                           capture_output=True, text=True, check=True, cwd=installed.parent).stdout
    assert found.startswith(str(installed.parents[1])), 'the installed package runs, not the source tree'


@pytest.mark.browser
async def test_the_installed_demo_serves_every_asset(installed: Path, browser: Any, tmp_path: Path) -> None:
    """`--demo` from the installed wheel: the first page loads with every request answered (scripts, styles, the
    plotly bundle, fonts), its hook feed fills and its charts draw, and Ctrl+C ends it cleanly."""
    app = ServedApp('--demo', python=str(installed), cwd=tmp_path, extra_env={'HOME': str(tmp_path)})
    try:
        app.wait_until_serving()
        page = await browser.new_page()
        failures: list[str] = []
        page.on('requestfailed', lambda request: failures.append(f'{request.url}: {request.failure}'))
        page.on('response', lambda response: failures.append(f'{response.url}: {response.status}')
                if response.status >= 400 else None)
        await page.goto(app.url)
        try:
            await page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length >= 4 && "
                                         "document.body.innerText.includes('UserPromptSubmit')", timeout=30_000)
        finally:
            assert failures == []  # said first: a missing asset is why the charts never draw
        await page.close()
    finally:
        output = app.stop()  # no traceback, exit status 0
    assert re.search(r'^Watching /\S+/demo-project/\.eyelet-logging/eyelet\.db$', output, re.MULTILINE), output


def test_the_run_command_installs_what_running_needs_and_the_test_command_everything() -> None:
    running = exported()  # `uv run eyelet-gui --demo`: the default groups
    assert running == exported('--no-default-groups')
    assert running & DEV_TOOLS == set()
    assert exported('--group', 'dev') == running | exported('--only-group', 'dev')
    assert exported('--group', 'dev') >= DEV_TOOLS


DEV_TOOLS = frozenset({'pytest', 'pytest-asyncio', 'pytest-timeout', 'playwright', 'mypy', 'ruff', 'pyqt6', 'eyelet',
                       'twine'})


def exported(*options: str) -> set[str]:
    """The packages `uv run` / `uv sync` install with `options`, read from uv.lock (nothing is downloaded)."""
    run = subprocess.run([_uv(), 'export', '--frozen', '--no-hashes', '--no-header', '--no-emit-project', *options],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return {line.split('==')[0] for line in run.stdout.splitlines() if '==' in line and not line.startswith(' ')}


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / 'README.md').read_text()
    test_block = readme.split('## Test it', 1)[1].split('```bash\n', 1)[1].split('```', 1)[0]
    ci = (ROOT / '.ci' / 'run').read_text().rstrip('\n').splitlines()
    assert (test_block, ci[-2:]) == ('uv run --group dev pytest\n', [
        "# The README's test command, exactly (tests/test_packaging.py holds the two together):",
        'uv run --group dev pytest'])


def test_the_nicegui_minimum_is_the_version_the_tests_run_on() -> None:
    """Older NiceGUI 3.x leaked the subscriptions of clients that never connected; `uv run` keeps the installed
    metadata in step with pyproject.toml, and the tests run on the locked NiceGUI."""
    assert f'nicegui<4,>={version("nicegui")}' in (requires('eyelet-gui') or [])
