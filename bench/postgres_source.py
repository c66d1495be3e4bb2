"""A PostgreSQL database as a source: commit → row in the browser, and what watching one costs while idle.

    uv run --group dev python bench/postgres_source.py [--changes 100] [--idle 30] [--rows 20000]

A throw-away cluster from Debian's package (tests/postgres_server.py). Its `eyelet_hooks` holds `--rows` real-shaped
eyelet records, as `eyelet-gui forward` appends them, and a trigger notifies channel `eyelet_commits` after each
INSERT statement (what `--pg-listen` listens for).

1. Latency: `python -m eyelet_gui URL` serves the live table of `eyelet_hooks` to Chromium. This process commits one
   record at a time, a random 0.1 to 0.5 s apart, and the page notes when each row appears in its DOM (a
   MutationObserver, Date.now()). Commit → row: median and p95, with the snapshot poll (the default) and with
   `--pg-listen eyelet_commits`.
2. Idle: the CPU the dashboard process and its PostgreSQL sessions (their backends, from /proc) use over `--idle`
   seconds with no tab open and nothing committed, beside the dashboard on an SQLite file of the same records.
3. The browser: the renderer main thread's share of a core (Chrome DevTools Protocol `Performance.getMetrics`
   TaskDuration) over `--seconds` while `--rate` records a second are committed, on the live table of
   `eyelet_hooks` and, served by the same process, on the live table of an SQLite file's `hooks`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from browser_cost import busy, metrics
from common import (
    CHROMIUM_ARGS,
    cpu_seconds,
    create_hooks,
    free_port,
    insert,
    print_conditions,
    real_records,
    serving,
    summary,
)
from playwright.async_api import async_playwright
from wire import open_view, wait_seen

from eyelet_gui.sources.eyelet.team_hooks import SCHEMA
from eyelet_gui.sources.postgres.connection import shown_url
from eyelet_gui.state.catalog import database_id
from eyelet_gui.tests.postgres_server import PostgresServer

MACHINE, SOURCE = 'bench', '/bench/project/.eyelet-logging/eyelet.db'
INSERT = ('INSERT INTO eyelet_hooks (machine, source, id, timestamp, timestamp_iso, session_id, hook_type, tool_name, '
          'status, duration_ms, hostname, ip_address, project_dir, data) VALUES (%(machine)s, %(source)s, %(id)s, '
          '%(timestamp)s, %(timestamp_iso)s, %(session_id)s, %(hook_type)s, %(tool_name)s, %(status)s, '
          '%(duration_ms)s, %(hostname)s, %(ip_address)s, %(project_dir)s, %(data)s)')
NOTIFY = '''
CREATE FUNCTION notify_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('eyelet_commits', ''); RETURN NULL; END $$;
CREATE TRIGGER notify_commit AFTER INSERT ON eyelet_hooks EXECUTE FUNCTION notify_commit();
'''


def fill(server: PostgresServer, rows: int) -> str:
    """A database with `rows` records in eyelet_hooks and the notifying trigger: its URL."""
    url = server.database('team')
    with psycopg.connect(url) as connection:
        connection.execute(SCHEMA)
        connection.execute(NOTIFY)
        with connection.cursor() as cursor:
            cursor.executemany(INSERT, [{**record, 'machine': MACHINE, 'source': SOURCE, 'id': number}
                                        for number, record in enumerate(real_records(rows, now=time.time()), 1)])
    return url


def dashboard(*targets: str) -> list[str]:
    return [sys.executable, '-m', 'eyelet_gui', *targets, '--no-show']


async def latencies(url: str, extra: list[str], changes: int, first: int) -> list[float]:
    """Commit → row in the DOM for `changes` one-record commits, ids from `first`."""
    port = free_port()
    with serving([*dashboard(url, *extra), '--port', str(port)], port, probe='/favicon.ico'):
        view = f'http://127.0.0.1:{port}/db/{database_id(shown_url(url))}/table/eyelet_hooks?limit=100'
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
            page, _ = await open_view(browser, view, 100)
            measured = []
            with psycopg.connect(url, autocommit=True) as writer:
                for number in range(first, first + changes):
                    await asyncio.sleep(random.uniform(0.1, 0.5))
                    record = {**next(iter(real_records(1, now=time.time(), seed=number))), 'machine': MACHINE,
                              'source': SOURCE, 'id': number}
                    committed = time.time()
                    writer.execute(INSERT, record)
                    # AG Grid writes the row id (the key as JSON) into its `row-id` attribute HTML-escaped.
                    (seen,) = await wait_seen([page], html.escape(json.dumps([MACHINE, SOURCE, number])))
                    measured.append(seen - committed)
            await browser.close()
    return measured


def backend_pids(server: PostgresServer) -> list[int]:
    rows = server.execute("SELECT pid FROM pg_stat_activity WHERE application_name = 'eyelet-gui'")
    return [int(row[0]) for row in rows]  # type: ignore[call-overload]


async def idle_cost(command: list[str], seconds: float, server: PostgresServer | None) -> tuple[float, float]:
    """CPU share of one core used by the dashboard, and by its PostgreSQL backends, over `seconds` of quiet."""
    port = free_port()
    with serving([*command, '--port', str(port)], port, probe='/favicon.ico') as app:
        await asyncio.sleep(5)  # started, connected, first reads done
        pids = backend_pids(server) if server else []
        before = cpu_seconds(app.pid), sum(map(cpu_seconds, pids))
        await asyncio.sleep(seconds)
        after = cpu_seconds(app.pid), sum(map(cpu_seconds, pids))
    return (after[0] - before[0]) / seconds, (after[1] - before[1]) / seconds


async def main_thread(view: str, commit: Callable[[int], None], rate: float, seconds: float) -> float:
    """The renderer main thread's share of one core on `view` over `seconds`, while `commit(n)` runs `rate` times a
    second."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
        page, _ = await open_view(browser, view, 100)
        cdp = await page.context.new_cdp_session(page)
        await cdp.send('Performance.enable')
        stop = asyncio.Event()

        async def write() -> None:
            number = 0
            while not stop.is_set():
                commit(number)
                number += 1
                await asyncio.sleep(1 / rate)

        writer = asyncio.create_task(write())
        await asyncio.sleep(2)  # settled at the rate
        start = await metrics(cdp)
        await asyncio.sleep(seconds)
        end = await metrics(cdp)
        stop.set()
        await writer
        await browser.close()
    return float(busy('TaskDuration', [(start, end)]))


