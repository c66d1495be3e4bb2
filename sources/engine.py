"""One object per database engine, chosen once when a database is added (as Datasette's `Database` is): what
reads it, what tells its commits, the SQL it speaks, and what it can and cannot do. Everything above `sources/`
asks this object; none asks which engine it is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from eyelet_gui.sources.dialect import Dialect
from eyelet_gui.sources.sqlite.changes import Observation
from eyelet_gui.sources.sqlite.file_facts import FileFacts
from eyelet_gui.sources.sqlite.reader import DEFAULT_CONNECTIONS, Reader, Reads, Result

# What both engines share, named here so that the layers above need not reach into one engine's package for it.
__all__ = ['DEFAULT_CONNECTIONS', 'Changes', 'DatabaseEngine', 'Observation', 'Reads', 'Result', 'Unsupported']


class Unsupported(Exception):
    """Something this engine does not do, in one sentence that says what to use instead."""


class Changes(Protocol):
    """A change detector: an Observation for each batch of commits or change of state."""

    checks: int
    """How many times the database was asked whether it changed: a measure of the work done while idle."""

    @property
    def files(self) -> FileFacts:
        """The files as the last check found them (none for a server's database)."""
        ...

    def observe(self) -> AsyncIterator[Observation]: ...


class DatabaseEngine(Protocol):
    @property
    def label(self) -> str:
        """The engine's name for people: `SQLite`, `PostgreSQL`."""
        ...

    @property
    def place(self) -> str:
        """Where the database is, as it may be shown: a file's path, a server's address without its password."""
        ...

    @property
    def dialect(self) -> Dialect: ...

    @property
    def has_files(self) -> bool:
        """Whether the database is files on this machine, whose sizes and last writes can be shown."""
        ...

    @property
    def runs_people_sql(self) -> bool:
        """Whether people's own SQL can run on it safely (`sql_reader`), so the SQL page is offered."""
        ...

    def reader(self, *, time_limit: float | None = None, connections: int = DEFAULT_CONNECTIONS,
               show_secrets: bool = False) -> Reads:
        """What the views read through: `connections` connections, each read within `time_limit` seconds."""
        ...

    def changes(self, *, poll_interval: float, listen: str | None = None) -> Changes:
        """What tells its commits: checked every `poll_interval` seconds at most while nothing is heard;
        `listen` is a PostgreSQL NOTIFY channel, which other engines have no use for."""
        ...

    def sql_reader(self, *, time_limit: float, connections: int, show_secrets: bool) -> Reader:
        """A reader for people's own SQL, run in SQLite's sandbox (sources/sqlite/sandbox.py); Unsupported when
        the engine has no such sandbox."""
        ...
