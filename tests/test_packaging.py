"""The built wheel installs one top-level name, `eyelet_gui`: no stray `main`, `pages` or `components`."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_has_only_eyelet_gui_at_the_top(tmp_path: Path) -> None:
    uv = shutil.which('uv')
    if uv is None:
        pytest.fail('uv is needed to build the wheel (the README asks for it)')
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
