"""What every bench shares: the conditions line, percentiles, and the records eyelet writes, which they measure on."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Page

from eyelet_gui.demo import claude_code
from eyelet_gui.demo.claude_code import agent_payloads
from eyelet_gui.demo.writer import PROJECTS
from eyelet_gui.demo.writer import rows as demo_rows
from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, MODERN_SCHEMA, connect_writer


def print_conditions(bench: str, setting: str) -> None:
    """The first lines of every bench's output: what, when, and on what machine."""
    print(f'eyelet-gui {bench} bench, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC')
    print(f'machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; '
          f'Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; {setting}')


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has had so far (Linux, from /proc)."""
    fields = Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float], unit: str = 'ms', scale: float = 1000.0) -> str:
    return (f'median {statistics.median(values) * scale:.1f} {unit}, p95 {percentile(values, 0.95) * scale:.1f} {unit}'
            f' (n={len(values)})')


def real_records(count: int, *, now: float, hour_events: int = 3600, days: float = 30.0,
                 seed: int = 1) -> Iterator[dict[str, Any]]:
    """`count` records as eyelet 0.3.5 writes them for the demo's simulated Claude Code agents (the demo's own
    payloads, environment and git metadata), re-timed: the last `hour_events` in the hour before `now`, the
    others evenly over the `days` before that. Order (and so each call's pairing) is the agents' own."""
    older = max(0, count - hour_events)
    payloads = itertools.islice(agent_payloads(random.Random(seed), 0.0, PROJECTS), count)
    start, spacing, step = now - 3600, days * 86400 / max(1, older), 3600 / max(1, hour_events)
    return demo_rows((start - (older - i) * spacing if i < older else start + (i - older) * step, payload)
                     for i, (_, payload) in enumerate(payloads))


def project_database(folder: str | Path) -> Path:
    """Where eyelet's project scope puts its log, for a project in `folder` (its folder made, the file not)."""
    path = Path(folder) / 'project' / '.eyelet-logging' / 'eyelet.db'
    path.parent.mkdir(parents=True)
    return path


def create_hooks(path: Path, rows: int, *, hour_events: int = 3600) -> None:
    """An eyelet database of `rows` real-shaped records, `hour_events` of them in the last hour."""
    connection = connect_writer(path)
    connection.executescript(MODERN_SCHEMA)
    with connection:
        connection.execute('BEGIN')
        connection.executemany(INSERT_HOOK, real_records(rows, now=time.time(), hour_events=hour_events))
    connection.close()


CACHE = Path(tempfile.gettempdir()) / 'eyelet-gui-bench-cache'


def cached_hooks(rows: int) -> Path:
    """The `rows`-row eyelet database, built on first use (a million rows take a few minutes). Its name carries
    a digest of the records' shape: a file cached before real_records changed is not used."""
    shape = hashlib.sha256(json.dumps(list(real_records(3, now=0.0)), default=str).encode()).hexdigest()[:10]
    path = CACHE / f'hooks-{rows}-{shape}.db'
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        building = path.with_suffix('.building')
        building.unlink(missing_ok=True)
        create_hooks(building, rows)
        building.rename(path)
    return path


CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                 '--disable-sync', '--disable-renderer-backgrounding', '--disable-background-timer-throttling',
                 '--disable-backgrounding-occluded-windows']


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(command: list[str], port: int, *, probe: str = '/', patience: float = 30.0,
            output: int = subprocess.DEVNULL) -> Iterator[subprocess.Popen[str]]:
    """Run the web server `command` (listening on `port`) for the block, entered once it answers at `probe`.

    Its config folder is a temporary one: a bench never writes into the user's home."""
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-config-') as config:
        env = {name: value for name, value in os.environ.items() if name != 'PYTEST_CURRENT_TEST'}
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True,
                                  env={**env, 'XDG_CONFIG_HOME': config})
        try:
            deadline = time.monotonic() + patience
            while True:
                try:
                    httpx.get(f'http://127.0.0.1:{port}{probe}', timeout=1)
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError(f'{command[0]} did not answer on port {port}') from None
                    time.sleep(0.1)
            yield server
        finally:
            server.terminate()
            server.wait(timeout=30)


@contextlib.contextmanager
def served(target: Path, python: str = sys.executable) -> Iterator[tuple[str, int]]:
    """`python -m eyelet_gui TARGET` on a free port, as a user starts it: (its address, its pid) once it answers.
    `python` may be another checkout's, to measure its code on the same data."""
    port = free_port()
    command = [python, '-m', 'eyelet_gui', str(target), '--no-show', '--port', str(port)]
    # Not `/`: a page fetched without its socket stays a tab (with its feeds and charts) for a minute.
    with serving(command, port, probe='/favicon.ico') as app:
        yield f'http://127.0.0.1:{port}', app.pid


def insert(connection: sqlite3.Connection, number: int, session: str = 'bench-session') -> float:
    """Commit one record as eyelet writes it (a Bash call's PostToolUse); return the time just before the commit."""
    started = time.time()
    command = {'command': f'pytest -q tests/test_{number}.py', 'description': 'Run the tests'}
    payload = claude_code.post_tool_use(session, PROJECTS[0].directory, 'Bash', command, f'toolu_bench_{number}',
                                        {'stdout': '1 passed', 'stderr': '', 'interrupted': False})
    connection.execute(INSERT_HOOK, next(demo_rows(iter([(started, payload)]))))
    return started


class Frames:
    """Counts the bytes of WebSocket frames a page receives, and keeps the frames."""

    def __init__(self, page: Page) -> None:
        self.received = 0
        self.frames: list[str | bytes] = []
        page.on('websocket', lambda ws: ws.on('framereceived', self._count))

    def _count(self, payload: str | bytes) -> None:
        self.frames.append(payload)
        self.received += len(payload.encode() if isinstance(payload, str) else payload)
