"""A live query: one window of one relation, re-read on every change, diffed by key, pushed as a delta."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from eyelet_gui.sources.engine import Reads, Result
from eyelet_gui.sources.query import (
    Query,
    QueryProblem,
    Statement,
    count_statement,
    max_key_statement,
    window_statement,
)
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.pacing import PacedLoop
from eyelet_gui.state.live.row_window import RowWindow

EXACT_COUNT_INTERVAL = 1.0
"""Seconds between full count(*)s on the tail path; in between, counts grow by the rows past the last key."""

RelationsLookup = Callable[[], Awaitable[Mapping[str, Relation]]]


def row_key(values: tuple[Any, ...]) -> str:
    """A key as text for the browser: the bare value for one column, JSON for several."""
    if len(values) == 1 and isinstance(values[0], (int, str)):
        return str(values[0])
    return json.dumps([value.hex() if isinstance(value, bytes) else value for value in values])


def content_keys(rows: list[Row]) -> list[str]:
    """Keys for rows that have none (views): a hash of the content, with a counter for identical rows."""
    seen: Counter[str] = Counter()
    keys = []
    for row in rows:
        digest = hashlib.blake2b(repr(row).encode(), digest_size=8).hexdigest()
        keys.append(f'{digest}#{seen[digest]}')
        seen[digest] += 1
    return keys


def too_slow_sentence(query: Query, time_limit: float | None) -> str:
    """What a view that took longer than the time limit to read says: what was slow, and what to do about it."""
    took = f'took longer than {time_limit:g} s' if time_limit else 'took too long'
    then = 'it is read again at the next change'
    if query.sort:
        columns = ', '.join(sort.column for sort in query.sort)
        return (f'Sorting {query.relation} by {columns} {took}, so reading this view was stopped: add an index on '
                f'{columns} to the database, or narrow the filter or search; {then}.')
    if query.filters or query.search:
        return (f'Filtering {query.relation} {took}, so reading this view was stopped: narrow the filter or search '
                f'(a "contains" search reads every row), or add an index on the filtered column; {then}.')
    return (f'Reading {query.relation} {took}, so reading this view was stopped: filter it to fewer rows, or raise '
            f'EYELET_GUI_READ_TIME_LIMIT; {then}.')


class LiveQuery(RowWindow):
    """The rows of one Query as last read, kept exact by `refresh()`; viewers subscribe to `delta`.

    `total` counts the relation's rows, `matching` those the filters and search match (equals `total` without
    them)."""

    def __init__(self, query: Query, reader: Reads, relations: RelationsLookup, max_push_rate: float) -> None:
        super().__init__()
        self.query = query
        self.key_values: dict[str, tuple[Any, ...]] = {}
        """The key columns' values behind each key in the window, to read that one row again."""
        self.relation: Relation | None = None
        """The relation as last read."""
        self.refreshes = 0
        """Reads done so far: bursts of commits coalesce, so this grows slower than the commits."""
        self._reader = reader
        self._relations = relations
        self._loop = PacedLoop(self.refresh, interval=1.0 / max_push_rate, name=f'live query on {query.relation}')
        self._exact_count_at = 0.0
        self._exact_count_due: asyncio.TimerHandle | None = None
        self._max_key: Any = None
        self._counted: tuple[Relation, int] | None = None

    def start(self) -> None:
        """Begin the refresh loop; the first read happens at once."""
        self._loop.start()

    async def stop(self) -> None:
        if self._exact_count_due is not None:
            self._exact_count_due.cancel()
        await self._loop.stop()

    def request_refresh(self) -> None:
        """The database changed: re-read soon. Bursts coalesce into at most `max_push_rate` reads a second."""
        self._loop.request()

    async def refresh(self) -> None:
        """Re-read the window and counts, diff against the last snapshot and emit the delta, if any."""
        self.refreshes += 1
        limit = self._reader.time_limit  # as the reads below run under it, whatever it becomes meanwhile
        try:
            relation = (await self._relations()).get(self.query.relation)
            if relation is None:
                raise QueryProblem(f'The table or view {self.query.relation!r} does not exist (any more).')
            window = await self._reader.fetch(window_statement(relation, self.query))
            total, matching = await self._counts(relation)
        except DatabaseProblem as problem:
            if problem.kind == 'too slow':
                self.set_problem(too_slow_sentence(self.query, limit))
                self._loop.count_at_least(limit or 0.0)  # then rest as after any costly read
            else:
                self.set_problem(str(problem))
            return
        except QueryProblem as problem:
            self.set_problem(str(problem))
            return
        self.set_problem(None)
        self._apply(relation, window, total, matching)

    def _apply(self, relation: Relation, window: Result, total: int, matching: int) -> None:
        width = len(relation.key)
        columns = window.columns[width:]
        values = [row[width:] for row in window.rows]
        keys = [row_key(row[:width]) for row in window.rows] if width else content_keys(values)
        self.relation = relation
        self.key_values = {key: row[:width] for key, row in zip(keys, window.rows, strict=True)} if width else {}
        self.show(columns, list(zip(keys, values, strict=True)), total, matching)

    async def _counts(self, relation: Relation) -> tuple[int, int]:
        """Total and matching rows.

        count(*) reads the whole table. On the tail path (a relation with an increasing key) it runs at most
        once per EXACT_COUNT_INTERVAL; in between, counts grow by the rows past the largest key seen, which
        costs in proportion to the new rows. A last exact count is always scheduled, so counts end exact.
        """
        filtered = bool(self.query.filters or self.query.search)
        if self._counted != (relation, self._reader.generation):  # another table, or the file was replaced
            self._counted, self._max_key = (relation, self._reader.generation), None
        # Only where keys grow in commit order: on PostgreSQL, transactions commit in another order than their
        # sequence gives ids, so a row can arrive below the largest key already counted.
        tail = relation.increasing_key is not None and relation.dialect.keys_in_commit_order
        since_exact = time.monotonic() - self._exact_count_at
        if tail and self._max_key is not None and since_exact < EXACT_COUNT_INTERVAL:
            new_total = await self._count(count_statement(relation, after_key=self._max_key))
            new_matching = (await self._count(count_statement(relation, self.query, after_key=self._max_key))
                            if filtered else new_total)
            total, matching = self.total + new_total, self.matching + new_matching
            if self._exact_count_due is None:
                self._exact_count_due = asyncio.get_running_loop().call_later(
                    EXACT_COUNT_INTERVAL - since_exact, self._count_exactly_next)
        else:
            total = await self._count(count_statement(relation))
            matching = await self._count(count_statement(relation, self.query)) if filtered else total
            self._exact_count_at = time.monotonic()
            if self._exact_count_due is not None:
                self._exact_count_due.cancel()
                self._exact_count_due = None
        if tail:
            self._max_key = await self._reader.value(max_key_statement(relation))
        return total, matching

    def _count_exactly_next(self) -> None:
        """Make the next refresh count exactly, whatever the clock says (a timer may fire a little early)."""
        self._exact_count_due = None
        self._exact_count_at = 0.0
        self._loop.request()

    async def _count(self, statement: Statement) -> int:
        return int(await self._reader.value(statement))
