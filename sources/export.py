"""Streaming export of a view (its filters and sort, every page) as CSV or JSON, in short reads.

Each chunk is its own short read, so an export of a million rows never holds a read transaction open against
the writer. A table's chunks are keyset pages (`sources/keyset.py`) bounded by the newest rowid at the start:
the export holds each row that existed when it started once, in the view's order, and none inserted since. A row
updated during the export is read as its chunk finds it, and one whose sort columns change may pass the point the
export has reached either way (read twice, or not at all), as with any paging that holds no snapshot throughout.

A view has no key to page by, so its chunks are read at an OFFSET, and rows its tables gain during the export
may shift a row into two chunks or out of both. Reading it in one statement instead would hold its snapshot, and
every row in memory, for as long as the whole view takes to read.

A PostgreSQL table or view is read in one statement, through a server-side cursor, chunk by chunk: one snapshot,
so every row once, as it was when the export started, and no writer held back.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from eyelet_gui.sources.json_values import blob_text, json_row
from eyelet_gui.sources.keyset import Bound, bound_column, newest_statement, page_order, page_statement
from eyelet_gui.sources.postgres.reader import PostgresReader
from eyelet_gui.sources.query import Query, rows_statement, window_statement
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.reader import Reads

CHUNK_ROWS = 2000
Page = tuple[tuple[str, ...], list[tuple[Any, ...]]]
"""Column names and rows of one chunk."""

FORMULA_STARTS = frozenset(('=', '+', '-', '@', '\t', '\r', '\n', '\0', '\uff1d', '\uff0b', '\uff0d', '\uff20'))
"""What makes a spreadsheet read a CSV cell as a formula (OWASP's CSV injection advice: = + - @ tab CR, and NUL
from ASVS 1.2.10), with line feed and the full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), which some
spreadsheets take for their ASCII ones."""
PLAIN_NUMBER = re.compile(r'[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?')


def neutralised(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: text that starts (after any spaces) like a formula gets a leading `'`,
    which spreadsheets take as "this is text". Numbers, and text that is a plain number like `-12.5`, stay as they
    are: a spreadsheet reads them as the number they are."""
    if isinstance(value, str) and (value[:1] in FORMULA_STARTS
                                   or (value[:1].isspace() and value.lstrip()[:1] in FORMULA_STARTS)):
        return value if PLAIN_NUMBER.fullmatch(value) else "'" + value
    return value


def serialised_rows(kind: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, before: int) -> str:
    """`rows` as export text in `kind` ('csv' or 'json'), `before` rows having been written already: the one place
    where exported values become text, BLOBs as the API writes them (sources/json_values.py)."""
    buffer = io.StringIO()
    if kind == 'csv':
        writer = csv.writer(buffer)
        if before == 0:
            writer.writerow([neutralised(name) for name in columns])
        writer.writerows([[neutralised(blob_text(value) if isinstance(value, bytes) else value) for value in row]
                           for row in rows])
    else:
        for number, row in enumerate(rows, start=before):
            buffer.write((',' if number else '') + '\n' + json.dumps(json_row(columns, row), default=str))
    return buffer.getvalue()


async def keyset_pages(reader: Reads, relation: Relation, query: Query,
                       chunk_rows: int = CHUNK_ROWS) -> AsyncIterator[Page]:
    """The rows of a table's view, `chunk_rows` at a time, each chunk after the last row of the one before."""
    column = bound_column(relation)
    bound = Bound(column, await reader.value(newest_statement(relation, column))) if column else None
    order, after = page_order(relation, query), None
    while True:
        statement = page_statement(relation, query, order, after=after, bound=bound, limit=chunk_rows)
        result = await reader.fetch(statement)
        yield result.columns[len(order):], [row[len(order):] for row in result.rows]
        if len(result.rows) < chunk_rows:
            return
        after = result.rows[-1][:len(order)]


async def offset_pages(reader: Reads, relation: Relation, query: Query,
                       chunk_rows: int = CHUNK_ROWS) -> AsyncIterator[Page]:
    """The rows of a view without a key, `chunk_rows` at a time, at increasing offsets."""
    width, offset = len(relation.key), 0
    while True:
        result = await reader.fetch(window_statement(relation, dataclasses.replace(query, limit=chunk_rows,
                                                                                   offset=offset)))
        yield result.columns[width:], [row[width:] for row in result.rows]
        if len(result.rows) < chunk_rows:
            return
        offset += chunk_rows


async def cursor_pages(reader: PostgresReader, relation: Relation, query: Query,
                       chunk_rows: int = CHUNK_ROWS) -> AsyncIterator[Page]:
    """The rows of a PostgreSQL table's or view's view, `chunk_rows` at a time, from one cursor."""
    width = len(relation.key)
    async for result in reader.pages(rows_statement(relation, query), chunk_rows):
        yield result.columns[width:], [row[width:] for row in result.rows]


async def export_text(pages: AsyncIterator[Page], kind: str, progress: Callable[[int], Any]) -> AsyncIterator[str]:
    """`pages` as text in `kind` ('csv' or 'json'); `progress(rows so far)` after each chunk."""
    sent = 0
    yield '[' if kind == 'json' else ''
    async for columns, rows in pages:
        yield serialised_rows(kind, columns, rows, before=sent)
        sent += len(rows)
        progress(sent)
    yield '\n]\n' if kind == 'json' else ''


def export_chunks(reader: Reads, relation: Relation, query: Query, kind: str,
                  progress: Callable[[int], Any], *, chunk_rows: int = CHUNK_ROWS) -> AsyncIterator[str]:
    """Yield the view as text in `kind` ('csv' or 'json'); `progress(rows so far)` after each chunk."""
    if isinstance(reader, PostgresReader):
        return export_text(cursor_pages(reader, relation, query, chunk_rows), kind, progress)
    paging = keyset_pages if relation.key else offset_pages
    return export_text(paging(reader, relation, query, chunk_rows), kind, progress)
