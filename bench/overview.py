"""The first page on a large eyelet database: time to first rows and to the charts (their cost: bench/tool_calls.py).

    uv run --group dev python bench/overview.py [--rows 1000000] [--loads 7]

Builds a hooks table of `--rows` rows (one event a second, so the last hour holds 3,600), serves it with
`python -m eyelet_gui`, and opens `/` in Debian's Chromium again and again.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, Frames, create_hooks, insert, percentile, print_conditions, project_database, served

FEED_HAS_ROWS = ("() => { const e = document.querySelector('.eyelet-grid'); "
                 "return e && getElement(e.id.slice(1)).api?.getDisplayedRowCount() > 0 }")
CHARTS_HAVE_DATA = ("() => { const c = document.querySelectorAll('.js-plotly-plot'); "
                    "return c.length === 4 && c[1].data?.[0]?.x?.length > 0 && c[0].data?.length > 0 }")


def ms(values: list[float]) -> str:
    return (f'median {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms '
            f'(n={len(values)})')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000, help='rows in the hooks table')
    parser.add_argument('--loads', type=int, default=7, help='page loads timed')
    parser.add_argument('--writes', type=int, default=40, help='rows written while chart updates are measured')
    parser.add_argument('--app-python', nargs='+', default=[sys.executable],
                        help='the Python(s) that serve eyelet-gui, one after the other on the same database')
    args = parser.parse_args()
    print_conditions('overview', 'Debian Chromium headless; server and browser on the same machine')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-overview-') as folder:
        path = project_database(folder)
        started = time.perf_counter()
        create_hooks(path, args.rows)
        print(f'{args.rows:,} rows in hooks ({time.perf_counter() - started:.0f} s to build)')

        for python in args.app_python:
            with served(path, python) as (url, _):
                rows, charts = [], []
                async with async_playwright() as playwright:
                    browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium',
                                                               args=CHROMIUM_ARGS)
                    for _ in range(args.loads + 1):  # the first load warms the server and the browser's cache up
                        page = await browser.new_page()
                        started = time.perf_counter()
                        await page.goto(f'{url}/')
                        await page.wait_for_function(FEED_HAS_ROWS, timeout=30_000, polling=10)
                        rows.append(time.perf_counter() - started)
                        await page.wait_for_function(CHARTS_HAVE_DATA, timeout=30_000, polling=10)
                        charts.append(time.perf_counter() - started)
                        await page.close()
                    patches, redraws = await chart_updates(browser, url, path, args.writes)
                    await browser.close()
            print(f'\nserved by {python}:')
            print(f'/ from navigation to the hook feed\'s first rows: {ms(rows[1:])}')
            print(f'/ from navigation to all four charts drawn with data: {ms(charts[1:])}')
            print(f'While {args.writes} rows were written, one every 0.5 s: {len(patches)} chart updates, '
                  f'{len(redraws)} figures sent whole')
            print(f'  bytes per chart update: median {statistics.median(patches):.0f} B, max {max(patches)} B')


async def chart_updates(browser: Any, url: str, path: Path, writes: int) -> tuple[list[int], list[int]]:
    """Sizes of the WebSocket frames that change a chart (patches) and that send a whole figure."""
    page = await browser.new_page()
    frames = Frames(page)
    await page.goto(f'{url}/')
    await page.wait_for_function(CHARTS_HAVE_DATA, timeout=30_000, polling=10)
    await asyncio.sleep(2)
    frames.frames.clear()
    writer = sqlite3.connect(path, isolation_level=None)
    for number in range(writes):
        insert(writer, number)
        await asyncio.sleep(0.5)
    await asyncio.sleep(3)  # the last refresh
    writer.close()
    await page.close()
    texts = [frame if isinstance(frame, str) else frame.decode() for frame in frames.frames]
    return ([len(text.encode()) for text in texts if r'\"patch\"' in text],
            [len(text.encode()) for text in texts if '"figure"' in text])


if __name__ == '__main__':
    asyncio.run(main())
