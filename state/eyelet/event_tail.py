"""A database's eyelet records from some time ago onwards, read once, then only the records past the last one.

The charts and the session list count tool calls, failures and prompts, which live in each record's JSON.
Reading the hour (or the week) again on every commit would parse every record again; the tail parses each
record once, so a refresh costs what was committed since the last one, whatever the table's size.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol, TypeVar

from eyelet_gui.sources.engine import Result
from eyelet_gui.sources.eyelet.facts import event_table
from eyelet_gui.sources.eyelet.tail import (
    first_id_since_statement,
    tail_keys_statement,
    tail_rows_statement,
    tail_statement,
)
from eyelet_gui.sources.query import Statement, max_key_statement
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.eyelet.tool_calls import HookEvent
from eyelet_gui.state.live.watcher import Watcher

BATCH = 2_000
"""Records per read. Each batch is counted on the event loop: a small one keeps a long catch-up (an hour of a
busy log) from holding up the pages for more than a few tens of milliseconds at a time."""
SETTLE = 30.0
"""Seconds after which a PostgreSQL table's records up to a key are taken to be all there. A transaction that took
its keys before another and commits after it is a forwarder's batch, committed well within a second."""
EYELET_KINDS = ('eyelet', 'eyelet (team)')
"""The schemas whose records the charts and sessions read: eyelet's own, and a team's in PostgreSQL."""


class RecordsPast:
    """The records of a table of eyelet records (or of one session in it) not read yet, in batches in key order.

    SQLite serializes its writers, so its keys grow in commit order, and the records not read yet are those past
    the last key read. PostgreSQL's writers do not wait for each other: a transaction that took its keys (`seq`)
    first may commit last, and a reader past the largest key seen would skip its records for good. There, the keys
    past a mark that settles SETTLE seconds behind are listed at each read (an index-only scan), and only the
    records not read yet are fetched."""

    def __init__(self, after: int, session_id: str | None = None) -> None:
        self.last = after
        """The largest key read."""
        self._session = session_id
        self._settled = after
        self._read: set[int] = set()
        """Keys read above `_settled`."""
        self._marks: deque[tuple[float, int]] = deque()
        """(time.monotonic(), `last` then) of each read on PostgreSQL."""

    async def batches(self, fetch: Callable[[Statement], Awaitable[Result]], hooks: Relation,
                      batch: int) -> AsyncIterator[list[tuple[Any, ...]]]:
        """The records not read yet (TAIL_COLUMNS, and `data` for a session's), `batch` at most at a time."""
        if hooks.dialect.keys_in_commit_order:
            while True:
                rows = (await fetch(tail_statement(hooks, self.last, batch, session_id=self._session))).rows
                if rows:
                    self.last = rows[-1][0]
                    yield rows
                if len(rows) < batch:
                    return
        listed = (await fetch(tail_keys_statement(hooks, self._settled, session_id=self._session))).rows
        fresh = [key for (key,) in listed if key not in self._read]
        for start in range(0, len(fresh), batch):
            keys = fresh[start:start + batch]
            rows = (await fetch(tail_rows_statement(hooks, keys, session_id=self._session))).rows
            self._read.update(keys)
            self.last = max(self.last, keys[-1])
            yield rows
        self._settle(time.monotonic())

    def _settle(self, now: float) -> None:
        self._marks.append((now, self.last))
        while self._marks and now - self._marks[0][0] >= SETTLE:
            self._settled = max(self._settled, self._marks.popleft()[1])
        self._read = {key for key in self._read if key > self._settled}


class EventTail:
    """Feeds `consume` with every record of `watcher`'s table of eyelet records from `horizon` seconds before the
    first read on (`RecordsPast`). A table whose largest key went down was rewritten: `reset` is called and reading
    starts over. The caller checks that the database is eyelet's before each `read`."""

    def __init__(self, watcher: Watcher, horizon: float, consume: Callable[[list[HookEvent]], None],
                 reset: Callable[[], None]) -> None:
        self.watcher = watcher
        self.horizon = horizon
        self._consume = consume
        self._reset = reset
        self.past: RecordsPast | None = None
        """What was read; None before the first read."""

    async def read(self, now: float, hooks: Relation) -> None:
        """Read what was committed since the last read (raises DatabaseProblem)."""
        fetch = self.watcher.reader.fetch
        if self.past is not None:
            newest = (await fetch(max_key_statement(hooks))).rows[0][0]
            if newest is None or newest < self.past.last:  # emptied or rewritten: count again from scratch
                self.past = None
                self._reset()
        if self.past is None:
            first = (await fetch(first_id_since_statement(hooks, now - self.horizon))).rows
            start = first[0][0] - 1 if first and first[0][0] is not None else \
                (await fetch(max_key_statement(hooks))).rows[0][0] or 0
            self.past = RecordsPast(start)
        async for rows in self.past.batches(fetch, hooks, BATCH):
            self._consume([HookEvent.from_row(row) for row in rows])


class Tally(Protocol):
    tail: EventTail


T = TypeVar('T', bound=Tally)


async def read_tails(watchers: dict[str, Watcher], tallies: dict[str, T], make: Callable[[Watcher], T],
                     now: float) -> dict[str, T]:
    """Bring the tally of every eyelet database up to date (made on first sight); those that could be read.

    A database that is not eyelet's, or cannot be read now, is left out: the connection list says why."""
    read = {}
    for database_id, watcher in list(watchers.items()):
        try:
            hooks = (await watcher.relations()).get(event_table(watcher.database.engine))
            if hooks is None or await watcher.schema_kind() not in EYELET_KINDS:
                continue
            tally = tallies.get(database_id) or tallies.setdefault(database_id, make(watcher))
            await tally.tail.read(now, hooks)
            read[database_id] = tally
        except DatabaseProblem:
            continue
    return read
