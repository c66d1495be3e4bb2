"""What one open eyelet-gui tab costs the browser: main-thread time, commit → text in the DOM, first rows.

    uv run --group dev python bench/browser_cost.py [--only cost|latency|first-rows] [--pages overview table sql
        sessions session] [--rates 0 10 100] [--seconds 15] [--tabs 5] [--rows 1000000] [--loads 5]

cost: an eyelet database of `--live-rows` real-shaped records (`--live-rows` of them fresh, 3,600 in the last
hour) is served with `python -m eyelet_gui`; each page opens in its own tab of Debian's Chromium (1440x900) and,
once settled, the renderer's main-thread time over `--seconds` (Chrome DevTools Protocol `Performance.getMetrics`:
TaskDuration, and within it style recalculation, script and layout) is divided by the wall time, as is the server
process's CPU time, while a separate process commits records as eyelet writes them at each `--rates` figure (0:
idle), into the newest session — the one the session page shows.
latency: `/` open in one tab, then in `--tabs` tabs of one browser, while the writer commits 10 records a second,
each with a unique number in its command (`tests/test_N.py`, shown by the live feed); a MutationObserver in each
page stamps when the number first enters the DOM; the writer stamps just before each commit (same clock).
first-rows: the cached `--rows`-row hooks table, served at once by eyelet-gui, sqlite-web and Datasette (both in
temporary environments); each page opens in a new browser context (a first visit), alternated `--loads` times
after a warm-up round; from navigation start to the first data row with text in the DOM (stamped in the page).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, ViewportSize, async_playwright

from eyelet_gui.pages.sql import sql_path
from eyelet_gui.sources.eyelet.schema import connect_writer
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.eyelet.attention import session_page
from eyelet_gui.state.live.query_url import table_path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import (
    CHROMIUM_ARGS,
    cached_hooks,
    cpu_seconds,
    create_hooks,
    free_port,
    insert,
    percentile,
    print_conditions,
    project_database,
    served,
    serving,
)
from datasette_compare import DATASETTE, datasette

DESKTOP: ViewportSize = {'width': 1440, 'height': 900}
SETTLE = 4.0  # seconds after a page shows its rows (and again after the writer starts) before measuring
PATIENCE = 3.0  # a marker not in the DOM this long after its commit counts as missed
GRID_ROW = '.eyelet-grid .ag-center-cols-container .ag-row'
FIRST_ROW = '#eyelet-first-rows tbody tr, ' + GRID_ROW
"""The rows a fresh tab shows first: the page's plain table (components/first_rows.py) or, failing it, the grid's."""
READY = {name: f'document.querySelector({json.dumps(selector)}) !== null' for name, selector in
         {'overview': GRID_ROW, 'table': GRID_ROW, 'sql': GRID_ROW, 'sessions': GRID_ROW,
          'session': '.js-plotly-plot'}.items()}
METRICS = {'busy': 'TaskDuration', 'style': 'RecalcStyleDuration', 'script': 'ScriptDuration',
           'layout': 'LayoutDuration'}
LIVE_SQL = 'SELECT id, hook_type, tool_name, timestamp_iso, session_id FROM hooks ORDER BY id DESC LIMIT 100'
"""The SQL page's statement, run live: the newest records, as a person following them in SQL would write it."""
MARKERS = itertools.count(1_000_000, 1_000_000)  # each writer's first number: markers never repeat
# Installed before the page loads, so that a page that reloads itself keeps reporting; `markerSeen` is a binding
# to this process, which keeps the stamps across reloads.
STAMP_MARKERS = r"""(() => {
  const reported = new Set();
  const scan = (text, now) => {
    for (const match of (text || '').matchAll(/tests\/test_(\d+)\.py/g))
      if (!reported.has(match[1])) { reported.add(match[1]); window.markerSeen(match[1], now); }
  };
  new MutationObserver(records => {
    const now = performance.timeOrigin + performance.now();
    for (const record of records) {
      if (record.type === 'characterData') scan(record.target.data, now);
      else for (const node of record.addedNodes) scan(node.textContent, now);
    }
  }).observe(document, {childList: true, subtree: true, characterData: true});
})();"""
STAMP_FIRST_ROW = """(() => {
  const selector = %s;
  const observer = new MutationObserver(() => {
    for (const row of document.querySelectorAll(selector)) {
      if (row.textContent.trim()) { window.firstRow = performance.now(); observer.disconnect(); return; }
    }
  });
  observer.observe(document, {childList: true, subtree: true, characterData: true});
})();"""


