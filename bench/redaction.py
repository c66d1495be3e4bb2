"""Redaction's cost per 1,000 real-shaped rows, and what it adds to a search.

    uv run --group dev python bench/redaction.py [--rows 20000] [--rounds 20]

Rows are eyelet 0.3.5's records for the demo's simulated agents (bench/common.real_records: every one holds the
demo's `ANTHROPIC_API_KEY` in `data.environment.env_vars`), with the columns in the order of the `hooks` table.
Measured in this process, on sources/redaction.py's Redactor, as Reader.fetch calls it for each read:
- cold: a Redactor that has seen none of the 1,000 rows (the first read of a window, a tail read, an export);
- warm: the same 1,000 rows again (a live window read again after a commit: its values come from the cache);
- the `data` column alone, cold, and the same values redacted whole, as before the Redactor cut eyelet's records
  into pieces that repeat (environment, metadata, session paths) and remembered them.
Then a search (`Bash`, which most records hold, and a 12-character piece of the key, which all hold and none may
match) counted over `--rows` records in a real database, through a Reader that redacts and one that shows secrets.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from eyelet_gui.bench.common import percentile, print_conditions, real_records
from eyelet_gui.demo.writer import API_KEY
from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, MODERN_SCHEMA, connect_writer
from eyelet_gui.sources.query import Query, count_statement
from eyelet_gui.sources.redaction import Redactor, redact_text
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.reader import Reader

COLUMNS = ('timestamp', 'timestamp_iso', 'session_id', 'hook_type', 'tool_name', 'status', 'duration_ms',
           'hostname', 'ip_address', 'project_dir', 'data')


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    return (f'{name}: median {ordered[len(ordered) // 2] * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms'
            f' per 1,000 rows (n={len(values)})')


def per_thousand(chunks: list[list[tuple[object, ...]]]) -> None:
    cold, warm, data, whole = [], [], [], []
    for chunk in chunks:
        redactor = Redactor()
        started = time.perf_counter()
        redactor.rows(COLUMNS, chunk)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        redactor.rows(COLUMNS, chunk)
        warm.append(time.perf_counter() - started)
        texts = [str(row[-1]) for row in chunk]
        started = time.perf_counter()
        redactor = Redactor()
        for text in texts:
            redactor.value(text)
        data.append(time.perf_counter() - started)
        started = time.perf_counter()
        for text in texts:
            redact_text(text)
        whole.append(time.perf_counter() - started)
    print(line('rows, cold', cold))
    print(line('rows, warm (read again)', warm))
    print(line('data column alone, cold', data))
    print(line('data column alone, cold, each value redacted whole', whole))


async def search(path: Path, rounds: int) -> None:
    for show_secrets in (False, True):
        reader = Reader(path, show_secrets=show_secrets)
        try:
            relation: Relation = next(r for r in await reader.relations() if r.name == 'hooks')
            for term in ('Bash', API_KEY[20:32]):
                times, matching = [], 0
                for _ in range(rounds):
                    started = time.perf_counter()
                    matching = await reader.value(count_statement(relation, Query(relation='hooks', search=term)))
                    times.append(time.perf_counter() - started)
                ordered = sorted(times)
                print(f'search {term!r}, {"secrets shown" if show_secrets else "redacted"}: {matching} rows match; '
                      f'median {ordered[len(ordered) // 2] * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms'
                      f' (n={rounds})')
        finally:
            await reader.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--rows', type=int, default=20_000)
    parser.add_argument('--rounds', type=int, default=20)
    options = parser.parse_args()
    print_conditions('redaction', f'{options.rows:,} real-shaped records, {options.rounds} rounds')
    records = list(real_records(options.rows, now=time.time()))
    rows = [tuple(record[name] for name in COLUMNS) for record in records]
    per_thousand([rows[i:i + 1000] for i in range(0, min(len(rows), options.rounds * 1000), 1000)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / 'eyelet.db'
        writer = connect_writer(path)
        writer.executescript(MODERN_SCHEMA)
        writer.executemany(INSERT_HOOK, records)
        writer.close()
        asyncio.run(search(path, max(3, options.rounds // 4)))


if __name__ == '__main__':
    main()
