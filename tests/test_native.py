"""`python -m eyelet_gui --demo --native` headless: the page loads inside the native window, and closing the window
ends the whole app (exit status 0, demo writer stopped, demo folder removed) within seconds.

Runs without a display: pywebview's Qt backend (PyQt6 + PyQt6-WebEngine) on Qt's `offscreen` platform.
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

from eyelet_gui.native_window import WINDOW_SIZE

from .conftest import DEADLINE, free_port, wait_for

HOOK = Path(__file__).parent / 'native_window_hook'  # closes the window when EYELET_TEST_CLOSE_WINDOW appears
START_DEADLINE = 60.0  # cold start of QtWebEngine on a slow CI runner
EXIT_DEADLINE = DEADLINE  # from closing the window to the app's exit (about a second: the test prints it)


class NativeApp:
    """The app with its native window in its own process group, its output collected line by line."""

    def __init__(self, tmp_path: Path, close_when: str = 'settled') -> None:
        self.port, self.devtools_port = free_port(), free_port()
        self.close_trigger = tmp_path / 'close-window'
        env = {name: value for name, value in os.environ.items() if name != 'PYTEST_CURRENT_TEST'}
        env.update({
            'QT_QPA_PLATFORM': 'offscreen',  # no display needed
            'PYWEBVIEW_GUI': 'qt',
            'QTWEBENGINE_CHROMIUM_FLAGS': '--no-sandbox --disable-gpu',  # root in a container; no GPU
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
            [sys.executable, '-m', 'eyelet_gui', '--demo', '--native', '--port', str(self.port)],
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

    def start(close_when: str = 'settled') -> NativeApp:
        started.append(NativeApp(tmp_path, close_when))
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
        assert page.evaluate('document.title') == 'Databases · eyelet-gui'
        assert page.evaluate('[window.innerWidth, window.innerHeight]') == list(WINDOW_SIZE)
    return demo


def close_and_wait_for_exit(app: NativeApp, demo: Path) -> float:
    """Close the window; the app must exit with 0, its demo writer and folder gone, QtWebEngine gone."""
    closed = time.monotonic()
    app.close_window()
    try:
        returncode = app.process.wait(timeout=EXIT_DEADLINE)
    except subprocess.TimeoutExpired:
        raise AssertionError(f'the app still runs {EXIT_DEADLINE} s after the close was asked; {app.diagnose()}'
                             ) from None
    seconds = time.monotonic() - closed
    assert '[test hook] closing native window' in app.output
    assert returncode == 0, app.output
    assert not demo.exists(), 'closing the window runs on_shutdown: the demo folder is removed'
    assert not [pid for pid in os.listdir('/proc') if pid.isdigit() and _cmdline_mentions(pid, str(demo))], \
        'the demo writer stopped'
    wait_for(lambda: not _answers(app.devtools_port), 5, what='QtWebEngine (its DevTools port) is gone')
    return seconds


def test_native_window_shows_the_page_and_closing_it_ends_the_app(start_native_app: Callable[..., NativeApp]) -> None:
    started = time.monotonic()
    app = start_native_app()
    demo = show_page(app)
    live = time.monotonic() - started
    seconds = close_and_wait_for_exit(app, demo)
    print(f'\nwindow live after {live:.1f} s; app exited {seconds:.2f} s after the close was asked')
    assert 'Traceback' not in app.output, app.output
    assert 'Vue failed to load' not in app.output, app.output


def test_closing_the_window_as_the_page_loads_still_ends_the_app(start_native_app: Callable[..., NativeApp]) -> None:
    app = start_native_app(close_when='loaded')
    demo = wait_for(app.demo_folder, START_DEADLINE, what='the demo database is watched')
    assert isinstance(demo, Path)
    seconds = close_and_wait_for_exit(app, demo)  # log noise here (a NiceGUI traceback, "Vue failed") is expected
    print(f'\napp exited {seconds:.2f} s after the close was asked')


def _cmdline_mentions(pid: str, text: str) -> bool:
    try:
        return text in Path(f'/proc/{pid}/cmdline').read_bytes().decode(errors='replace')
    except OSError:
        return False


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(('127.0.0.1', port), timeout=0.5):
            return True
    except OSError:
        return False
