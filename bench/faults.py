"""Fault figures: how soon a view equals a fresh SELECT again once a fault is cleared (budget 2 s), how long the
list of 10,000 tables takes, and how soon a commit is told when only the poll, or a remade watch, can tell.

    uv run --group dev python bench/faults.py [--rounds 20]

The tests (tests/test_faults.py, test_engine.py, test_file_events.py) assert that each of these happens, with
a deadline a shared CI machine always meets; these are the figures. Commits come from a separate process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from eyelet_gui.settings import DEFAULT_MAX_PUSH_RATE, DEFAULT_POLL_INTERVAL
from eyelet_gui.sources.query import Query
from eyelet_gui.sources.sqlite.file_events import FileEvents
from eyelet_gui.state.catalog import database_id, sqlite_database
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.query_url import table_path
from eyelet_gui.state.live.watcher import Watcher

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import free_port, print_conditions, serving, summary

ITEMS = "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER); INSERT INTO items (name, qty) VALUES " \
        "('apple', 3), ('pear', 7), ('plum', 1), ('fig', 9);"
WRITER = '''
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
for statement in sys.stdin:
    connection.execute(statement)
    print(time.time(), flush=True)
'''


class Writer:
    """A writer process that runs one statement per line (BEGIN and COMMIT included) and says when it was done."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen([sys.executable, '-c', WRITER, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    async def run(self, statement: str) -> float:
        """time.time() just after the statement (a commit, unless in a transaction) ended."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.process.stdin.write(statement + '\n')
        self.process.stdin.flush()
        return float(await asyncio.to_thread(self.process.stdout.readline))

    def close(self) -> None:
        self.process.communicate()


def make(path: Path, sql: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.executescript(sql)
    connection.close()


def truth(path: Path) -> list[tuple[str, tuple[object, ...]]]:
    """What the view must show: a fresh SELECT, keyed as a live query keys rows."""
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return [(str(row[0]), tuple(row)) for row in connection.execute('SELECT * FROM items ORDER BY id DESC')]
    finally:
        connection.close()


async def until(condition: Callable[[], object], deadline: float = 30.0) -> float:
    """time.time() when `condition` first held, looked at every 2 ms."""
    give_up = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > give_up:
            raise RuntimeError(f'not within {deadline} s: {condition}')
        await asyncio.sleep(0.002)
    return time.time()


async def recovered(live: LiveQuery, path: Path, since: float) -> float:
    """Seconds from `since` (the fault's end) until the view equals a fresh SELECT."""
    expected = truth(path)  # nothing writes after the fault: this stays the truth
    return await until(lambda: live.problem is None and live.rows == expected) - since


@asynccontextmanager
async def view(path: Path, poll_interval: float = DEFAULT_POLL_INTERVAL) -> AsyncIterator[tuple[Watcher, LiveQuery]]:
    """The items table watched as the app watches it (its default poll and push rate), once first shown."""
    watcher = Watcher(sqlite_database(path), poll_interval=poll_interval,
                      max_push_rate=DEFAULT_MAX_PUSH_RATE)
    watcher.start()
    live = watcher.live.acquire(Query(relation='items'))
    try:
        await until(lambda: live.rows and live.problem is None)
        yield watcher, live
    finally:
        await watcher.stop()


def new_path(folder: Path, name: str) -> Path:
    """A path in a folder of its own: every round starts from new files."""
    return Path(tempfile.mkdtemp(dir=folder)) / name


async def lock_released(folder: Path) -> float:
    path = new_path(folder, 'locked.db')
    make(path, 'PRAGMA journal_mode = delete;' + ITEMS)
    writer = Writer(path)
    async with view(path) as (watcher, live):
        await writer.run('BEGIN EXCLUSIVE')
        await writer.run("INSERT INTO items (name, qty) VALUES ('held', 5)")
        await until(lambda: watcher.health.status == 'locked')
        checks = watcher.detector.checks
        await until(lambda: watcher.detector.checks >= checks + 3)  # the lock outlasts a few checks
        seconds = await recovered(live, path, await writer.run('COMMIT'))
    writer.close()
    return seconds


async def schema_changed(folder: Path, statement: str) -> float:
    path = new_path(folder, 'schema.db')
    make(path, 'PRAGMA journal_mode = wal;' + ITEMS)
    writer = Writer(path)
    async with view(path) as (_, live):
        seconds = await recovered(live, path, await writer.run(statement))
    writer.close()
    return seconds


def replace(path: Path) -> None:
    make(path.with_name('next.db'), ITEMS + "INSERT INTO items (name, qty) VALUES ('new', 1);")
    os.replace(path.with_name('next.db'), path)


def remove(path: Path, garbage: bool) -> None:
    for suffix in ('', '-wal', '-shm'):
        Path(f'{path}{suffix}').unlink(missing_ok=True)
    if garbage:
        path.write_bytes(b'this is not a database at all' * 200)


def make_again(path: Path) -> None:
    path.unlink(missing_ok=True)
    make(path, ITEMS + "INSERT INTO items (name, qty) VALUES ('again', 1);")


async def file_fault(folder: Path, fault: str) -> float:
    """The file replaced by rename, or deleted (or overwritten with garbage) and then made again."""
    path = new_path(folder, 'file.db')
    make(path, 'PRAGMA journal_mode = wal;' + ITEMS)
    async with view(path) as (_, live):
        if fault == 'replaced':
            replace(path)
        else:
            remove(path, garbage=fault == 'garbage')
            await until(lambda: live.problem is not None)  # the view says so
            make_again(path)
        seconds = await recovered(live, path, time.time())
    return seconds


async def folder_remade(folder: Path) -> float:
    """Seconds from a commit to the view, once the database's folder was deleted and made again (poll 60 s)."""
    path = new_path(folder, 'project') / 'items.db'
    project = path.parent
    make(path, 'PRAGMA journal_mode = wal;' + ITEMS)
    async with view(path, poll_interval=60) as (watcher, live):
        shutil.rmtree(project)
        await until(lambda: watcher.health.status == 'missing')
        make(path, 'PRAGMA journal_mode = wal;' + ITEMS + "INSERT INTO items (name, qty) VALUES ('remade', 10);")
        await until(lambda: live.rows == truth(path) and live.problem is None)  # the new file is watched
        writer = Writer(path)
        seconds = await recovered(live, path, await writer.run("INSERT INTO items (name, qty) VALUES ('kiwi', 2)"))
        writer.close()
    return seconds


class Deaf(FileEvents):
    """A file system that reports no events, as network shares may: only the poll tells of a commit."""

    async def _watch(self, folders: list[Path], stop: asyncio.Event) -> None:
        await stop.wait()


async def poll_tells(folder: Path, rounds: int, poll_interval: float = 0.1) -> list[float]:
    """Seconds from a commit to the poll telling of it, events unheard. Runs in its own event loop (see main)."""
    path = folder / 'deaf.db'
    make(path, 'PRAGMA journal_mode = delete; CREATE TABLE t (x);')
    told: list[float] = []
    stop_listening = Deaf.for_running_loop().listen(path, lambda: told.append(time.time()), poll_interval)
    writer = Writer(path)
    seconds = []
    for i in range(rounds):
        await asyncio.sleep(poll_interval * 2.5)  # commits at all phases of the poll
        told.clear()
        committed = await writer.run(f'INSERT INTO t VALUES ({i})')
        seconds.append(await until(lambda: told) - committed)
    writer.close()
    stop_listening()
    return seconds


def listing_times(folder: Path, starts: int, requests: int) -> tuple[list[float], list[float], list[int]]:
    """Seconds one GET of a 10,000-table database's page takes: the first after the app starts (as the test's),
    and `requests` more after it, for each of `starts` starts; and the statuses that were not 200."""
    path = folder / 'tables.db'
    make(path, ''.join(f'CREATE TABLE t{n:05} (id INTEGER PRIMARY KEY, x);' for n in range(10_000)))
    first: list[float] = []
    later: list[float] = []
    failed: list[int] = []
    for _ in range(starts):
        port = free_port()
        command = [sys.executable, '-m', 'eyelet_gui', str(path), '--no-show', '--port', str(port)]
        with serving(command, port, probe='/favicon.ico'), httpx.Client(timeout=60) as client:
            url = f'http://127.0.0.1:{port}/db/{database_id(path.resolve())}'
            for n in range(requests + 1):
                started = time.perf_counter()
                status = client.get(url).status_code
                (later if n else first).append(time.perf_counter() - started)
                if status != 200:
                    failed.append(status)  # 500: the page was not built within NiceGUI's response_timeout (3 s)
    return first, later, failed


AS_A_USER = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']  # root reads every folder otherwise


def unreadable_folder(folder: Path, rounds: int) -> list[float] | None:
    """Seconds from a folder made readable again to its table page showing the row written meanwhile."""
    if shutil.which('setpriv') is None or os.geteuid() != 0:
        return None
    project = folder / 'private'
    project.mkdir()
    path = project / 'items.db'
    make(path, 'PRAGMA journal_mode = wal;' + ITEMS)
    port = free_port()
    command = [*AS_A_USER, sys.executable, '-m', 'eyelet_gui', str(path), '--no-show', '--port', str(port)]
    base = f'http://127.0.0.1:{port}'
    table = base + table_path(database_id(path.resolve()), 'items')
    seconds = []
    with serving(command, port, probe='/favicon.ico'), httpx.Client(timeout=60) as client:
        def wait_until(url: str, text: str) -> float:
            """Each GET makes a tab that lives a minute (with its feeds): 10 a second, as the test asks."""
            give_up = time.monotonic() + 30
            while text not in client.get(url).text:
                if time.monotonic() > give_up:
                    raise RuntimeError(f'{url} did not say {text!r} within 30 s')
                time.sleep(0.1)
            return time.time()

        wait_until(table, 'fig')
        for i in range(rounds):
            project.chmod(0)
            try:
                make(path, f"INSERT INTO items (name, qty) VALUES ('while hidden {i}', 1);")  # as root
                wait_until(base + '/', 'does not let eyelet-gui in')
            finally:
                project.chmod(0o755)
            readable = time.time()
            seconds.append(wait_until(table, f'while hidden {i}') - readable)
    return seconds


async def repeat(rounds: int, measure: Callable[[], Awaitable[float]]) -> list[float]:
    return [await measure() for _ in range(rounds)]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=20, help='times each fault is caused and cleared')
    args = parser.parse_args()
    rounds = args.rounds
    print_conditions('faults', f'the bench process watches (poll {DEFAULT_POLL_INTERVAL:g} s, at most '
                     f'{DEFAULT_MAX_PUSH_RATE:g} pushes a second, as the app), a separate process writes; '
                     f'load average {os.getloadavg()[0]:.2f}')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-') as name:
        folder = Path(name)
        print('\nfault cleared → view equals a fresh SELECT (budget 2 s):')
        cases: dict[str, Callable[[], Awaitable[float]]] = {
            'exclusive lock (rollback journal) committed': lambda: lock_released(folder),
            'column added': lambda: schema_changed(folder, "ALTER TABLE items ADD COLUMN colour TEXT DEFAULT 'g'"),
            'column dropped': lambda: schema_changed(folder, 'ALTER TABLE items DROP COLUMN qty'),
            'file replaced by rename': lambda: file_fault(folder, 'replaced'),
            'file deleted, made again': lambda: file_fault(folder, 'deleted'),
            'file overwritten with garbage, made again': lambda: file_fault(folder, 'garbage'),
        }
        for what, measure in cases.items():
            print(f'  {what}: {summary(await repeat(rounds, measure))}')
        hidden = await asyncio.to_thread(unreadable_folder, folder, max(3, rounds // 2))
        print('  folder unreadable, readable again → its table page (served app, as a user, the page fetched '
              f'every 0.1 s): {"needs root and setpriv" if hidden is None else summary(hidden)}')
        print('\ncommit → told or shown:')
        print(f'  folder deleted and made again, then a commit (poll 60 s: file events only): '
              f'{summary(await repeat(max(3, rounds // 2), lambda: folder_remade(folder)))}')
        told = await asyncio.to_thread(asyncio.run, poll_tells(folder, rounds * 2))  # a loop of its own: Deaf
        print(f'  file events unheard, poll every 0.1 s: {summary(told)}')
        first, later, failed = await asyncio.to_thread(listing_times, folder, max(5, rounds // 2), 5)
        print('\n10,000 tables, GET /db/<id> (the first 200 listed; served app):')
        print(f'  the first request after the app started: {summary(first)}')
        print(f'  the requests after it: {summary(later)}')
        print(f'  answers other than 200: {failed or "none"}')


if __name__ == '__main__':
    asyncio.run(main())
