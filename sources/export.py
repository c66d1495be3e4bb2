"""Streaming export of a view (its filters and sort, every page) as CSV or JSON, in short reads.

Each chunk is its own short read, so an export of a million rows never holds a read transaction open
against the writer; rows committed during a long export may therefore shift between chunks.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from eyelet_gui.sources.query import Query, window_statement
from eyelet_gui.sources.reader import Reader
from eyelet_gui.sources.schema import Relation

CHUNK_ROWS = 2000


def _plain(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


async def export_chunks(reader: Reader, relation: Relation, query: Query, kind: str,
                        progress: Callable[[int], Any]) -> AsyncIterator[str]:
    """Yield the view as text in `kind` ('csv' or 'json'); `progress(rows so far)` after each chunk."""
    width, sent = len(relation.key), 0
    yield '[' if kind == 'json' else ''
    while True:
        chunk = dataclasses.replace(query, limit=CHUNK_ROWS, offset=sent)
        result = await reader.fetch(window_statement(relation, chunk))
        columns, rows = result.columns[width:], [row[width:] for row in result.rows]
        buffer = io.StringIO()
        if kind == 'csv':
            writer = csv.writer(buffer)
            if sent == 0:
                writer.writerow(columns)
            writer.writerows([[_plain(value) for value in row] for row in rows])
        else:
            for number, row in enumerate(rows, start=sent):
                record = {name: _plain(value) for name, value in zip(columns, row, strict=True)}
                buffer.write((',' if number else '') + '\n' + json.dumps(record, default=str))
        sent += len(rows)
        yield buffer.getvalue()
        progress(sent)
        if len(rows) < CHUNK_ROWS:
            break
    yield '\n]\n' if kind == 'json' else ''
