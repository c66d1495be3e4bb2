"""A PostgreSQL database as a database engine (sources/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from eyelet_gui.sources.engine import Unsupported
from eyelet_gui.sources.postgres.changes import PostgresChangeDetector
from eyelet_gui.sources.postgres.connection import shown_url
from eyelet_gui.sources.postgres.dialect import POSTGRES, PostgresDialect
from eyelet_gui.sources.postgres.reader import PostgresReader
from eyelet_gui.sources.sqlite.reader import DEFAULT_CONNECTIONS


@dataclass(frozen=True, slots=True)
class PostgresEngine:
    url: str = field(repr=False)
    """The address, password included: never shown (`place` is)."""
    label: str = 'PostgreSQL'
    dialect: PostgresDialect = POSTGRES
    has_files: bool = False
    """A read-only role is told neither the last commit's time nor one database's size."""
    runs_people_sql: bool = False
    """PostgreSQL has no authorizer that a read-only role could install to keep secrets out of a WHERE."""

    @property
    def place(self) -> str:
        return shown_url(self.url)

    def reader(self, *, time_limit: float | None = None, connections: int = DEFAULT_CONNECTIONS,
               show_secrets: bool = False) -> PostgresReader:
        return PostgresReader(self.url, time_limit=time_limit, connections=connections, show_secrets=show_secrets)

    def changes(self, *, poll_interval: float, listen: str | None = None) -> PostgresChangeDetector:
        return PostgresChangeDetector(self.url, listen=listen, backup_interval=poll_interval)

    def sql_reader(self, *, time_limit: float, connections: int, show_secrets: bool) -> NoReturn:
        raise Unsupported(f'The SQL page reads SQLite databases only; {self.place} is PostgreSQL, which psql reads '
                          'with your own role.')
