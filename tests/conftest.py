"""Shared fixtures: real SQLite files, a simulated NiceGUI user with injected settings, a served app, Chromium."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import core, ui
from nicegui.helpers import warnings as nicegui_warnings
from nicegui.testing.general import nicegui_reset_globals, prepare_simulation
from nicegui.testing.user import User
from playwright.async_api import async_playwright

from eyelet_gui.main import build
from eyelet_gui.settings import Settings
from eyelet_gui.state.dashboard import Dashboard

from .postgres_server import PostgresServer

CHROMIUM = Path('/usr/bin/chromium')
GRID_API = "getElement(document.querySelector('.eyelet-grid').id.slice(1)).api"
"""JavaScript for the AG Grid API of the page's live grid (for assertions on rows that are not rendered)."""
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']
DEADLINE = 30.0
"""Seconds a test gives the product for what normally takes a second or two: CI shares its 2 cores with other
work, and the suite runs on two workers (with a third process kept busy, a worker had two thirds of a core and
once missed 15 s). Tests say that a thing happens; how fast (median, p95) is for bench/ and docs/benchmarks.md."""


def make_database(path: Path, sql: str) -> Path:
    """A real SQLite file built from an SQL script, the way Datasette's fixtures build theirs."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(sql)
    finally:
        connection.close()
    return path


def wait_for(condition: Callable[[], object], timeout: float = DEADLINE, interval: float = 0.05,
             what: str | None = None) -> object:
    """Poll `condition` until it returns something truthy; fail with a clear message at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f'{what or condition}: not within {timeout} s')


@asynccontextmanager
async def simulated_app(settings: Settings) -> AsyncIterator[tuple[User, Dashboard]]:
    """NiceGUI's user simulation around our own `build(settings)`, so each test injects its settings; with the
    app's state, for tests that look at what the pages hold of it."""
    with nicegui_reset_globals():
        os.environ['NICEGUI_USER_SIMULATION'] = 'true'
        try:
            prepare_simulation()
            dashboard = build(settings, secret='test secret of at least 32 characters')
            ui.run(storage_secret='test secret')
            async with core.app.router.lifespan_context(core.app):
                transport = httpx.ASGITransport(core.app)
                async with httpx.AsyncClient(transport=transport, base_url='http://localhost') as client:
                    yield User(client), dashboard
        finally:
            os.environ.pop('NICEGUI_USER_SIMULATION', None)


@asynccontextmanager
async def simulated_user(settings: Settings) -> AsyncIterator[User]:
    async with simulated_app(settings) as (user, _):
        yield user


STALE_ELEMENT = 'An element has been deleted but is still being used'


@pytest.fixture(autouse=True)
def _no_stale_elements() -> Iterator[None]:
    """NiceGUI only logs a warning when an event updates an element that was deleted (a subscription that
    outlived its element): here it fails the test."""
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if STALE_ELEMENT in record.getMessage():
                seen.append(record)

    handler = Collect()
    nicegui_warnings.reset()  # NiceGUI warns once per process: every test must be able to see it
    logging.getLogger('nicegui').addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger('nicegui').removeHandler(handler)
    assert not seen, f'{STALE_ELEMENT}: a subscription outlived its element'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


CONFIG_HOME = Path(tempfile.mkdtemp(prefix='eyelet-gui-test-config-'))
"""The config folder of every app the tests start: one installation for the whole run."""


@pytest.fixture(scope='session', autouse=True)
def _remove_config_home() -> Iterator[None]:
    yield
    shutil.rmtree(CONFIG_HOME, ignore_errors=True)


