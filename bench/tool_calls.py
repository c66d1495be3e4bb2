"""Tool calls from real records: what pairing and counting cost per refresh, and the feed's commit → screen time.

    uv run --group dev python bench/tool_calls.py [--rows 1000000] [--hour 3600 100000] [--commits 40]
    uv run --group dev python bench/tool_calls.py --feed-only --app-python OTHER_TREE/.venv/bin/python

For each `--hour` figure, builds an eyelet database of `--rows` records as eyelet 0.3.5 writes them for the
demo's simulated agents (status unknown, duration NULL, the payload in `data`), that many in the last hour and
the rest over the 30 days before. Then, in this process, on eyelet-gui's own read path:
- the charts' tally (state/eyelet/charts.py): the first read of the hour (75 min of records), then a refresh after
  1 and after 100 new commits (tail read + aggregation of the hour), each repeated;
- the session list's tally (state/eyelet/sessions.py): the first read of the week, then a refresh after 1 commit;
- for comparison, the grouped SQL the charts ran before (status and duration_ms columns, which eyelet never
  fills: cheaper, and wrong on real records).
Last, the feed in Debian's Chromium: `python -m eyelet_gui` serves the database, `/` is open, and records are
committed one every 0.25 s, each in a session of its own; each one's time from just before its commit to its
session's id in the page's DOM (a MutationObserver in the page stamps it; the feed showed session ids before the
`what` column too). `--app-python` runs the server with another checkout's Python
(to time the feed before the `what` column, with the same records and the same browser).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from playwright.async_api import async_playwright

from eyelet_gui.settings import DEFAULT_MAX_PUSH_RATE
from eyelet_gui.sources.eyelet.schema import connect_writer
from eyelet_gui.sources.query import Statement
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.eyelet.charts import HourTally, aggregate
from eyelet_gui.state.eyelet.session_tally import RECENT, SessionTally
from eyelet_gui.state.live.watcher import Watcher

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, create_hooks, free_port, insert, print_conditions, project_database, serving, summary

OLD_CHART_SQL = (  # the three aggregates of the last hour the charts ran before tool calls were paired
    'SELECT CAST(timestamp / 60 AS INTEGER) AS minute, hook_type, count(*) FROM hooks '
    'WHERE timestamp >= ? AND timestamp < ? GROUP BY minute, hook_type',
    "SELECT tool_name, duration_ms, count(*), sum(status = 'error') FROM hooks "
    "WHERE hook_type = 'PostToolUse' AND timestamp >= ? AND timestamp < ? GROUP BY tool_name, duration_ms",
    "SELECT CAST(timestamp / 60 AS INTEGER) AS minute, sum(status = 'error'), count(*) FROM hooks "
    "WHERE hook_type = 'PostToolUse' AND timestamp >= ? AND timestamp < ? GROUP BY minute",
)
STAMP_ARRIVALS = """() => {
  window.arrivals = {};
  window.received = {};
  window.socket.onAny((...message) => {  // when the change reached the page, before the grid applied it
    const now = performance.timeOrigin + performance.now();
    for (const match of JSON.stringify(message).matchAll(/\\bb(\\d{7})\\b/g)) {
      if (!(match[1] in window.received)) window.received[match[1]] = now;
    }
  });
  new MutationObserver(() => {
    const now = performance.timeOrigin + performance.now();
    for (const match of document.body.innerText.matchAll(/\\bb(\\d{7})\\b/g)) {
      if (!(match[1] in window.arrivals)) window.arrivals[match[1]] = now;
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
}"""


async def timed(action: Callable[[], Awaitable[object]], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await action()
        times.append(time.perf_counter() - started)
    return times


async def tally_costs(path: Path, runs: int) -> None:
    watcher = Watcher(sqlite_database(path), poll_interval=3600,
                      max_push_rate=DEFAULT_MAX_PUSH_RATE)
    hooks = (await watcher.relations())['hooks']
    writer = connect_writer(path)
    number = 0

    def commit(count: int) -> None:
        nonlocal number
        for _ in range(count):
            number += 1
            insert(writer, number)

    async def first_hour() -> None:
        tally = HourTally(watcher)
        await tally.tail.read(time.time(), hooks)
        aggregate([tally], time.time())

    print(f'  charts, first read of the hour and aggregation: {summary(await timed(first_hour, runs))}')
    charts = HourTally(watcher)
    await charts.tail.read(time.time(), hooks)
    for commits in (1, 100):
        costs = []
        for _ in range(runs):
            commit(commits)
            started = time.perf_counter()
            await charts.tail.read(time.time(), hooks)
            aggregate([charts], time.time())
            costs.append(time.perf_counter() - started)
        print(f'  charts, refresh after {commits:>3} commit{"s" if commits > 1 else " "} (tail + aggregation): '
              f'{summary(costs)}')

    async def first_week() -> None:
        tally = SessionTally(watcher)
        await tally.tail.read(time.time(), hooks)

    print(f'  session list, first read of the week: {summary(await timed(first_week, max(1, runs // 4)))}')
    sessions = SessionTally(watcher)
    await sessions.tail.read(time.time(), hooks)
    costs = []
    for _ in range(runs):
        commit(1)
        started = time.perf_counter()
        await sessions.tail.read(time.time(), hooks)
        sessions.forget_before(time.time() - RECENT)
        costs.append(time.perf_counter() - started)
    print(f'  session list, refresh after 1 commit: {summary(costs)} ({len(sessions.sessions):,} sessions)')

    async def old_charts() -> None:
        last = math.floor(time.time() / 60)
        since, until = (last - 59) * 60, (last + 1) * 60
        for sql in OLD_CHART_SQL:
            await watcher.reader.fetch(Statement(sql, (since, until)))

    print(f'  before: the three grouped aggregates per refresh: {summary(await timed(old_charts, runs))}')
    writer.close()
    await watcher.stop()


async def feed_latency(path: Path, app_python: str, commits: int) -> tuple[list[float], list[float]]:
    """Seconds from each commit to its message reaching the page, and to its text in the page's DOM."""
    port = free_port()
    command = [app_python, '-m', 'eyelet_gui', str(path), '--no-show', '--port', str(port)]
    writer = connect_writer(path)
    with serving(command, port, probe='/favicon.ico'):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
            page = await browser.new_page(viewport={'width': 1400, 'height': 900})
            await page.goto(f'http://127.0.0.1:{port}/')
            await page.wait_for_function("document.querySelectorAll('.ag-row').length > 0", timeout=60_000)
            await page.evaluate(STAMP_ARRIVALS)
            committed = {}
            for number in range(1_000_000, 1_000_000 + commits):  # the session column shows `b1000000` …
                committed[str(number)] = insert(writer, number, session=f'b{number}') * 1000
                await asyncio.sleep(0.25)
            await asyncio.sleep(2)
            arrivals, received = await page.evaluate('[window.arrivals, window.received]')
            await browser.close()
    writer.close()
    missed = [number for number in committed if number not in arrivals]
    if missed:
        print(f'  {len(missed)} of {commits} records never appeared')
    return ([(received[number] - at) / 1000 for number, at in committed.items() if number in received],
            [(arrivals[number] - at) / 1000 for number, at in committed.items() if number in arrivals])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000, help='records in the hooks table')
    parser.add_argument('--hour', type=int, nargs='+', default=[3600, 100_000], help='records in the last hour')
    parser.add_argument('--runs', type=int, default=20, help='repetitions of each state-level figure')
    parser.add_argument('--commits', type=int, default=40, help='records committed while the feed is timed')
    parser.add_argument('--feed-only', action='store_true', help='only the feed latency')
    parser.add_argument('--app-python', default=sys.executable, help='the Python that serves eyelet-gui')
    args = parser.parse_args()
    print_conditions('tool calls', f'{args.rows:,} real-shaped records; server and browser on this machine; '
                                   f'served by {args.app_python}')
    for hour_events in args.hour:
        with tempfile.TemporaryDirectory(prefix='eyelet-gui-calls-') as folder:
            path = project_database(folder)
            started = time.perf_counter()
            create_hooks(path, args.rows, hour_events=hour_events)
            print(f'\n{hour_events:,} records in the last hour ({time.perf_counter() - started:.0f} s to build)')
            if not args.feed_only:
                await tally_costs(path, args.runs)
            received, latencies = await feed_latency(path, args.app_python, args.commits)
            print(f'  feed in Chromium, one commit every 0.25 s: commit → its message in the page: {summary(received)}')
            print(f'    commit → its text on screen: {summary(latencies)}, max {max(latencies) * 1000:.0f} ms')


if __name__ == '__main__':
    asyncio.run(main())
