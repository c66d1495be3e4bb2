"""Commit detection for one PostgreSQL database, with nothing installed in it: what `data_version` is for SQLite.

A poll, every POLL_INTERVAL, of `pg_current_snapshot()`: the transactions that write (those given an id) in
progress and the next id to give. It moves when a writing transaction starts and when it ends, in any database of
the server, and never for a read. (Our own reads, which all end in a commit, move `pg_stat_database`'s
`xact_commit`, so polling it would refresh the views for ever, and its counters are published up to a second
late; the WAL position moves with checkpoints and hint bits too.) When the snapshot moved, the schema's catalog
rows say whether a table changed (sources/postgres/schema.py). A server that cannot be reached is asked again
after a pause that doubles, from one second to half a minute.

Where the database already sends notifications on commits (a trigger calling `pg_notify`), `listen` names their
channel: a connection of its own LISTENs, each notification wakes the check at once, and the poll slows to
`backup_interval`, so that a notification that never comes costs at most that, never a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator

from eyelet_gui.sources.events import cancel_and_wait, wait_event
from eyelet_gui.sources.postgres.connection import PostgresProblem, connect
from eyelet_gui.sources.postgres.reader import APPLICATION_NAME, PostgresReader
from eyelet_gui.sources.postgres.schema import SCHEMA_VERSION
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.schema import quote_identifier
from eyelet_gui.sources.sqlite.changes import Observation
from eyelet_gui.sources.sqlite.file_facts import NO_FACTS
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem

SNAPSHOT = Statement('SELECT pg_current_snapshot()::text')
POLL_INTERVAL = 0.05
"""Seconds between two polls: a commit shows about half of it later. A poll is one round trip that PostgreSQL
answers from shared memory; bench/postgres_source.py measures what twenty a second cost."""
RETRY_AFTER = (1.0, 30.0)
"""The first and the longest pause before asking a server that could not be reached again."""


class PostgresChangeDetector:
    """Watches one PostgreSQL database and yields an Observation for each batch of commits or change of state."""

    def __init__(self, url: str, *, listen: str | None = None, backup_interval: float = 1.0) -> None:
        self.url = url
        self.listen = listen
        self.poll_interval = POLL_INTERVAL if listen is None else backup_interval
        self.checks = 0
        """How many times the snapshot was read: a measure of the work done while idle."""
        self.files = NO_FACTS
        """No files: the connection list shows no sizes for a PostgreSQL database."""
        self._reader = PostgresReader(url, connections=1, show_secrets=True)
        self._last: tuple[int, str, int] | None = None

    async def observe(self) -> AsyncGenerator[Observation, None]:
        """Yield the first state at once, then one Observation per change; ends when the consumer stops."""
        last: Observation | None = None
        pause = RETRY_AFTER[0]
        hint = asyncio.Event()
        listening = asyncio.create_task(self._listen(hint)) if self.listen else None
        try:
            while True:
                hint.clear()
                observation = await self._check()
                if last is None or (observation.version, observation.problem) != (last.version, last.problem):
                    yield observation
                last = observation
                if observation.problem is None:
                    pause = RETRY_AFTER[0]
                    await wait_event(hint, self.poll_interval)
                else:
                    await asyncio.sleep(pause)
                    pause = min(pause * 2, RETRY_AFTER[1])
        finally:
            await cancel_and_wait(listening)
            await self._reader.close()

    async def _listen(self, hint: asyncio.Event) -> None:
        """Set `hint` at each notification on the `listen` channel, on a connection of its own, connecting again
        after a pause when it is lost (the poll says why meanwhile)."""
        import psycopg

        assert self.listen is not None
        pause = RETRY_AFTER[0]
        while True:
            with contextlib.suppress(PostgresProblem, psycopg.Error):
                connection = await connect(self.url, application_name=APPLICATION_NAME,
                                           options='-c default_transaction_read_only=on')
                try:
                    await connection.execute(f'LISTEN {quote_identifier(self.listen)}')
                    pause = RETRY_AFTER[0]
                    hint.set()  # whatever was committed while not listening
                    async for _ in connection.notifies():
                        hint.set()
                finally:
                    await connection.close()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_AFTER[1])

    async def _check(self) -> Observation:
        self.checks += 1
        try:
            snapshot = str(await self._reader.value(SNAPSHOT))
            generation = self._reader.generation
            if self._last is not None and self._last[:2] == (generation, snapshot):
                schema = self._last[2]
            else:
                schema = hash(await self._reader.value(SCHEMA_VERSION))
        except DatabaseProblem as problem:
            self._last = None
            return Observation(version=None, problem=str(problem), problem_kind=problem.kind, at=time.time())
        self._last = (generation, snapshot, schema)
        return Observation(version=(generation, hash(snapshot), schema), problem=None, problem_kind=None,
                           at=time.time())
