"""What travels over the WebSocket, and how fast a commit reaches the screen, in real Chromium tabs.

    uv run --group dev python bench/wire.py [--changes 20] [--tabs 20]

Serves a 20,000-row eyelet `hooks` table with `python -m eyelet_gui` and opens its live view with 1,000
and 10,000 rows loaded. Prints the bytes the browser receives per one-row insert and per second of quiet,
and commit → row-in-the-DOM latency with 1 tab and with many.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.async_api import Page, async_playwright

from eyelet_gui.state.catalog import database_id

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, Frames, create_hooks, insert, percentile, print_conditions, served

# Records, in the page, when each row id first appears in the grid (Date.now(), comparable with time.time()).
WATCH_ROWS = '''() => {
  window.seenAt = {};
  new MutationObserver(() => {
    for (const row of document.querySelectorAll('.ag-center-cols-container .ag-row[row-id]')) {
      const id = row.getAttribute('row-id');
      if (!(id in window.seenAt)) window.seenAt[id] = Date.now();
    }
  }).observe(document.body, { childList: true, subtree: true });
}'''


async def open_view(browser: Any, url: str, rows: int) -> tuple[Page, Frames]:
    page = await browser.new_page()
    frames = Frames(page)
    await page.goto(url)
    await page.wait_for_function(
        "n => { const e = document.querySelector('.eyelet-grid'); return e && "
        "getElement(e.id.slice(1)).api?.getDisplayedRowCount() === n }", arg=rows, timeout=60_000)
    await page.evaluate(WATCH_ROWS)
    return page, frames


async def wait_seen(pages: list[Page], key: int | str) -> list[float]:
    times = []
    for page in pages:
        await page.wait_for_function('k => k in window.seenAt', arg=str(key), timeout=10_000)
        times.append(await page.evaluate('k => window.seenAt[k]', str(key)) / 1000)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--changes', type=int, default=20, help='one-row inserts measured per condition')
    parser.add_argument('--tabs', type=int, default=20, help='tabs open for the many-tabs latency')
    args = parser.parse_args()
    print_conditions('wire', 'Debian Chromium headless; server, writer and browsers on the same machine')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-wire-') as folder:
        path = Path(folder) / 'eyelet.db'
        create_hooks(path, 20_000)
        writer = sqlite3.connect(path, isolation_level=None)
        number = 0
        with served(path) as (url, _), contextlib.closing(writer):
            base = f'{url}/db/{database_id(path.resolve())}/table/hooks'
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
                for loaded in (1000, 10_000):
                    page, frames = await open_view(browser, f'{base}?limit={loaded}', loaded)
                    await asyncio.sleep(2)
                    quiet_start = frames.received
                    await asyncio.sleep(10)
                    quiet = (frames.received - quiet_start) / 10
                    sizes, latencies = [], []
                    for _ in range(args.changes):
                        number += 1
                        before = frames.received
                        committed = insert(writer, number)
                        key = writer.execute('SELECT max(id) FROM hooks').fetchone()[0]
                        (seen,) = await wait_seen([page], key)
                        await asyncio.sleep(0.3)  # let the counts' update land as well
                        sizes.append(frames.received - before)
                        latencies.append(seen - committed)
                    print(f'\n{loaded:,} rows loaded, one-row insert: bytes received per change median '
                          f'{statistics.median(sizes):.0f} B, max {max(sizes)} B (n={len(sizes)}); '
                          f'quiet: {quiet:.0f} B/s')
                    print(f'  commit → row in the DOM, 1 tab: median {statistics.median(latencies) * 1000:.0f} ms, '
                          f'p95 {percentile(latencies, 0.95) * 1000:.0f} ms')
                    await page.close()
                pages = [(await open_view(browser, f'{base}?limit=1000', 1000))[0] for _ in range(args.tabs)]
                latencies = []
                for _ in range(args.changes):
                    number += 1
                    committed = insert(writer, number)
                    key = writer.execute('SELECT max(id) FROM hooks').fetchone()[0]
                    latencies.extend(seen - committed for seen in await wait_seen(pages, key))
                    await asyncio.sleep(0.2)
                print(f'\n{args.tabs} tabs, 1,000 rows loaded each: commit → row in the DOM of every tab: median '
                      f'{statistics.median(latencies) * 1000:.0f} ms, p95 {percentile(latencies, 0.95) * 1000:.0f} ms '
                      f'(n={len(latencies)})')
                await browser.close()


if __name__ == '__main__':
    asyncio.run(main())
