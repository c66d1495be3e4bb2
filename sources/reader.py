"""One read-only connection to a database file that follows the file: reopened when it is replaced or broken."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.readonly import connect, explain
from eyelet_gui.sources.schema import Relation, read_relations

T = TypeVar('T')


@dataclass(frozen=True, slots=True)
class Result:
    """A fully consumed SELECT: column names and every row."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of `path`, or None when it is missing: a new identity means the file was replaced."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


class Reader:
    """Short reads on one connection; each statement runs in autocommit and is read to the end at once.

    The connection is opened lazily and reopened whenever the file's identity changes (deleted and recreated,
    replaced by rename) or a read fails, so a reader survives whatever happens to the file.
    `generation` counts the connections opened: values such as `data_version` compare only within one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.generation = 0
        self._connection: aiosqlite.Connection | None = None
        self._identity: tuple[int, int] | None = None
        self._lock = asyncio.Lock()

    async def fetch(self, statement: Statement) -> Result:
        """Run one SELECT (or reporting PRAGMA) and return every row; DatabaseProblem in words on failure."""
        async def fetch(connection: aiosqlite.Connection) -> Result:
            cursor = await connection.execute(statement.sql, statement.parameters)
            try:
                rows = [tuple(row) for row in await cursor.fetchall()]
                return Result(columns=tuple(description[0] for description in cursor.description or ()), rows=rows)
            finally:
                await cursor.close()

        return await self._on_connection(fetch)

    async def value(self, statement: Statement) -> Any:
        """The first column of the first row of a query that returns exactly one.

        One trip to the connection's thread instead of `fetch`'s three: counts, keys and the change
        detector's checks are the most frequent reads."""
        rows = await self._on_connection(
            lambda connection: connection.execute_fetchall(statement.sql, statement.parameters))
        return next(iter(rows))[0]

    async def relations(self) -> tuple[Relation, ...]:
        """The tables and views of the database as it is now."""
        return await self._on_connection(read_relations)

    async def _on_connection(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """`work` on the connection, alone; a failure closes the connection and is raised in words."""
        async with self._lock:
            connection = await self._connected()
            try:
                return await work(connection)
            except sqlite3.Error as error:
                await self._disconnect()
                raise explain(error, self.path) from None

    async def close(self) -> None:
        async with self._lock:
            await self._disconnect()

    async def _connected(self) -> aiosqlite.Connection:
        identity = file_identity(self.path)
        if identity is None:
            await self._disconnect()
            raise explain(sqlite3.OperationalError('unable to open database file'), self.path)
        if self._connection is None or identity != self._identity:
            await self._disconnect()
            self._connection = await _connect_uncancellably(self.path)
            self._identity = identity
            self.generation += 1
        return self._connection

    async def _disconnect(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            await connection.close()


async def _connect_uncancellably(path: Path) -> aiosqlite.Connection:
    """`connect`, finished even when the caller is cancelled, so that no connection or worker thread is orphaned
    (aiosqlite leaves a half-opened connection's thread to report to an event loop that may be gone)."""
    opening = asyncio.ensure_future(connect(path))
    try:
        return await asyncio.shield(opening)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await (await opening).close()
        raise


FileState = tuple[int, int, int]
"""(inode, size, modification time in ns) of one file."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the file system says of the database file, its `-wal` and its `-journal` (None: absent).

    A commit changes the database file or its WAL, so equal facts mean, very nearly, no commit (see
    change_detector.py, which asks SQLite all the same every few polls)."""

    database: FileState | None
    wal: FileState | None
    journal: FileState | None

    @property
    def size(self) -> int | None:
        return self.database[1] if self.database else None

    @property
    def wal_size(self) -> int | None:
        return self.wal[1] if self.wal else None

    @property
    def modified_at(self) -> float | None:
        """When the database or its WAL was last written (time.time() scale)."""
        times = [state[2] for state in (self.database, self.wal) if state is not None]
        return max(times) / 1e9 if times else None


def file_state(path: Path) -> FileState | None:
    try:
        facts = os.stat(path)
    except OSError:
        return None
    return facts.st_ino, facts.st_size, facts.st_mtime_ns


def file_facts(path: Path) -> FileFacts:
    return FileFacts(file_state(path), file_state(Path(f'{path}-wal')), file_state(Path(f'{path}-journal')))