def write_at(path: Path, rate: float, first: int) -> None:
    """The writer process: commits from `first` on, `rate` a second, printing each number and commit time."""
    connection = connect_writer(path)
    session = connection.execute('SELECT session_id FROM hooks ORDER BY id DESC LIMIT 1').fetchone()[0]
    started = time.monotonic()
    for i in itertools.count():
        time.sleep(max(0.0, started + i / rate - time.monotonic()))
        print(first + i, insert(connection, first + i, session=session), flush=True)


@contextlib.asynccontextmanager
async def writing(path: Path, rate: float) -> AsyncIterator[dict[str, float]]:
    """A writer process at `rate` commits a second (none at 0) for the block; afterwards the dict maps each
    committed marker to the time just before its commit."""
    committed: dict[str, float] = {}
    if not rate:
        yield committed
        return
    with tempfile.TemporaryFile('w+') as log:  # not a pipe: nobody reads it while the writer runs
        writer = await asyncio.create_subprocess_exec(sys.executable, __file__, '--writer', str(path), str(rate),
                                                      str(next(MARKERS)), stdout=log)
        try:
            deadline = time.monotonic() + 60
            while not log.tell() and time.monotonic() < deadline:  # the block starts with the first commit
                await asyncio.sleep(0.05)
                log.seek(0, 2)
            yield committed
        finally:
            writer.terminate()
            await writer.wait()
            log.seek(0)
            for line in log:
                number, at = line.split()
                committed[number] = float(at)


def share(values: list[float]) -> str:
    return f'median {statistics.median(values):.1f} %, p95 {percentile(values, 0.95):.1f} %'


async def metrics(cdp: Any) -> dict[str, float]:
    return {item['name']: item['value'] for item in (await cdp.send('Performance.getMetrics'))['metrics']}


async def each_second(cdp: Any, seconds: float) -> list[tuple[dict[str, float], dict[str, float]]]:
    """The page's metrics at the start and end of each of the next `seconds`."""
    samples = [await metrics(cdp)]
    for _ in range(round(seconds)):
        await asyncio.sleep(1)
        samples.append(await metrics(cdp))
    return list(itertools.pairwise(samples))


async def main_thread(browser: Browser, url: str, ready: str, path: Path, *, rate: float, seconds: float,
                      server: int) -> str:
    """The page's renderer main-thread shares of one core over `seconds`, once settled, at `rate` commits/s; and
    the share the `server` process had meanwhile."""
    page = await browser.new_page(viewport=DESKTOP)
    cdp = await page.context.new_cdp_session(page)
    await cdp.send('Performance.enable')
    await page.goto(url)
    await page.wait_for_function(ready, timeout=60_000)
    await asyncio.sleep(SETTLE)
    loads: list[float] = []
    page.on('load', lambda _: loads.append(time.time()))
    async with writing(path, rate) as committed:
        await asyncio.sleep(SETTLE if rate else 0)
        window, served = [time.time()], [cpu_seconds(server)]
        seconds_each = await each_second(cdp, seconds)
        window.append(time.time())
        served.append(cpu_seconds(server))
    written = sum(window[0] <= at < window[1] for at in committed.values()) / (window[1] - window[0])
    await page.close()
    whole = {name: busy(metric, seconds_each) for name, metric in METRICS.items()}
    per_second = [busy('TaskDuration', [pair]) for pair in seconds_each]
    reloaded = sum(window[0] <= at < window[1] for at in loads)
    return (f'busy {whole["busy"]:5.1f} % (each second: {share(per_second)}); style {whole["style"]:.1f} %, '
            f'script {whole["script"]:.1f} %, layout {whole["layout"]:.1f} %; '
            f'server {100 * (served[1] - served[0]) / (window[1] - window[0]):.1f} %'
            + (f'; {written:.0f} commits/s made' if rate else '')
            + (f'; THE PAGE RELOADED {reloaded} time(s) in the window' if reloaded else ''))


