"""Export of a whole eyelet table: chunks read at an OFFSET (before) and keyset pages (after), same rows, same text.

    uv run --group dev python bench/export.py [--rows 1000000] [--runs 3] [--kind csv] [--sort COLUMN]

Exports the `hooks` table of `--rows` real-shaped records (bench/common.create_hooks, built once and cached under
/tmp as bench/slow_view.py does) as the export route does: its own Reader, CHUNK_ROWS rows per read, every chunk
made into text and dropped. Newest first by default (the table view's order); `--sort COLUMN` exports sorted by
that column, descending, as a clicked header does. Each paging runs `--runs` times, alternating, and each run's
row count is checked against the table's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from eyelet_gui.sources.export import CHUNK_ROWS, Page, export_text, keyset_pages, offset_pages
from eyelet_gui.sources.query import Query, Sort, Statement
from eyelet_gui.sources.reader import Reader
from eyelet_gui.sources.schema import Relation

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import print_conditions, summary
from slow_view import cached_hooks

Paging = Callable[[Reader, Relation, Query], AsyncIterator[Page]]


async def export_seconds(path: Path, paging: Paging, query: Query, kind: str) -> tuple[float, int]:
    """Seconds one export of `query` took with `paging`, and the rows it wrote."""
    reader = Reader(path)  # as the export route: its own connection
    try:
        hooks = next(relation for relation in await reader.relations() if relation.name == 'hooks')
        written = 0

        def progress(rows: int) -> None:
            nonlocal written
            written = rows

        started = time.perf_counter()
        async for _ in export_text(paging(reader, hooks, query), kind, progress):
            pass
        return time.perf_counter() - started, written
    finally:
        await reader.close()


async def main(rows: int, runs: int, kind: str, sort: str | None) -> None:
    path = cached_hooks(rows)
    order = f'sorted by {sort} descending' if sort else 'newest first'
    print_conditions('export', f'{rows:,} rows of `hooks`, {kind.upper()}, {order}, {CHUNK_ROWS} rows a chunk, '
                               f'{runs} runs each')
    query = Query(relation='hooks', sort=(Sort(sort, descending=True),) if sort else ())
    reader = Reader(path)
    total = await reader.value(Statement('SELECT count(*) FROM hooks'))
    await reader.close()
    times: dict[str, list[float]] = {'OFFSET (before)': [], 'keyset (after)': []}
    for _ in range(runs):
        for name, paging in (('OFFSET (before)', offset_pages), ('keyset (after)', keyset_pages)):
            seconds, written = await export_seconds(path, paging, query, kind)
            assert written == total, f'{name} wrote {written} rows of {total}'
            times[name].append(seconds)
            print(f'  {name}: {seconds:.2f} s', flush=True)
    for name, values in times.items():
        print(f'{name}: {summary(values, "s", 1.0)}, {total / min(values):,.0f} rows/s at best')


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--kind', choices=('csv', 'json'), default='csv')
    parser.add_argument('--sort', help='a column to sort by, descending (default: newest first)')
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs, arguments.kind, arguments.sort))
