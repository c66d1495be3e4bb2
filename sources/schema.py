"""What a database holds: its tables and views, their columns and the key that identifies a row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from eyelet_gui.sources.dialect import Dialect
from eyelet_gui.sources.eyelet.facts import EVENT_TABLE, LEGACY_TABLE, PREFERRED_TABLES, TEAM_TABLE
from eyelet_gui.sources.postgres.dialect import POSTGRES
from eyelet_gui.sources.sqlite.dialect import SQLITE

RelationKind = Literal['table', 'view']
Engine = Literal['sqlite', 'postgresql']
ROWID_ALIASES = ('rowid', '_rowid_', 'oid')
DIALECTS: dict[Engine, Dialect] = {'sqlite': SQLITE, 'postgresql': POSTGRES}


def quote_identifier(name: str) -> str:
    """`name` as an SQL identifier: double-quoted, inner quotes doubled, so no name can become SQL."""
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    declared_type: str
    primary_key_position: int
    """1-based position in the declared primary key; 0 when the column is not part of it."""
    generated: bool
    not_null: bool = False
    """Declared NOT NULL: an export sorted by it can seek straight to where its next page starts."""
    increasing: bool = False
    """Filled by an identity or a sequence (PostgreSQL): the newest rows have the largest values."""


@dataclass(frozen=True, slots=True)
class Relation:
    """A table or a view, with the columns that identify one of its rows."""

    name: str
    kind: RelationKind
    columns: tuple[Column, ...]
    without_rowid: bool
    key: tuple[str, ...]
    """Declared primary key, else a rowid alias for rowid tables; empty for views (rows keyed by content)."""
    engine: Engine = 'sqlite'
    """Whose SQL reads it: the statements differ where the engines do (sources/query.py)."""

    @property
    def dialect(self) -> Dialect:
        """The SQL of its engine where it differs (JSON, key order), for statements built outside `query.py`."""
        return DIALECTS[self.engine]

    @property
    def has_rowid_key(self) -> bool:
        """Whether `key` is the table's rowid, read through an alias that no column shadows."""
        return len(self.key) == 1 and self.key[0] in ROWID_ALIASES and self.key[0] not in self.column_names

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def increasing_key(self) -> str | None:
        """The key column that grows with each insert (INTEGER PRIMARY KEY or rowid), if there is one; on
        PostgreSQL, the first column an identity or a sequence fills."""
        if self.engine == 'postgresql':
            return next((column.name for column in self.columns if column.increasing), None)
        if self.has_rowid_key:
            return self.key[0]
        if len(self.key) == 1 and not self.without_rowid:
            column = next(column for column in self.columns if column.name == self.key[0])
            if column.declared_type.upper() == 'INTEGER':
                return column.name
        return None


def listing_order(name: str) -> tuple[int, str]:
    """Where a relation named `name` is listed: eyelet's own tables first, then by name."""
    return (PREFERRED_TABLES.index(name) if name in PREFERRED_TABLES else len(PREFERRED_TABLES)), name


def main_relation(relations: tuple[Relation, ...]) -> Relation | None:
    """The relation a database's overview shows: eyelet's table if present, else the first table, else a view."""
    by_name = {relation.name: relation for relation in relations}
    for name in PREFERRED_TABLES:
        if name in by_name and by_name[name].kind == 'table':
            return by_name[name]
    tables = [relation for relation in relations if relation.kind == 'table']
    return next(iter(tables or relations), None)


SchemaKind = Literal['eyelet', 'eyelet (legacy)', 'eyelet (team)', 'SQLite', 'PostgreSQL']


def schema_kind(relations: tuple[Relation, ...]) -> SchemaKind:
    """eyelet's modern schema (a `hooks` table with `hook_type`), its legacy one (`executions`), a team's records
    forwarded into PostgreSQL (`eyelet_hooks`), or any other."""
    tables = {relation.name: relation for relation in relations if relation.kind == 'table'}
    if any(relation.engine == 'postgresql' for relation in relations):
        team = tables.get(TEAM_TABLE)
        return 'eyelet (team)' if team and 'hook_type' in team.column_names else 'PostgreSQL'
    if EVENT_TABLE in tables and 'hook_type' in tables[EVENT_TABLE].column_names:
        return 'eyelet'
    if LEGACY_TABLE in tables and 'hook_type' in tables[LEGACY_TABLE].column_names:
        return 'eyelet (legacy)'
    return 'SQLite'