def busy(metric: str, intervals: list[tuple[dict[str, float], dict[str, float]]]) -> float:
    """Percent of one core that `metric` took over the intervals. A page that reloads starts its counters again
    at 0, so an interval whose counter went down counts what the new page spent (a little less than the truth)."""
    spent = sum(end[metric] - start[metric] if end[metric] >= start[metric] else end[metric]
                for start, end in intervals)
    return 100 * spent / sum(end['Timestamp'] - start['Timestamp'] for start, end in intervals)


def page_paths(path: Path) -> dict[str, str]:
    """Each costed page's path; the session page is the newest session's, which the writer adds to."""
    identity = database_id(path.resolve())
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    session = connection.execute('SELECT session_id FROM hooks ORDER BY id DESC LIMIT 1').fetchone()[0]
    connection.close()
    return {'overview': '/', 'table': table_path(identity, 'hooks'), 'sql': sql_path(identity, LIVE_SQL, live=True),
            'sessions': '/sessions', 'session': session_page(f'{identity}:{session}')}


async def cost(browser: Browser, url: str, server: int, path: Path, args: argparse.Namespace) -> None:
    paths = page_paths(path)
    print(f'\nRenderer main thread, share of one core over {args.seconds:.0f} s, 1440x900 '
          f'(whole window; and each second\'s):')
    for name in args.pages:
        for rate in args.rates:
            figure = await main_thread(browser, url + paths[name], READY[name], path, rate=rate,
                                       seconds=args.seconds, server=server)
            condition = f'{rate:g} commits/s' if rate else 'idle'
            print(f'  {paths[name] if name != "session" else "/sessions/<id>/<session>"} {condition}: {figure}',
                  flush=True)


async def latencies(browser: Browser, url: str, path: Path, *, tabs: int, rate: float, seconds: float) -> str:
    """Commit → marker text in the DOM of `/`, over `tabs` tabs open together."""
    pages: list[tuple[Page, dict[str, float]]] = []
    loads: list[float] = []
    for _ in range(tabs):
        page = await browser.new_page(viewport=DESKTOP)
        seen: dict[str, float] = {}
        await page.expose_function('markerSeen', lambda number, at, seen=seen: seen.setdefault(number, at))
        await page.add_init_script(STAMP_MARKERS)
        await page.goto(f'{url}/')
        await page.wait_for_function(READY['overview'], timeout=60_000)
        page.on('load', lambda _: loads.append(time.time()))
        pages.append((page, seen))
    await asyncio.sleep(SETTLE)
    async with writing(path, rate) as committed:
        await asyncio.sleep(seconds)
    await asyncio.sleep(PATIENCE)
    times, missed = [], 0
    for page, seen in pages:
        for number, at in committed.items():
            delay = seen[number] / 1000 - at if number in seen else None
            if delay is None or delay > PATIENCE:
                missed += 1
            if delay is not None:
                times.append(delay)
        await page.close()
    total = len(committed) * tabs
    return (f'p50 {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms, '
            f'max {max(times) * 1000:.0f} ms; not in the DOM within {PATIENCE:.0f} s: {missed} of {total} '
            f'({100 * missed / total:.1f} %)' + (f'; TABS RELOADED {len(loads)} time(s)' if loads else ''))


async def latency(browser: Browser, url: str, path: Path, args: argparse.Namespace) -> None:
    print(f'\nCommit → its text in the DOM of /, the writer at {args.latency_rate:g} commits/s for '
          f'{args.seconds:.0f} s:')
    for tabs in sorted({1, args.tabs}):
        figure = await latencies(browser, url, path, tabs=tabs, rate=args.latency_rate, seconds=args.seconds)
        print(f'  {tabs} tab{"s" if tabs > 1 else ""}: {figure}', flush=True)


@contextlib.contextmanager
def sqlite_web(database: Path) -> Iterator[str]:
    port = free_port()
    with serving(['uv', 'run', '--no-project', '--with', 'sqlite-web', 'sqlite_web', str(database), '--port',
                  str(port), '--no-browser'], port, patience=120):  # uv may fetch sqlite-web first
        yield f'http://127.0.0.1:{port}'


