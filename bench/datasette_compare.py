"""Side by side with Datasette: time to the first rows of a 1,000,000-row hooks table in a browser.

    uv run --group dev python bench/datasette_compare.py [--rows 1000000] [--loads 9]

Serves the same file with `python -m eyelet_gui` and with Datasette (`uv run --with datasette==0.65.5`, its
defaults), and opens each one's page of the `hooks` table in Debian's Chromium, in a new browser context
each time (a first visit), alternating between the two so that the machine's noise falls on both.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from playwright.async_api import async_playwright

from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.query_url import table_path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, create_hooks, free_port, percentile, print_conditions, served, serving

DATASETTE = 'datasette==0.65.5'
GRID_HAS_ROWS = ("() => { const e = document.querySelector('.eyelet-grid'); "
                 "return e && getElement(e.id.slice(1)).api?.getDisplayedRowCount() > 0 }")
TABLE_HAS_ROWS = "() => document.querySelector('table.rows-and-columns tbody tr') !== null"


@contextlib.contextmanager
def datasette(database: Path) -> Iterator[str]:
    port = free_port()
    with serving(['uv', 'run', '--no-project', '--with', DATASETTE, 'datasette', 'serve', str(database),
                  '--port', str(port)], port, patience=120):  # uv may fetch Datasette first
        yield f'http://127.0.0.1:{port}'


def ms(values: list[float]) -> str:
    return (f'median {statistics.median(values) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f} ms '
            f'(n={len(values)})')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000, help='rows in the hooks table')
    parser.add_argument('--loads', type=int, default=9, help='page loads timed for each')
    args = parser.parse_args()
    print_conditions('Datasette comparison', f'Debian Chromium headless; {DATASETTE} with its defaults')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-datasette-') as folder:
        path = Path(folder) / 'eyelet.db'
        create_hooks(path, args.rows)
        print(f'{args.rows:,} rows in hooks')
        with served(path) as (ours, _), datasette(path) as theirs:
            pages = {'eyelet-gui': (ours + table_path(database_id(path.resolve()), 'hooks'), GRID_HAS_ROWS),
                     'Datasette': (f'{theirs}/eyelet/hooks', TABLE_HAS_ROWS)}
            times: dict[str, list[float]] = {name: [] for name in pages}
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
                for load in range(args.loads + 1):  # the first round warms both servers up
                    for name, (url, has_rows) in pages.items():
                        page = await browser.new_page()
                        started = time.perf_counter()
                        await page.goto(url)
                        await page.wait_for_function(has_rows, timeout=60_000, polling=10)
                        if load:
                            times[name].append(time.perf_counter() - started)
                        await page.close()
                await browser.close()
    print()
    for name, values in times.items():
        print(f'{name}: navigation → first rows of hooks in the DOM: {ms(values)}')
    ratio = statistics.median(times['Datasette']) / statistics.median(times['eyelet-gui'])
    print(f'Datasette / eyelet-gui, medians: {ratio:.2f}')


if __name__ == '__main__':
    asyncio.run(main())
