"""A database's eyelet records from some time ago onwards, read once, then only the records past the last one.

The charts and the session list count tool calls, failures and prompts, which live in each record's JSON.
Reading the hour (or the week) again on every commit would parse every record again; the tail parses each
record once, so a refresh costs what was committed since the last one, whatever the table's size.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from eyelet_gui.sources.query import first_id_since_statement, max_key_statement, tail_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.sources.schema import Relation
from eyelet_gui.state.tool_calls import HookEvent
from eyelet_gui.state.watcher import Watcher

BATCH = 2_000
"""Records per read. Each batch is counted on the event loop: a small one keeps a long catch-up (an hour of a
busy log) from holding up the pages for more than a few tens of milliseconds at a time."""


class EventTail:
    """Feeds `consume` with every record of `watcher`'s `hooks` from `horizon` seconds before the first read on,
    in id order. A table whose largest id went down was rewritten: `reset` is called and reading starts over.
    The caller checks that the database is eyelet's before each `read`."""

    def __init__(self, watcher: Watcher, horizon: float, consume: Callable[[list[HookEvent]], None],
                 reset: Callable[[], None]) -> None:
        self.watcher = watcher
        self.horizon = horizon
        self._consume = consume
        self._reset = reset
        self.last_id: int | None = None
        """The id of the last record read; None before the first read."""

    async def read(self, now: float, hooks: Relation) -> None:
        """Read what was committed since the last read (raises DatabaseProblem)."""
        fetch = self.watcher.reader.fetch
        if self.last_id is not None:
            newest = (await fetch(max_key_statement(hooks))).rows[0][0]
            if newest is None or newest < self.last_id:  # emptied or rewritten: count again from scratch
                self.last_id = None
                self._reset()
        if self.last_id is None:
            first = (await fetch(first_id_since_statement(now - self.horizon))).rows
            self.last_id = first[0][0] - 1 if first else (await fetch(max_key_statement(hooks))).rows[0][0] or 0
        while True:
            rows = (await fetch(tail_statement(self.last_id, BATCH))).rows
            if rows:
                self._consume([HookEvent.from_row(row) for row in rows])
                self.last_id = rows[-1][0]
            if len(rows) < BATCH:
                return


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
            hooks = (await watcher.relations()).get('hooks')
            if hooks is None or await watcher.schema_kind() != 'eyelet':
                continue
            tally = tallies.get(database_id) or tallies.setdefault(database_id, make(watcher))
            await tally.tail.read(now, hooks)
            read[database_id] = tally
        except DatabaseProblem:
            continue
    return read