async def browser_cost(url: str, sqlite: Path, args: argparse.Namespace) -> None:
    """The renderer's main thread on each engine's live table, both served by one dashboard process."""
    port, sqlite = free_port(), await asyncio.to_thread(sqlite.resolve)  # as the dashboard names it, for its id
    with serving([*dashboard(url, str(sqlite)), '--port', str(port)], port, probe='/favicon.ico'), \
            psycopg.connect(url, autocommit=True) as to_postgres, \
            contextlib.closing(sqlite3.connect(sqlite, isolation_level=None)) as to_sqlite:
        base = f'http://127.0.0.1:{port}/db'
        first = args.rows + 10 * args.changes  # past the latency runs' ids

        def into_postgres(number: int) -> None:
            record = next(iter(real_records(1, now=time.time(), seed=number)))
            to_postgres.execute(INSERT, {**record, 'machine': MACHINE, 'source': SOURCE, 'id': first + number})

        for name, view, commit in (
                ('PostgreSQL eyelet_hooks', f'{base}/{database_id(shown_url(url))}/table/eyelet_hooks?limit=100',
                 into_postgres),
                ('SQLite hooks', f'{base}/{database_id(sqlite)}/table/hooks?limit=100',
                 lambda number: insert(to_sqlite, number))):
            share = await main_thread(view, commit, args.rate, args.seconds)
            print(f'browser, live table at {args.rate:g} commits/s, {args.seconds:g} s: {name}: renderer main thread '
                  f'{share:.1f} % of a core', flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--changes', type=int, default=100, help='one-record commits measured per condition')
    parser.add_argument('--idle', type=float, default=30.0, help='seconds of quiet measured per source')
    parser.add_argument('--rows', type=int, default=20_000, help='records in eyelet_hooks (and the SQLite file)')
    parser.add_argument('--rate', type=float, default=10.0, help='commits a second while the browser is measured')
    parser.add_argument('--seconds', type=float, default=10.0, help='seconds the browser is measured per page')
    args = parser.parse_args()
    server = PostgresServer()
    try:
        version = server.execute('SHOW server_version')[0][0]
        print_conditions('PostgreSQL source', f'PostgreSQL {version} on this machine (fsync off); Debian Chromium '
                         f'headless; {args.rows:,} records in eyelet_hooks')
        url = fill(server, args.rows)
        results: dict[str, Any] = {}
        first = args.rows + 1
        for name, extra in (('snapshot poll (default)', []), ('--pg-listen eyelet_commits', ['--pg-listen',
                                                                                              'eyelet_commits'])):
            results[name] = await latencies(url, extra, args.changes, first)
            first += args.changes
            print(f'commit in PostgreSQL → row in the DOM, {name}: {summary(results[name])}, '
                  f'max {max(results[name]) * 1000:.0f} ms', flush=True)
        with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-') as folder:
            sqlite = Path(folder) / 'eyelet.db'
            create_hooks(sqlite, args.rows)
            for name, command, watched in (('PostgreSQL, snapshot poll', dashboard(url), server),
                                           ('PostgreSQL, --pg-listen', dashboard(url, '--pg-listen', 'eyelet_commits'),
                                            server),
                                           ('SQLite file', dashboard(str(sqlite)), None)):
                app, backends = await idle_cost(command, args.idle, watched)
                print(f'idle, no tab, {args.idle:g} s: {name}: dashboard {app * 100:.2f} % of a core'
                      + (f', its PostgreSQL sessions {backends * 100:.2f} %' if watched else ''), flush=True)
            await browser_cost(url, sqlite, args)
    finally:
        server.stop()


if __name__ == '__main__':
    asyncio.run(main())
