"""`python -m eyelet_gui --demo --native`: the page loads inside the native window, the terminal shows the app's own
lines only, and closing the window, Ctrl+C and SIGTERM each end every process of the app (exit status 0, demo writer
stopped, demo folder removed, Qt WebEngine gone) within seconds, with no traceback.

pywebview's Qt backend (PyQt6 + PyQt6-WebEngine) runs on Qt's `offscreen` platform, which needs no display, and on a
real X server (Xvfb, where installed: `.ci/run` installs it) through Qt's xcb platform, as on a Linux desktop. Nothing
in the environment helps the app: root (as in CI) is the app's own concern.
The page inside the window is inspected through QtWebEngine's DevTools port with plain CDP (Playwright's
`connect_over_cdp` fails on QtWebEngine: "Browser.setDownloadBehavior: Browser context management is not supported").
The window is closed by `native_window_hook/sitecustomize.py` (on PYTHONPATH) calling pywebview's
`Window.destroy()` inside the window process, which goes through Qt's closeEvent like a click on the close button.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from eyelet_gui.desktop.window import WINDOW_SIZE
from eyelet_gui.notify.desktop import SAYS_FAILURE

from .conftest import DEADLINE, free_port, wait_for

HOOK = Path(__file__).parent / 'native_window_hook'  # closes the window when EYELET_TEST_CLOSE_WINDOW appears
START_DEADLINE = 60.0  # cold start of QtWebEngine on a slow CI runner
EXIT_DEADLINE = DEADLINE  # from closing the window to the app's exit (about a second: the test prints it)


QT_VARIABLES = ('QT_QPA_PLATFORM', 'QT_LOGGING_RULES', 'QTWEBENGINE_CHROMIUM_FLAGS', 'QTWEBENGINE_DISABLE_SANDBOX',
                'DISPLAY', 'WAYLAND_DISPLAY')
TEST_LINES = ('[test hook]', 'DevTools listening on ')  # what the test's own hooks make the app print


class NativeApp:
    """The app with its native window in its own process group, its output collected line by line.

    `display` is an X server's (":N"); without one the window draws on Qt's offscreen platform."""

    def __init__(self, tmp_path: Path, close_when: str = 'settled', display: str | None = None,
                 options: tuple[str, ...] = ()) -> None:
        self.port, self.devtools_port = free_port(), free_port()
        self.close_trigger = tmp_path / 'close-window'
        env = {name: value for name, value in os.environ.items()
               if name != 'PYTEST_CURRENT_TEST' and name not in QT_VARIABLES}
        env.update({'DISPLAY': display} if display else {'QT_QPA_PLATFORM': 'offscreen'})
        env.update({
            'QTWEBENGINE_REMOTE_DEBUGGING': f'127.0.0.1:{self.devtools_port}',
            'XDG_CONFIG_HOME': str(tmp_path / 'config'),
            'PYTHONPATH': os.pathsep.join(filter(None, [str(HOOK), env.get('PYTHONPATH')])),
            'EYELET_TEST_CLOSE_WINDOW': str(self.close_trigger),
            'EYELET_TEST_CLOSE_WINDOW_WHEN': close_when,
            'PYTHONUNBUFFERED': '1',
            'PYTHONFAULTHANDLER': '1',  # SIGABRT from diagnose() dumps every thread's stack
        })
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'eyelet_gui', '--demo', '--native', '--port', str(self.port), *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, start_new_session=True)
        self.collector = threading.Thread(target=self._collect, daemon=True)
        self.collector.start()

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip('\n'))

    @property
    def output(self) -> str:
        return '\n'.join(self.lines)

    def own_lines(self) -> list[str]:
        """What the app printed, less the lines the test's hooks cause (Chromium puts a blank line before its
        DevTools address)."""
        following = [*self.lines[1:], '']
        return [line for line, after in zip(self.lines, following, strict=True)
                if not line.startswith((*TEST_LINES, SAYS_FAILURE))  # no notification service under Xvfb: said
                # once if one of the demo's agents came to need you during the test
                and not (line == '' and after.startswith(TEST_LINES))]

    def expected_lines(self, demo: Path) -> list[str]:
        """The app's own lines at a --demo --native start: its address, root's sandbox, the demo database."""
        root = ["Running as root: the native window's web engine runs without its sandbox, as Qt requires for root."]
        return [f'eyelet-gui serves on http://127.0.0.1:{self.port}/ (this machine only; --host 0.0.0.0 serves '
                'the network too)', *(root if os.geteuid() == 0 else []),
                f'Watching {demo}/demo-project/.eyelet-logging/eyelet.db']

    def processes(self) -> list[int]:
        """The app's processes still running (not zombies): its session holds every one it started."""
        running = []
        for entry in Path('/proc').iterdir():
            try:
                fields = (entry / 'stat').read_text().rsplit(')', 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == self.process.pid and fields[0] != 'Z':
                running.append(int(entry.name))
        return running

    def window_environment(self) -> dict[str, str]:
        """The Qt variables of the window's process: the one that runs QtWebEngine's helpers."""
        helper = next(pid for pid in self.processes() if 'QtWebEngineProcess' in _cmdline(str(pid)))
        window = int((Path(f'/proc/{helper}/stat').read_text().rsplit(')', 1)[1].split())[1])
        pairs = Path(f'/proc/{window}/environ').read_bytes().decode().split('\0')
        return {name: value for name, _, value in (pair.partition('=') for pair in pairs) if name in QT_VARIABLES}

    def alive(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f'the app exited early with {self.process.returncode}:\n{self.output}')
        return True

    def demo_folder(self) -> Path | None:
        self.alive()
        found = re.search(r'Watching (/\S*eyelet-gui-demo-[^/\s]+)/', self.output)
        return Path(found[1]) if found else None

    def window_page(self) -> dict[str, Any] | None:
        """The DevTools target of the page shown in the native window, once QtWebEngine lists it."""
        self.alive()
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{self.devtools_port}/json/list', timeout=1) as answer:
                targets = json.load(answer)
        except OSError:
            return None
        return next((target for target in targets if target.get('type') == 'page'
                     and target.get('url', '').startswith(f'http://127.0.0.1:{self.port}/')), None)

    def close_window(self) -> None:
        self.close_trigger.touch()

    def diagnose(self) -> str:
        """The app's processes, and the Python stacks of those still running, for a failure message."""
        group = subprocess.run(['ps', '-o', 'pid,ppid,stat,etime,args', '--no-headers', '-s', str(self.process.pid)],
                               capture_output=True, text=True, check=False).stdout
        pythons = [int(line.split()[0]) for line in group.splitlines() if 'python' in line.split()[4]]
        for pid in pythons:
            os.kill(pid, signal.SIGABRT)  # PYTHONFAULTHANDLER: each dumps its threads' stacks into our pipe
        with contextlib.suppress(AssertionError):
            wait_for(lambda: not any(Path(f'/proc/{pid}/cmdline').exists() for pid in pythons), 5, what='dumps')
        return f'processes:\n{group}\noutput:\n{self.output}'

    def kill(self) -> None:
        """End whatever of the app's process group still runs, and remove what its on_shutdown would have."""
        with contextlib.suppress(ProcessLookupError):  # after a clean exit nothing is left to end
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.collector.join(timeout=5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        found = re.search(r'Watching (/\S*eyelet-gui-demo-[^/\s]+)/', self.output)
        if found:
            shutil.rmtree(found[1], ignore_errors=True)


class Page:
    """Just enough of the Chrome DevTools Protocol: evaluate JavaScript in the window's page."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.next_id = 0

    def evaluate(self, expression: str) -> object:
        self.next_id += 1
        self.connection.send(json.dumps({'id': self.next_id, 'method': 'Runtime.evaluate',
                                         'params': {'expression': expression, 'returnByValue': True}}))
        while True:
            message = json.loads(self.connection.recv(timeout=10))
            if message.get('id') == self.next_id:
                assert 'error' not in message, message
                return message['result']['result'].get('value')


@pytest.fixture
def start_native_app(tmp_path: Path) -> Iterator[Callable[..., NativeApp]]:
    started: list[NativeApp] = []

    def start(close_when: str = 'settled', display: str | None = None, options: tuple[str, ...] = ()) -> NativeApp:
        started.append(NativeApp(tmp_path, close_when, display, options))
        return started[-1]

    yield start
    for app in started:
        app.kill()  # a no-op unless the test failed before the app exited


def show_page(app: NativeApp) -> Path:
    """Wait until the native window shows the live overview page; return the demo folder."""
    try:
        return _show_page(app)
    except AssertionError as failure:
        raise AssertionError(f'{failure}\napp output:\n{app.output}') from None


def _show_page(app: NativeApp) -> Path:
    demo = wait_for(app.demo_folder, START_DEADLINE, what='the demo database is watched')
    assert isinstance(demo, Path)
    assert demo.is_dir()
    target = wait_for(app.window_page, START_DEADLINE, what='QtWebEngine shows the app page')
    assert isinstance(target, dict)
    with connect(target['webSocketDebuggerUrl'], max_size=None, open_timeout=10) as connection:
        page = Page(connection)
        wait_for(lambda: page.evaluate("window.did_handshake === true && typeof Vue !== 'undefined' && "
                                       "document.body.innerText.includes('Live hook feed')"),
                 START_DEADLINE, interval=0.2,
                 what='the page in the native window is live (NiceGUI handshake, hook feed shown)')
        # The demo's agents may already wait for input: the title then starts with their count.
        assert re.fullmatch(r'(\(\d+\) )?Databases · eyelet-gui', str(page.evaluate('document.title')))
        assert page.evaluate('[window.innerWidth, window.innerHeight]') == list(WINDOW_SIZE)
    return demo


def close_and_wait_for_exit(app: NativeApp, demo: Path) -> float:
    """Close the window; the app must end as `end_and_wait_for_exit` says."""
    seconds = end_and_wait_for_exit(app, demo, app.close_window)
    assert '[test hook] closing native window' in app.output
    return seconds


def end_and_wait_for_exit(app: NativeApp, demo: Path, end: Callable[[], None]) -> float:
    """End the app with `end`; it must exit with 0, and every process it started (the window, QtWebEngine's
    helpers, the demo writer) must be gone, and the demo folder removed. (What it printed, the callers check.)"""
    asked = time.monotonic()
    end()
    try:
        returncode = app.process.wait(timeout=EXIT_DEADLINE)
    except subprocess.TimeoutExpired:
        raise AssertionError(f'the app still runs {EXIT_DEADLINE} s after it was asked to end; {app.diagnose()}'
                             ) from None
    seconds = time.monotonic() - asked
    assert returncode == 0, app.output
    assert not demo.exists(), 'ending the app runs on_shutdown: the demo folder is removed'
    wait_for(lambda: not app.processes(), EXIT_DEADLINE, what='every process of the app is gone')
    assert not [pid for pid in os.listdir('/proc') if pid.isdigit() and str(demo) in _cmdline(pid)], \
        'the demo writer stopped'
    assert not _answers(app.devtools_port), 'QtWebEngine (its DevTools port) is gone'
    return seconds


def test_native_window_shows_the_page_and_closing_it_ends_the_app(start_native_app: Callable[..., NativeApp]) -> None:
    started = time.monotonic()
    app = start_native_app()
    demo = show_page(app)
    live = time.monotonic() - started
    seconds = close_and_wait_for_exit(app, demo)
    print(f'\nwindow live after {live:.1f} s; app exited {seconds:.2f} s after the close was asked')
    assert app.own_lines() == app.expected_lines(demo), app.output  # no traceback, no Qt WebEngine chatter


def ctrl_c(app: NativeApp, presses: int = 1) -> None:
    """Ctrl+C in the terminal: SIGINT to its whole process group, `presses` times, 0.05 s apart (the second one
    while the app stops)."""
    for press in range(presses):
        time.sleep(0.05 * (press > 0))
        os.killpg(app.process.pid, signal.SIGINT)


@pytest.mark.parametrize('ending', ['Ctrl+C', 'Ctrl+C twice', 'SIGTERM'])
def test_ctrl_c_and_sigterm_end_every_process_quietly(start_native_app: Callable[..., NativeApp], ending: str) -> None:
    """Ctrl+C reaches the terminal's whole process group; SIGTERM (kill, a service manager) the app alone."""
    app = start_native_app()
    demo = show_page(app)
    endings = {'Ctrl+C': lambda: ctrl_c(app), 'Ctrl+C twice': lambda: ctrl_c(app, presses=2),
               'SIGTERM': lambda: app.process.send_signal(signal.SIGTERM)}
    seconds = end_and_wait_for_exit(app, demo, endings[ending])
    print(f'\nevery process ended {seconds:.2f} s after {ending}')
    assert app.own_lines() == app.expected_lines(demo), app.output


def test_verbose_lets_qt_webengine_speak(start_native_app: Callable[..., NativeApp]) -> None:
    app = start_native_app(options=('--verbose',))
    demo = show_page(app)
    shown = app.window_environment()
    close_and_wait_for_exit(app, demo)
    sandbox = {'QTWEBENGINE_DISABLE_SANDBOX': '1'} if os.geteuid() == 0 else {}
    assert shown == {'QT_QPA_PLATFORM': 'offscreen', **sandbox}
    if os.geteuid() == 0:
        assert 'Sandboxing disabled by user.' in app.lines  # Qt's own line, left out without --verbose
    assert 'Traceback' not in app.output, app.output


def test_closing_the_window_as_the_page_loads_still_ends_the_app(start_native_app: Callable[..., NativeApp]) -> None:
    app = start_native_app(close_when='loaded')
    demo = wait_for(app.demo_folder, START_DEADLINE, what='the demo database is watched')
    assert isinstance(demo, Path)
    seconds = close_and_wait_for_exit(app, demo)  # log noise here (a NiceGUI traceback, "Vue failed") is expected
    print(f'\napp exited {seconds:.2f} s after the close was asked')


def _cmdline(pid: str) -> str:
    try:
        return Path(f'/proc/{pid}/cmdline').read_bytes().decode(errors='replace')
    except OSError:
        return ''


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope='module')
def x_server() -> Iterator[str]:
    """A real X server (Xvfb) for the window, as a Linux desktop has; its display, ":N"."""
    xvfb = shutil.which('Xvfb')
    if xvfb is None:
        pytest.skip('Xvfb is not installed (`.ci/run` installs it: apt-get install xvfb)')
    read, write = os.pipe()
    server = subprocess.Popen([xvfb, '-displayfd', str(write), '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as announced:
        number = announced.readline().strip()  # Xvfb writes its display number once it accepts clients
    assert number.isdigit(), f'Xvfb did not start (exit status {server.poll()})'
    yield f':{number}'
    server.terminate()
    server.wait(timeout=10)


def test_window_on_an_x_server(start_native_app: Callable[..., NativeApp], x_server: str) -> None:
    """Through Qt's xcb platform, as on a desktop: the window is mapped on the X server with the app's title and
    size, the page in it is live, Qt WebEngine keeps quiet, and Ctrl+C ends it all."""
    app = start_native_app(display=x_server)
    demo = show_page(app)
    windows = subprocess.run(['xwininfo', '-display', x_server, '-root', '-tree'], capture_output=True, text=True,
                             check=True).stdout
    width, height = WINDOW_SIZE
    title = r'(\(\d+\) )?Databases · eyelet-gui'  # the count of sessions that need you, if any, first
    assert re.search(rf'"{title}": \("eyelet-gui" "eyelet-gui"\)\s+{width}x{height}\+', windows), windows
    sandbox = {'QTWEBENGINE_DISABLE_SANDBOX': '1'} if os.geteuid() == 0 else {}
    assert app.window_environment() == {'DISPLAY': x_server, 'QT_LOGGING_RULES': '*=false',
                                        'QTWEBENGINE_CHROMIUM_FLAGS': '--log-level=3', **sandbox}
    end_and_wait_for_exit(app, demo, lambda: ctrl_c(app))
    assert app.own_lines() == app.expected_lines(demo), app.output


XCB_LIBRARIES = ('libxcb-cursor.so.0', 'libxcb-icccm.so.4', 'libxcb-keysyms.so.1')
"""Libraries of Qt's xcb plugin that a bare Debian lacks; Qt's own message names only the first, installed or not."""


def test_missing_system_libraries_are_named_with_the_command_that_installs_them(tmp_path: Path) -> None:
    """The xcb plugin's libraries hidden from the app (an overlay of the library folder in a mount namespace of its
    own, which only root may make): the app names each, and the one command that installs them, in one sentence."""
    if os.geteuid() != 0 or shutil.which('unshare') is None:
        pytest.skip('hiding a system library needs root and unshare')
    paths = [_library_path(name) for name in XCB_LIBRARIES]
    folders = {path.parent for path in paths if path is not None}
    if None in paths or len(folders) != 1:
        pytest.skip(f'{", ".join(XCB_LIBRARIES)} are not all installed in one folder (`.ci/run` installs them)')
    (folder,) = folders
    upper, work = tmp_path / 'upper', tmp_path / 'work'
    upper.mkdir()
    work.mkdir()
    hide = ' && '.join([f'mount -t overlay overlay -o lowerdir={folder},upperdir={upper},workdir={work} {folder}',
                        *(f'rm -f {folder}/{name}' for name in XCB_LIBRARIES), 'exec "$@"'])
    namespace = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', hide, 'sh']
    probe = subprocess.run([*namespace, 'true'], capture_output=True, text=True, timeout=30, check=False)
    if probe.returncode != 0:
        pytest.skip(f'this machine cannot hide a library in a mount namespace: {probe.stderr.strip()}')
    env = {name: value for name, value in os.environ.items() if name not in QT_VARIABLES}
    run = subprocess.run([*namespace, sys.executable, '-m', 'eyelet_gui', '--demo', '--native', '--port',
                          str(free_port())], capture_output=True, text=True, timeout=120,
                         env={**env, 'DISPLAY': ':0'}, check=False)
    assert (run.returncode, run.stdout, run.stderr) == (2, '', (
        "eyelet-gui: --native needs system libraries that Qt's window loads and this system lacks: "
        'libxcb-cursor.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1; install them with '
        '`apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1`, or leave out --native to use a browser.\n'
        'Run `eyelet-gui --help` for the options.\n'))


def _library_path(soname: str) -> Path | None:
    """Where the dynamic loader finds `soname`, from its cache."""
    cache = subprocess.run(['ldconfig', '-p'], capture_output=True, text=True, check=True).stdout
    found = re.search(rf'^\s+{re.escape(soname)} \(libc6,x86-64\) => (\S+)$', cache, re.MULTILINE)
    return Path(found[1]).resolve() if found else None