class ServedApp:
    """`python -m eyelet_gui …` in its own process, on a free port, as a user would start it."""

    def __init__(self, *args: str, config_home: Path = CONFIG_HOME, port: int | None = None,
                 wrapper: tuple[str, ...] = (), extra_env: dict[str, str] | None = None, show: bool = False,
                 python: str = sys.executable, cwd: Path | None = None) -> None:
        """`wrapper` comes before the command (setpriv, for one); `extra_env` adds to the environment; `python`
        is the interpreter whose installed eyelet_gui runs (an environment the wheel was installed in, say)."""
        self.port = port or free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        env = {name: value for name, value in os.environ.items()
               if name != 'PYTEST_CURRENT_TEST'}  # NiceGUI would otherwise take the app for its own test server
        env['XDG_CONFIG_HOME'] = str(config_home)  # the installation's secret goes there, not in the user's home
        env.update(extra_env or {})
        self.process = subprocess.Popen(
            [*wrapper, python, '-m', 'eyelet_gui', *args, *(() if show else ('--no-show',)), '--port', str(self.port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd)

    def wait_until_serving(self) -> None:
        wait_for(self._answers, timeout=30)

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            output, _ = self.process.communicate()
            raise AssertionError(f'the app exited with {self.process.returncode}:\n{output}')
        try:
            return httpx.get(self.url, timeout=1).status_code in (200, 401)  # 401: the token gate answers
        except httpx.HTTPError:
            return False

    def stop(self) -> str:
        """Stop like Ctrl+C does and return everything the app printed, which never holds a traceback."""
        self.process.send_signal(2)
        try:
            output, _ = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        assert 'Traceback' not in output, output
        assert STALE_ELEMENT not in output, output
        assert self.process.returncode == 0, output
        return output


@contextmanager
def serving() -> Iterator[Callable[..., ServedApp]]:
    """Start apps (`ServedApp`'s arguments), each stopped at the end as Ctrl+C does, its output checked."""
    started: list[ServedApp] = []

    def start(*args: str, **options: Any) -> ServedApp:
        started.append(ServedApp(*args, **options))
        started[-1].wait_until_serving()
        return started[-1]

    try:
        yield start
    finally:
        failures: list[BaseException] = []
        for app in started:  # every app is stopped, even after one whose stop found a fault
            try:
                if app.process.poll() is None:
                    app.stop()
            except BaseException as failure:
                failures.append(failure)
        if failures:
            raise failures[0]


@pytest.fixture
def served_app() -> Iterator[Callable[..., ServedApp]]:
    with serving() as start:
        yield start


@pytest.fixture(scope='module')
def module_served_app() -> Iterator[Callable[..., ServedApp]]:
    """As `served_app`, for an app that a module's tests share: each only reads it, or each has a database of its
    own on it. An app's start and stop take a few seconds of the suite's time each."""
    with serving() as start:
        yield start


class Databases:
    """Databases made from one SQL script with one app on them all, for a module's tests that each write to a
    database of their own: they share the app (its start and stop take seconds), never a database."""

    def __init__(self, start: Callable[..., ServedApp], folder: Path, sql: str, count: int, *others: Path) -> None:
        """`others`: more databases for the app to show, made by the module."""
        self.unused = [make_database(folder / f'database-{number}.db', sql) for number in range(count)]
        self.app = start(*map(str, [*self.unused, *others]))

    def take(self) -> tuple[ServedApp, Path]:
        """The app, and a database no test has taken yet."""
        assert self.unused, 'more tests than databases: make more'
        return self.app, self.unused.pop(0)


ORDERS = """
PRAGMA journal_mode = WAL;
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO orders (customer, total) SELECT 'customer ' || i, i * 1.5 FROM n;
"""
"""A shop's 300 orders, in WAL mode as eyelet's logger has it."""
SHOPS = 8
"""Shop databases on a module's app: more than the tests of any module that takes one each."""


@pytest.fixture(scope='module')
def more_databases() -> tuple[Path, ...]:
    """Databases besides the shops on the module's app: a module that wants some overrides this."""
    return ()


@pytest.fixture(scope='module')
def shops(module_served_app: Callable[..., ServedApp], tmp_path_factory: pytest.TempPathFactory,
          more_databases: tuple[Path, ...]) -> Databases:
    return Databases(module_served_app, tmp_path_factory.mktemp('shops'), ORDERS, SHOPS, *more_databases)


@pytest.fixture
def a_shop(shops: Databases) -> tuple[ServedApp, Path]:
    """The module's app, and a shop database of this test's own on it."""
    return shops.take()


@pytest.fixture(scope='session')
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session (tests/postgres_server.py); each test makes its own database."""
    server = PostgresServer()
    yield server
    server.stop()


PLAYWRIGHTS_ARGS = (
    '--disable-field-trial-config', '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows', '--disable-back-forward-cache', '--disable-breakpad',
    '--disable-component-extensions-with-background-pages', '--no-default-browser-check',
    '--disable-default-apps', '--disable-dev-shm-usage', '--disable-extensions',
    '--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,HttpsUpgrades,'
    'HttpsFirstBalancedModeAutoEnable,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,'
    'AvoidCorsURLLoaderRestartOnRedirect,OptimizationHints,NetworkTimeServiceQuerying,PreconnectToSearch',
    '--allow-pre-commit-input', '--disable-hang-monitor', '--disable-ipc-flooding-protection',
    '--disable-popup-blocking', '--disable-prompt-on-repost', '--disable-renderer-backgrounding',
    '--force-color-profile=srgb', '--metrics-recording-only', '--password-store=basic', '--use-mock-keychain',
    '--no-service-autorun', '--disable-search-engine-choice-screen', '--enable-unsafe-swiftshader',
    '--disable-infobars', '--headless', '--hide-scrollbars', '--mute-audio',
    '--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4',
    '--no-startup-window')
"""What Playwright's `chromium.launch` gives Chromium (1.65, read off its command line), for the session's Chromium
that the tests connect to: timers in background tabs run on time, no scrollbars, no first-run screens."""


def _devtools_answer(endpoint: str) -> bool:
    try:
        return httpx.get(f'{endpoint}/json/version', timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope='session')
def chromium() -> Iterator[str]:
    """Debian's Chromium (no downloaded browser), one for the session: its DevTools address. Launching one for each
    test took ~1 s (4 s under load) of the test's time; connecting takes ~0.1 s."""
    assert CHROMIUM.exists(), 'Debian chromium is missing: `apt-get install chromium` (.ci/run does it)'
    port, profile = free_port(), Path(tempfile.mkdtemp(prefix='eyelet-gui-test-chromium-'))
    command = [str(CHROMIUM), *PLAYWRIGHTS_ARGS, *CHROMIUM_ARGS, f'--user-data-dir={profile}',
               f'--remote-debugging-port={port}']
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f'http://127.0.0.1:{port}'
    try:
        wait_for(lambda: _devtools_answer(endpoint), timeout=30, what='Chromium answers on its DevTools port')
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
async def browser(chromium: str) -> AsyncIterator[object]:
    """The session's Chromium driven by Playwright. Each page a test opens with `new_page` is in a context of its own
    (no cookie or storage from another test), and closing the connection closes the contexts the test made."""
    async with async_playwright() as playwright:
        connected = await playwright.chromium.connect_over_cdp(chromium)
        yield connected
        await connected.close()
