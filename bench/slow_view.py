"""One slow view beside the hook feed: commit → hook feed latency, idle and while another tab keeps sorting.

    uv run --group dev python bench/slow_view.py [--rows 1000000] [--commits 150] [--pause 0.25] [--resort 0]

Serves an eyelet `hooks` table of `--rows` rows (built once and cached under /tmp, copied for each run) with
`python -m eyelet_gui`. A viewer (a NiceGUI socket client, as in bench/viewers.py) opens `/`, whose live hook
feed shows the newest events; a separate connection commits one row at a time, and the time until the viewer
receives it is measured from just before the commit. First with nothing else open, then while a second viewer
keeps the table view sorted by `data`, which has no index: the view sorts the whole table again after each
commit (as often as pacing.py lets it). With `--resort S` the second viewer also opens the view again every S
seconds, sorted the other way, as a person clicking the column header does; each opening also costs the
server a page build and 500 rows to send, which delay the feed whatever the reads do.

Run it from another checkout to measure that code: `python -m eyelet_gui` is the one of the running venv.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.query_url import table_path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import cached_hooks, insert, print_conditions, served, summary
from viewers import Viewer

SORTED_BY = 'data'


def sort_seconds(path: Path) -> float:
    """What one sort of the table by SORTED_BY takes here now, as the table view asks for it (500 rows)."""
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    started = time.perf_counter()
    connection.execute(f'SELECT id, * FROM hooks ORDER BY {SORTED_BY} DESC, id DESC LIMIT 500').fetchall()
    connection.close()
    return time.perf_counter() - started


async def feed_latencies(feed: Viewer, writer: sqlite3.Connection, *, label: str, commits: int,
                         pause: float) -> tuple[list[float], int]:
    """Seconds from just before each commit until the feed's viewer received the row; and the rows never seen."""
    latencies: list[float] = []
    missed = 0
    for n in range(commits):
        marker = f'slow-view-{label}-{n}'
        feed.watching.add(marker)
        committed = insert(writer, n, session=marker)
        deadline = time.monotonic() + 10
        while marker not in feed.seen and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        if marker in feed.seen:
            latencies.append(feed.seen[marker] - committed)
        else:
            missed += 1
        await asyncio.sleep(pause)
    return latencies, missed


async def keep_sorting(url: str, path: str, resort: float) -> None:
    """The other tab (run in a process of its own, so that its messages do not delay the feed's viewer): the
    table view sorted by SORTED_BY, opened again the other way every `resort` seconds (0: never). Prints
    `opened` for each opening, and `stopped` when the view said it took longer than the time limit."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        descending = True
        while True:
            viewer = Viewer()
            sort = json.dumps([[SORTED_BY, 'desc' if descending else 'asc']])
            try:
                await viewer.open(http, url, f'{path}?{httpx.QueryParams(sort=sort)}')
                print('opened', flush=True)
                viewer.watching.add('took longer than')
                started = time.monotonic()
                while not resort or time.monotonic() - started < resort:
                    await asyncio.sleep(0.1)
                    if viewer.seen.pop('took longer than', None):
                        print('stopped', flush=True)
            finally:
                await viewer.socket.disconnect()
            descending = not descending


@contextlib.asynccontextmanager
async def sorting(url: str, path: str, resort: float) -> AsyncIterator[list[str]]:
    """Another tab keeps sorting for the block; the list holds, afterwards, what each opening showed."""
    openings: list[str] = []
    tab = await asyncio.create_subprocess_exec(sys.executable, __file__, '--sorter', url, path, '--resort',
                                               str(resort), stdout=asyncio.subprocess.PIPE)
    try:
        yield openings
    finally:
        tab.terminate()
        output, _ = await tab.communicate()
        openings.extend(output.decode().splitlines())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000, help='rows in the hooks table')
    parser.add_argument('--commits', type=int, default=150, help='one-row commits timed in each phase')
    parser.add_argument('--pause', type=float, default=0.25, help='seconds between a row seen and the next commit')
    parser.add_argument('--resort', type=float, default=0.0,
                        help='seconds between two openings of the sorted view (0: it stays open)')
    parser.add_argument('--settle', type=float, default=10.0,
                        help='seconds between opening the sorted view and the first timed commit')
    parser.add_argument('--sorter', nargs=2, metavar=('URL', 'PATH'), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sorter:
        url, path = args.sorter
        await keep_sorting(url, path, args.resort)
        return
    source = cached_hooks(args.rows)
    print_conditions('slow view', f'server and both viewers on the same cores; the code of {Path.cwd()}')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-slow-view-') as folder:
        database = Path(folder) / 'eyelet.db'
        shutil.copyfile(source, database)
        print(f'{args.rows:,} rows in hooks; one sort by {SORTED_BY} (no index), 500 rows, outside the app: '
              f'{sort_seconds(database):.2f} s\n')
        writer = sqlite3.connect(database, isolation_level=None, timeout=60)
        with served(database) as (url, _):
            feed = Viewer()
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                await feed.open(http, url, '/')
            await asyncio.sleep(3)  # the feed's first rows and the charts settle
            idle, idle_missed = await feed_latencies(feed, writer, label='idle', commits=args.commits,
                                                     pause=args.pause)
            async with sorting(url, table_path(database_id(database.resolve()), 'hooks'), args.resort) as openings:
                await asyncio.sleep(args.settle)  # its page is built, its first sort done and its rows sent
                loaded, loaded_missed = await feed_latencies(feed, writer, label='sorting', commits=args.commits,
                                                             pause=args.pause)
            await feed.socket.disconnect()
        writer.close()
    for name, latencies, missed in (('idle', idle, idle_missed), ('another tab sorting', loaded, loaded_missed)):
        print(f'commit → hook feed on /, {name + ":":20} {summary(latencies)}, max {max(latencies) * 1000:.0f} ms; '
              f'not seen within 10 s: {missed}')
    print(f'the sorting tab opened the view {openings.count("opened")} time(s); it said {openings.count("stopped")} '
          'time(s) that reading took longer than the time limit')


if __name__ == '__main__':
    asyncio.run(main())
