"""The built wheel installs one top-level name, `eyelet_gui`: no stray `main`, `pages` or `components`; the
README's run command installs what running needs, its test command everything."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from importlib.metadata import requires, version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_has_only_eyelet_gui_at_the_top(tmp_path: Path) -> None:
    uv = _uv()
    source = tmp_path / 'source'  # a copy, so that setuptools' build/ folder never lands in the work tree
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns('.git', '.venv', '*_cache', '__pycache__', 'build'))
    subprocess.run([uv, 'build', '--wheel', '--out-dir', str(tmp_path), str(source)], check=True, capture_output=True)
    (wheel,) = tmp_path.glob('eyelet_gui-*.whl')
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split('/')[0] for name in names} == {'eyelet_gui', wheel.name.split('-py')[0] + '.dist-info'}
    assert {'eyelet_gui/main.py', 'eyelet_gui/pages/overview.py', 'eyelet_gui/sources/readonly.py',
            'eyelet_gui/components/plot.js', 'eyelet_gui/components/vendor/plotly/plotly-basic.min.js',
            'eyelet_gui/components/vendor/plotly/LICENSE'} <= set(names)
    assert not any(name.startswith('eyelet_gui/tests/') for name in names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith('entry_points.txt'))).decode()
    assert 'eyelet-gui = eyelet_gui.main:cli' in entry_points


DEV_TOOLS = frozenset({'pytest', 'pytest-asyncio', 'pytest-timeout', 'playwright', 'mypy', 'ruff', 'pyqt6', 'eyelet'})


def _uv() -> str:
    uv = shutil.which('uv')
    if uv is None:
        pytest.fail('uv is needed (the README asks for it)')
    return uv


def exported(*options: str) -> set[str]:
    """The packages `uv run` / `uv sync` install with `options`, read from uv.lock (nothing is downloaded)."""
    run = subprocess.run([_uv(), 'export', '--frozen', '--no-hashes', '--no-header', '--no-emit-project', *options],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return {line.split('==')[0] for line in run.stdout.splitlines() if '==' in line and not line.startswith(' ')}


def test_the_run_command_installs_what_running_needs_and_the_test_command_everything() -> None:
    running = exported()  # `uv run eyelet-gui --demo`: the default groups
    assert running == exported('--no-default-groups')
    assert running & DEV_TOOLS == set()
    assert exported('--group', 'dev') == running | exported('--only-group', 'dev')
    assert exported('--group', 'dev') >= DEV_TOOLS


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
