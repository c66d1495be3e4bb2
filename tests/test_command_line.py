"""Every bad command line ends in one sentence on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from eyelet_gui.command_line import parse
from eyelet_gui.desktop.check import debian_package
from eyelet_gui.main import cli
from eyelet_gui.sources.eyelet.schema import create_modern_database

from .conftest import free_port, make_database


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stopped:
        cli(*args)
    code = stopped.value.code
    assert isinstance(code, int)
    return code, capsys.readouterr().err


def assert_refused(capsys: pytest.CaptureFixture[str], args: list[str], sentence: str) -> None:
    code, err = run_cli(capsys, *args)
    assert (code, err) == (2, f'eyelet-gui: {sentence}\nRun `eyelet-gui --help` for the options.\n')


def test_missing_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / 'nope.db'
    assert_refused(capsys, [str(missing)], f'{missing} does not exist.')


def test_file_that_is_not_sqlite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = tmp_path / 'notes.db'
    text.write_text('just some notes, long enough to fill a header')
    assert_refused(capsys, [str(text)], f'{text} is not a SQLite database (or it is encrypted).')


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    empty = tmp_path / 'empty.db'
    empty.touch()
    assert_refused(capsys, [str(empty)], f'{empty} is empty.')


def test_folder_without_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / 'src').mkdir()
    make_database(tmp_path / 'src' / 'other.db', 'CREATE TABLE t (x);')  # a SQLite file, but not eyelet's
    assert_refused(capsys, [str(tmp_path)], f'{tmp_path} is a folder with no eyelet database (eyelet.db) in it.')


@pytest.mark.parametrize(('args', 'sentence'), [
    (['postgresql://eyelet:secret@db.example.com:port/team'],
     'postgresql://eyelet@db.example.com:port/team is not a PostgreSQL address psycopg understands (the port "port" '
     'is not a number); write it as postgresql://user:password@host:port/database.'),
    (['--pg-listen', 'commits'],
     '--pg-listen is for PostgreSQL databases: name one, as postgresql://user:password@host/db.'),
    (['postgresql://u@h/db', '--pg-listen', ' '], '--pg-listen needs the name of a notification channel.'),
])
def test_postgresql_refusals(capsys: pytest.CaptureFixture[str], args: list[str], sentence: str) -> None:
    assert_refused(capsys, args, sentence)


def test_port_in_use(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    database = make_database(tmp_path / 'any.db', 'CREATE TABLE t (x);')
    with socket.socket() as listener:
        listener.bind(('127.0.0.1', 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert_refused(capsys, [str(database), '--port', str(port)],
                       f'Port {port} is already in use on 127.0.0.1; choose another with --port.')


def test_a_port_below_1024_as_a_normal_user(tmp_path: Path) -> None:
    """Root may serve on port 80; without the capability to bind low ports it obeys the rule like any user."""
    if Path('/proc/sys/net/ipv4/ip_unprivileged_port_start').read_text().strip() != '1024':
        pytest.skip('this machine lets every user serve on a port below 1024')
    as_a_user: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if shutil.which('setpriv') is None:
            pytest.skip('needs setpriv to run the app without the power to serve on port 80')
        as_a_user = ('setpriv', '--bounding-set=-net_bind_service')
    database = make_database(tmp_path / 'any.db', 'CREATE TABLE t (x);')
    run = subprocess.run([*as_a_user, sys.executable, '-m', 'eyelet_gui', str(database), '--port', '80'],
                         capture_output=True, text=True, check=False)
    assert (run.returncode, run.stdout, run.stderr.splitlines()) == (2, '', [
        'eyelet-gui: Cannot serve on 127.0.0.1:80: Permission denied (ports below 1024 are for the administrator); '
        'use a port of 1024 or above.',
        'Run `eyelet-gui --help` for the options.'])


@pytest.mark.parametrize(('value', 'sentence'), [
    ('http', "Argument --port: 'http' is not a port number."),
    ('70000', 'Argument --port: 70000 is not a port number (1-65535).'),
])
def test_bad_port(capsys: pytest.CaptureFixture[str], value: str, sentence: str) -> None:
    assert_refused(capsys, ['--demo', '--port', value], sentence)


def test_unknown_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert_refused(capsys, ['--demo', '--colour'], 'Unrecognized arguments: --colour.')


def test_native_without_pywebview(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    # Hide pywebview whether or not this environment has it: the message is about its absence.
    monkeypatch.setattr(importlib.util, 'find_spec',
                        lambda name, *rest: None if name == 'webview' else real_find_spec(name, *rest))
    assert_refused(capsys, ['--demo', '--native'],
                   '--native needs pywebview: install it with `uv tool install "eyelet-gui[native]"` '
                   'or `pip install "eyelet-gui[native]"`.')


def test_native_without_a_gui_toolkit(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    toolkits = {'qtpy', 'PyQt6', 'PySide6', 'PyQt5', 'PySide2', 'gi'}
    monkeypatch.setattr(importlib.util, 'find_spec',
                        lambda name, *rest: None if name in toolkits else real_find_spec(name, *rest))
    monkeypatch.setattr(sys, 'platform', 'linux')
    assert_refused(capsys, ['--demo', '--native'],
                   '--native needs Qt or GTK for pywebview: `uv tool install "eyelet-gui[native]"` or '
                   '`pip install "eyelet-gui[native]"` brings Qt.')


def test_native_without_a_desktop(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ('DISPLAY', 'WAYLAND_DISPLAY', 'QT_QPA_PLATFORM'):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys, 'platform', 'linux')
    monkeypatch.setattr(importlib.util, 'find_spec', lambda name, *rest: object())  # every package present
    assert_refused(capsys, ['--demo', '--native'],
                   '--native needs a desktop session, and neither DISPLAY nor WAYLAND_DISPLAY is set: '
                   'leave out --native and open the address in a browser.')


def test_bad_environment_variable(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('EYELET_GUI_POLL_INTERVAL', 'soon')
    assert_refused(capsys, ['--demo'], "EYELET_GUI_POLL_INTERVAL='soon' is not a number.")


def test_paths_become_databases(tmp_path: Path) -> None:
    project = tmp_path / 'code' / 'acme' / '.eyelet-logging'
    project.mkdir(parents=True)
    create_modern_database(project / 'eyelet.db')
    other = make_database(tmp_path / 'other.sqlite', 'CREATE TABLE t (x);')
    settings = parse([str(tmp_path / 'code'), str(other), str(other), '--port', str(free_port()), '--no-show'])
    assert settings.databases == ((project / 'eyelet.db').resolve(), other.resolve())
    assert (settings.host, settings.show, settings.demo) == ('127.0.0.1', False, False)


def test_help_and_version_as_a_user_runs_them() -> None:
    help_run = subprocess.run([sys.executable, '-m', 'eyelet_gui', '--help'], capture_output=True, text=True,
                              check=True)
    readme = (Path(__file__).resolve().parents[1] / 'README.md').read_text()
    synopsis = readme.split('## Options', 1)[1].split('```\n', 2)[1]
    assert set(re.findall(r'--[a-z-]+', synopsis)) == set(re.findall(r'--[a-z-]+', help_run.stdout)) - {'--help'}
    version_run = subprocess.run([sys.executable, '-m', 'eyelet_gui', '--version'], capture_output=True, text=True,
                                 check=True)
    assert version_run.stdout.startswith('eyelet-gui ')


def test_no_traceback_for_a_missing_path_from_the_console() -> None:
    run = subprocess.run([sys.executable, '-m', 'eyelet_gui', '/no/such/file.db'], capture_output=True, text=True,
                         check=False)
    assert (run.returncode, run.stdout, run.stderr) == (
        2, '', 'eyelet-gui: /no/such/file.db does not exist.\nRun `eyelet-gui --help` for the options.\n')


def test_show_secrets_only_on_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    assert_refused(capsys, ['--show-secrets', '--host', '0.0.0.0'],
                   '--show-secrets is only accepted when serving on loopback (127.0.0.1, localhost or ::1), not on '
                   '0.0.0.0: secrets would reach every device on the network.')
    assert parse(['--show-secrets', '--port', str(free_port())]).show_secrets
    assert not parse(['--port', str(free_port())]).show_secrets


@pytest.mark.parametrize('command', [['forward', 'DATABASE', '--to', 'postgresql://u@h/db'],
                                     ['DATABASE', 'postgresql://u@h/db']])
def test_postgresql_without_psycopg_says_how_to_install_it(tmp_path: Path, command: list[str]) -> None:
    """The `postgres` extra left out: a sentence, not an ImportError."""
    database = make_database(tmp_path / 'eyelet.db', 'CREATE TABLE hooks (id INTEGER PRIMARY KEY);')
    without = "import sys; sys.modules['psycopg'] = None; from eyelet_gui.main import cli; cli()"
    args = [str(database) if arg == 'DATABASE' else arg for arg in command]
    done = subprocess.run([sys.executable, '-c', without, *args], capture_output=True, text=True, timeout=60,
                          check=False)
    program = 'eyelet-gui forward' if command[0] == 'forward' else 'eyelet-gui'
    assert (done.returncode, done.stdout, done.stderr) == (2, '', (
        f'{program}: PostgreSQL needs psycopg: install eyelet-gui with it, `uv tool install '
        '"eyelet-gui[postgres]"` or `pip install "eyelet-gui[postgres]"`.\n'
        f'Run `{program} --help` for the options.\n'))


def test_native_on_macos_without_pyobjc(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, 'platform', 'darwin')  # PyObjC has no build for this Linux machine: it is missing
    assert_refused(capsys, ['--demo', '--native'],
                   "--native needs PyObjC's WebKit and AppKit for pywebview's Cocoa window, and they are not "
                   'installed: install them with `uv tool install "eyelet-gui[native]"` or '
                   '`pip install "eyelet-gui[native]"`.')


def test_native_on_windows_without_pythonnet(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, 'platform', 'win32')  # pythonnet is not installed on this Linux machine
    assert_refused(capsys, ['--demo', '--native'],
                   "--native needs pythonnet for pywebview's Edge WebView2 window, and it is not installed: "
                   'install it with `uv tool install "eyelet-gui[native]"` or `pip install "eyelet-gui[native]"`.')


QT_WEBENGINE_LIBRARIES = {  # each soname a bare Debian 12 lacked, and the package apt-file found it in
    'libEGL.so.1': 'libegl1',
    'libGL.so.1': 'libgl1',
    'libX11-xcb.so.1': 'libx11-xcb1',
    'libX11.so.6': 'libx11-6',
    'libXcomposite.so.1': 'libxcomposite1',
    'libXdamage.so.1': 'libxdamage1',
    'libXext.so.6': 'libxext6',
    'libXfixes.so.3': 'libxfixes3',
    'libXrandr.so.2': 'libxrandr2',
    'libXtst.so.6': 'libxtst6',
    'libasound.so.2': 'libasound2',
    'libbrotlidec.so.1': 'libbrotli1',
    'libdbus-1.so.3': 'libdbus-1-3',
    'libfontconfig.so.1': 'libfontconfig1',
    'libfreetype.so.6': 'libfreetype6',
    'libgbm.so.1': 'libgbm1',
    'libgio-2.0.so.0': 'libglib2.0-0',
    'libglib-2.0.so.0': 'libglib2.0-0',
    'libgobject-2.0.so.0': 'libglib2.0-0',
    'libgthread-2.0.so.0': 'libglib2.0-0',
    'libnspr4.so': 'libnspr4',
    'libnss3.so': 'libnss3',
    'libnssutil3.so': 'libnss3',
    'libsmime3.so': 'libnss3',
    'libxcb-cursor.so.0': 'libxcb-cursor0',
    'libxcb-dri3.so.0': 'libxcb-dri3-0',
    'libxcb-glx.so.0': 'libxcb-glx0',
    'libxcb-icccm.so.4': 'libxcb-icccm4',
    'libxcb-image.so.0': 'libxcb-image0',
    'libxcb-keysyms.so.1': 'libxcb-keysyms1',
    'libxcb-randr.so.0': 'libxcb-randr0',
    'libxcb-render-util.so.0': 'libxcb-render-util0',
    'libxcb-render.so.0': 'libxcb-render0',
    'libxcb-shape.so.0': 'libxcb-shape0',
    'libxcb-shm.so.0': 'libxcb-shm0',
    'libxcb-sync.so.1': 'libxcb-sync1',
    'libxcb-util.so.1': 'libxcb-util1',
    'libxcb-xfixes.so.0': 'libxcb-xfixes0',
    'libxcb-xkb.so.1': 'libxcb-xkb1',
    'libxcb.so.1': 'libxcb1',
    'libxkbcommon-x11.so.0': 'libxkbcommon-x11-0',
    'libxkbcommon.so.0': 'libxkbcommon0',
    'libxkbfile.so.1': 'libxkbfile1',
}


def test_each_missing_library_is_named_with_its_debian_package() -> None:
    assert {soname: debian_package(soname) for soname in QT_WEBENGINE_LIBRARIES} == QT_WEBENGINE_LIBRARIES


def test_the_readme_lists_those_packages_and_ci_installs_them() -> None:
    """The README's list for a bare Debian is the one found there, and `.ci/run` installs the README's list."""
    root = Path(__file__).resolve().parents[1]
    (line,) = [line for line in (root / '.ci' / 'run').read_text().splitlines() if line.startswith('native=$(')]
    listed = subprocess.run(['bash', '-c', f'{line}; echo $native'], cwd=root, capture_output=True, text=True,
                            check=True).stdout.split()
    assert sorted(listed) == sorted(set(QT_WEBENGINE_LIBRARIES.values()))