async def first_row(browser: Browser, url: str, selector: str) -> float:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.add_init_script(STAMP_FIRST_ROW % json.dumps(selector))
    await page.goto(url)
    await page.wait_for_function('window.firstRow !== undefined', timeout=60_000, polling=50)
    seconds = await page.evaluate('window.firstRow') / 1000
    await context.close()
    return float(seconds)


async def first_rows(browser: Browser, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-first-rows-') as folder:
        database = Path(folder) / 'eyelet.db'
        shutil.copyfile(cached_hooks(args.rows), database)
        with served(database) as (ours, _), sqlite_web(database) as web, datasette(database) as theirs:
            table = ours + table_path(database_id(database.resolve()), 'hooks')
            pages = {'eyelet-gui table page': (table, FIRST_ROW), 'eyelet-gui /': (f'{ours}/', FIRST_ROW),
                     'eyelet-gui table, grid': (table, GRID_ROW), 'eyelet-gui /, grid': (f'{ours}/', GRID_ROW),
                     'sqlite-web table content': (f'{web}/hooks/content/', 'table tbody tr'),
                     'Datasette table page': (f'{theirs}/eyelet/hooks', 'table.rows-and-columns tbody tr')}
            times: dict[str, list[float]] = {name: [] for name in pages}
            for load in range(args.loads + 1):  # the first round warms the servers up
                for name, (url, selector) in pages.items():
                    seconds = await first_row(browser, url, selector)
                    if load:
                        times[name].append(seconds)
    print(f'\nFirst rows of the {args.rows:,}-row hooks table in a fresh tab (navigation start → first data row '
          f'in the DOM), alternated, after a warm-up round:')
    for name, values in times.items():
        print(f'  {name + ":":27} median {statistics.median(values) * 1000:.0f} ms, '
              f'p95 {percentile(values, 0.95) * 1000:.0f} ms (n={len(values)})')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--only', choices=('cost', 'latency', 'first-rows'), help='one part only (default: all)')
    parser.add_argument('--pages', nargs='+', choices=tuple(READY), default=list(READY), help='pages costed')
    parser.add_argument('--rates', nargs='+', type=float, default=[0, 10, 100], help='commits/s (0: idle)')
    parser.add_argument('--seconds', type=float, default=15, help='measured window of each condition')
    parser.add_argument('--tabs', type=int, default=5, help='tabs on / for the many-tab latency')
    parser.add_argument('--latency-rate', type=float, default=10, help='commits/s while latency is measured')
    parser.add_argument('--live-rows', type=int, default=20_000, help='records in the database written to')
    parser.add_argument('--rows', type=int, default=1_000_000, help='rows of the first-rows hooks table')
    parser.add_argument('--loads', type=int, default=5, help='fresh-tab loads timed for each first-rows page')
    parser.add_argument('--writer', nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        write_at(Path(args.writer[0]), float(args.writer[1]), int(args.writer[2]))
        return
    print_conditions('browser cost', f'Debian Chromium headless ({" ".join(CHROMIUM_ARGS)}); server, writer and '
                                     f'browser on the same cores; the code of {Path.cwd()}; {DATASETTE}; '
                                     f'load average {os.getloadavg()[0]:.2f} at the start')
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
        if args.only in (None, 'cost', 'latency'):
            with tempfile.TemporaryDirectory(prefix='eyelet-gui-browser-cost-') as folder:
                path = project_database(folder)
                create_hooks(path, args.live_rows)
                print(f'live database: {args.live_rows:,} real-shaped records, 3,600 in the last hour')
                with served(path) as (url, server):
                    if args.only in (None, 'cost'):
                        await cost(browser, url, server, path, args)
                    if args.only in (None, 'latency'):
                        await latency(browser, url, path, args)
        if args.only in (None, 'first-rows'):
            await first_rows(browser, args)
        await browser.close()
    print(f'\nload average at the end (1, 5, 15 min): {", ".join(f"{load:.2f}" for load in os.getloadavg())}')


if __name__ == '__main__':
    asyncio.run(main())
