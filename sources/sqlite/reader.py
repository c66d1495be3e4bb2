"""Short reads of one database file on a few read-only connections that follow the file.

Every view of a database reads through its one Reader: the hook feed, the charts, a tab sorting a million rows
by an unindexed column. On one connection the quick reads waited behind the slow one, so a read that finds
every connection busy for GROW_AFTER seconds opens another (up to `connections`). Every read has a time limit,
checked by SQLite's progress handler (as Datasette's `sql_time_limit_ms` is), and a cancelled read interrupts
SQLite at once: a long scan neither keeps its connection nor holds the snapshot that keeps the writer's
checkpoint from finishing.

A read runs in its connection's thread as one call: the statement, every row, the cursor closed, so no read
transaction outlives it, cancelled or not. The same call first checks that the file is still the one the
connection opened: the file system is never asked from the event loop, and a replaced file is opened anew.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from eyelet_gui.sources.cpu_cost import charge_read
from eyelet_gui.sources.events import wait_event
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.redaction import Redactor
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.connection import ThreadedConnection
from eyelet_gui.sources.sqlite.file_facts import Identity, file_identity
from eyelet_gui.sources.sqlite.files import done_reading, reading
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem, connect, explain
from eyelet_gui.sources.sqlite.schema import read_relations

T = TypeVar('T')

DEFAULT_CONNECTIONS = 3
GROW_AFTER = 0.02
"""Seconds a read waits for a busy connection before it opens another: quick reads share one connection, and
none waits long behind a slow one."""
PROGRESS_STEPS = 10_000
"""SQLite virtual machine steps between two looks at the deadline, about a millisecond of work. Datasette looks
every 1,000; each look takes the GIL from the event loop's thread, and a sort of a million rows would take it
twelve thousand times a second."""
MISSING = sqlite3.OperationalError('unable to open database file')


@dataclass(frozen=True, slots=True)
class Result:
    """A fully consumed SELECT: column names and every row."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


class Reads(Protocol):
    """What the views read through: a Reader for an SQLite file, a PostgresReader (sources/postgres/reader.py)."""

    generation: int
    """Changes when the connections are opened anew (a replaced file, a lost server)."""
    time_limit: float | None

    async def fetch(self, statement: Statement) -> Result: ...

    async def value(self, statement: Statement) -> Any: ...

    async def relations(self) -> tuple[Relation, ...]: ...

    async def close(self) -> None: ...


class _Replaced(Exception):
    """The file is no longer the one the connection opened (or it is gone): open it anew."""


class _Interrupted(Exception):
    """A read stopped because its caller was cancelled: nobody waits for its outcome."""


@dataclass(eq=False, slots=True)
class _Connection:
    """One connection of the pool, the file it opened, and what its progress handler enforces."""

    connection: ThreadedConnection
    identity: Identity
    generation: int
    deadline: float = math.inf
    """time.monotonic() after which SQLite stops the running read."""
    cancelled: bool = False
    spent: float = 0.0
    """Thread CPU time of the last read, charged to the work that awaited it (sources/cpu_cost.py)."""

    def progress(self) -> int:
        """SQLite's progress handler (in the connection's thread): non-zero stops the statement, "interrupted"."""
        return int(self.cancelled or time.monotonic() > self.deadline)


