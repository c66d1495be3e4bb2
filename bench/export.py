"""Export of a whole eyelet table: chunks read at an OFFSET (before) and keyset pages (after), same rows, same text.

    uv run --group dev python bench/export.py [--rows 1000000] [--runs 3] [--kind csv] [--sort COLUMN]

Exports the `hooks` table of `--rows` real-shaped records (bench/common.create_hooks, built once and cached under
/tmp as bench/slow_view.py does) as the export route does: its own Reader, CHUNK_ROWS rows per read, every chunk
made into text and dropped; and the reads alone, without the text. Newest first by default (the table view's
order); `--sort COLUMN` exports sorted by that column, descending, as a clicked header does. Each paging runs
`--runs` times, alternating, and each run's row count is checked against the table's. Wall time on a shared
machine moves with its load; the CPU time of the process (its reading threads included) moves less. Last, what
making one chunk's CSV text costs with cells neutralised against formulas and without.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

from eyelet_gui.sources.export import CHUNK_ROWS, Page, export_text, keyset_pages, offset_pages, serialised_rows
from eyelet_gui.sources.json_values import blob_text
from eyelet_gui.sources.query import Query, Sort, Statement
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.reader import Reader

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import print_conditions, summary
from slow_view import cached_hooks

Paging = Callable[[Reader, Relation, Query], AsyncIterator[Page]]


async def export_seconds(path: Path, paging: Paging, query: Query, kind: str | None) -> tuple[float, float, int]:
    """Wall and CPU seconds (of this process, reading threads included) one export of `query` took with `paging`,
    and the rows it wrote; `kind` None: the reads alone, without making text."""
    reader = Reader(path)  # as the export route: its own connection
    try:
        hooks = next(relation for relation in await reader.relations() if relation.name == 'hooks')
        written = 0

        def progress(rows: int) -> None:
            nonlocal written
            written = rows

        started, cpu = time.perf_counter(), time.process_time()
        if kind is None:
            async for _, rows in paging(reader, hooks, query):
                progress(written + len(rows))
        else:
            async for _ in export_text(paging(reader, hooks, query), kind, progress):
                pass
        return time.perf_counter() - started, time.process_time() - cpu, written
    finally:
        await reader.close()


def unneutralised_csv(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """CSV text as the export made it before cells were neutralised: the baseline of what neutralising costs."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[blob_text(value) if isinstance(value, bytes) else value for value in row] for row in rows])
    return buffer.getvalue()


async def text_costs(path: Path, query: Query) -> None:
    """What making one chunk's CSV text costs, with cells neutralised and without: 50 times each, alternating."""
    reader = Reader(path)
    try:
        hooks = next(relation for relation in await reader.relations() if relation.name == 'hooks')
        columns, rows = await anext(keyset_pages(reader, hooks, query))
    finally:
        await reader.close()
    makers: dict[str, Callable[[], str]] = {
        'neutralised': lambda: serialised_rows('csv', columns, rows, before=0),
        'not neutralised (before)': lambda: unneutralised_csv(columns, rows)}
    costs: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(50):
        for name, make in makers.items():
            started = time.perf_counter()
            make()
            costs[name].append(time.perf_counter() - started)
    for name, values in costs.items():
        print(f'CSV text of {len(rows)} rows, {name}: {summary(values)}')


async def main(rows: int, runs: int, kind: str, sort: str | None) -> None:
    path = cached_hooks(rows)
    order = f'sorted by {sort} descending' if sort else 'newest first'
    print_conditions('export', f'{rows:,} rows of `hooks`, {kind.upper()}, {order}, {CHUNK_ROWS} rows a chunk, '
                               f'{runs} runs each')
    query = Query(relation='hooks', sort=(Sort(sort, descending=True),) if sort else ())
    reader = Reader(path)
    total = await reader.value(Statement('SELECT count(*) FROM hooks'))
    await reader.close()
    pagings = {'OFFSET (before)': offset_pages, 'keyset (after)': keyset_pages}
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, paging in pagings.items():
            for what, made in ((f'reads alone, {name}', None), (f'{kind.upper()} export, {name}', kind)):
                wall, cpu, written = await export_seconds(path, paging, query, made)
                assert written == total, f'{what} wrote {written} rows of {total}'
                walls.setdefault(what, []).append(wall)
                cpus.setdefault(what, []).append(cpu)
                print(f'  {what}: {wall:.2f} s ({cpu:.2f} s CPU)', flush=True)
    for what in sorted(walls):
        print(f'{what}: {summary(walls[what], "s", 1.0)}; CPU {summary(cpus[what], "s", 1.0)}')
    await text_costs(path, query)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000)
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--kind', choices=('csv', 'json'), default='csv')
    parser.add_argument('--sort', help='a column to sort by, descending (default: newest first)')
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.runs, arguments.kind, arguments.sort))
