"""An SQLite file as a database engine (sources/engine.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eyelet_gui.sources.sqlite.changes import ChangeDetector
from eyelet_gui.sources.sqlite.dialect import SQLITE, SqliteDialect
from eyelet_gui.sources.sqlite.reader import DEFAULT_CONNECTIONS, Reader


@dataclass(frozen=True, slots=True)
class SqliteEngine:
    path: Path
    label: str = 'SQLite'
    dialect: SqliteDialect = SQLITE
    has_files: bool = True
    runs_people_sql: bool = True
    """SQLite's authorizer keeps a statement from reading a secret in a WHERE, unseen (sources/sqlite/sandbox.py)."""

    @property
    def place(self) -> str:
        return str(self.path)

    def reader(self, *, time_limit: float | None = None, connections: int = DEFAULT_CONNECTIONS,
               show_secrets: bool = False) -> Reader:
        return Reader(self.path, time_limit=time_limit, connections=connections, show_secrets=show_secrets)

    def changes(self, *, poll_interval: float, listen: str | None = None) -> ChangeDetector:
        return ChangeDetector(self.path, poll_interval)

    def sql_reader(self, *, time_limit: float, connections: int, show_secrets: bool) -> Reader:
        return self.reader(time_limit=time_limit, connections=connections, show_secrets=show_secrets)