class Reader:
    """Short reads, each in autocommit, read to the end at once, within `time_limit` seconds.

    `generation` changes when the file is opened anew: it was replaced (deleted and made again, renamed over)
    or a read failed. Values such as `data_version` compare only within one connection: a Reader made with
    `connections=1` keeps one connection per generation.
    """

    def __init__(self, path: Path, *, time_limit: float | None = None, connections: int = DEFAULT_CONNECTIONS,
                 show_secrets: bool = False) -> None:
        self.path = path
        self.show_secrets = show_secrets
        """Whether values leave as they are stored; else every value read is redacted (sources/redaction.py)."""
        self._redactor = None if show_secrets else Redactor()
        self.time_limit = time_limit
        """Seconds a read may take before SQLite stops it (DatabaseProblem 'too slow'); None: no limit."""
        self.generation = 0
        self._most = connections
        self._idle: list[_Connection] = []
        self._lent: set[_Connection] = set()
        self._opening = 0
        self._given_back = asyncio.Event()
        self._closed = False

    @property
    def connections(self) -> int:
        """Connections open (or opening) now."""
        return len(self._idle) + len(self._lent) + self._opening

    async def fetch(self, statement: Statement) -> Result:
        """Run one SELECT (or reporting PRAGMA) and return every row; DatabaseProblem in words on failure."""
        def fetch(connection: sqlite3.Connection) -> Result:
            cursor = connection.execute(statement.sql, statement.parameters)
            try:
                rows = [tuple(row) for row in cursor.fetchall()]
                columns = tuple(description[0] for description in cursor.description or ())
                # Here, in the connection's thread, every value read passes: nothing reaches a view unredacted.
                return Result(columns, rows if self._redactor is None else self._redactor.rows(columns, rows))
            finally:
                cursor.close()

        return await self.read(fetch)

    async def value(self, statement: Statement) -> Any:
        """The first column of the first row of a query that returns exactly one."""
        return (await self.fetch(statement)).rows[0][0]

    async def relations(self) -> tuple[Relation, ...]:
        """The tables and views of the database as it is now."""
        return await self.read(read_relations)

    async def close(self) -> None:
        """Close every connection, once the reads in progress have ended. For good: a later read raises instead of
        opening the file again, as a view still refreshing while the app stops would, leaving a connection open
        after everything was stopped."""
        self._closed = True
        await self._retire(self.generation)
        while self._lent:
            self._given_back.clear()
            await wait_event(self._given_back, 1.0)

    async def read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` on a connection of the pool, in its thread, within the time limit; an SQLite failure is raised in
        words (other exceptions pass as they are)."""
        for _ in range(3):  # a replaced file is opened anew; one replaced again and again is said to be missing
            lent = await self._borrow()
            try:
                return await self._run(lent, work)
            except _Replaced:
                await self._retire(lent.generation)
            except DatabaseProblem as problem:
                if problem.kind != 'too slow':  # the connection itself may be at fault: open the file anew
                    await self._retire(lent.generation)
                raise
            finally:
                await self._give_back(lent)
        raise await asyncio.to_thread(explain, MISSING, self.path)

    async def _run(self, lent: _Connection, work: Callable[[sqlite3.Connection], T]) -> T:
        lent.cancelled, lent.spent = False, 0.0
        call = lent.connection.run(lambda connection: self._guarded(lent, connection, work))
        try:
            return await asyncio.shield(call)
        except asyncio.CancelledError:
            # sqlite3_interrupt is safe from any thread and stops the running statement at its next step; the
            # flag stops one that starts before the call ends. The connection is lent again only once it is idle.
            lent.cancelled = True
            lent.connection.interrupt()
            await _settled(call)
            raise
        finally:
            charge_read(lent.spent)

    def _guarded(self, lent: _Connection, connection: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]
                 ) -> T:
        """`work`, in the connection's thread, on the file the connection opened, within its deadline."""
        if file_identity(self.path) != lent.identity:
            raise _Replaced
        # From here: a stat that took long (a network share) does not count against the read.
        lent.deadline = math.inf if self.time_limit is None else time.monotonic() + self.time_limit
        started = time.thread_time()
        try:
            return work(connection)
        except sqlite3.Error as error:
            if lent.cancelled:
                raise _Interrupted from None
            if 'interrupted' in str(error) and time.monotonic() > lent.deadline:
                raise DatabaseProblem(f'Reading {self.path} took longer than {self.time_limit:g} s and was stopped: '
                                      'add an index for the sort, or narrow the filter.', 'too slow') from None
            raise explain(error, self.path) from None
        finally:
            lent.spent = time.thread_time() - started

    async def _borrow(self) -> _Connection:
        """An idle connection of this generation; a new one when there is none and waiting did not bring one."""
        started = time.monotonic()
        while True:
            if self._closed:
                raise DatabaseProblem(f'{self.path} is no longer read: eyelet-gui is stopping.', 'closed')
            while self._idle:
                candidate = self._idle.pop()
                if candidate.generation == self.generation:
                    self._lent.add(candidate)
                    return candidate
                await _close(candidate)
            waited = time.monotonic() - started
            if self.connections == 0 or (self.connections < self._most and waited >= GROW_AFTER):
                opened = await self._open()
                self._lent.add(opened)
                return opened
            self._given_back.clear()
            await wait_event(self._given_back, GROW_AFTER - waited if self.connections < self._most else 1.0)

    async def _open(self) -> _Connection:
        self._opening += 1
        try:
            return await _finished_even_if_cancelled(self._connect(self.generation))
        finally:
            self._opening -= 1

    async def _connect(self, generation: int) -> _Connection:
        identity = await asyncio.to_thread(file_identity, self.path)  # before opening: a later swap is seen
        if identity is None:
            raise await asyncio.to_thread(explain, MISSING, self.path)
        reading(identity)  # before the connection exists: from then on nothing may open the file itself
        try:
            opened = _Connection(await connect(self.path), identity, generation)
        except BaseException:
            done_reading(identity)
            raise
        # `visible(x)`: what searches and filters match on (sources/query.py), the text as the browser sees it.
        visible = _same if self._redactor is None else self._redactor.visible

        def prepare(connection: sqlite3.Connection) -> None:
            connection.set_progress_handler(opened.progress, PROGRESS_STEPS)
            connection.create_function('visible', 2, visible, deterministic=True)

        try:
            await asyncio.shield(opened.connection.run(prepare))
        except sqlite3.Error as error:
            await _close(opened)
            raise await asyncio.to_thread(explain, error, self.path) from None
        return opened

    async def _give_back(self, lent: _Connection) -> None:
        self._lent.discard(lent)
        if lent.generation == self.generation:
            self._idle.append(lent)
        self._given_back.set()
        if lent.generation != self.generation:
            await _close(lent)

    async def _retire(self, generation: int) -> None:
        """Open the file anew from the next read on: the connections of `generation` close as they come back."""
        if generation != self.generation:
            return  # another read did it already
        self.generation += 1
        idle, self._idle = self._idle, []
        for connection in idle:
            await _close(connection)


def _same(value: Any, _secret_column: int) -> Any:
    return value


async def _settled(call: asyncio.Future[Any]) -> None:
    """Wait until `call` is done, through further cancellations too, and drop its outcome."""
    while not call.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({call})
    if not call.cancelled():
        call.exception()  # retrieved: asyncio would log it as never retrieved


async def _close(pooled: _Connection) -> None:
    try:
        with contextlib.suppress(sqlite3.Error):
            await asyncio.shield(pooled.connection.close())
    finally:
        done_reading(pooled.identity)


async def _finished_even_if_cancelled(opening: Awaitable[_Connection]) -> _Connection:
    """`opening`, finished even when the caller is cancelled, so that no connection or worker thread is orphaned."""
    pending = asyncio.ensure_future(opening)
    try:
        return await asyncio.shield(pending)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await _close(await pending)
        raise
