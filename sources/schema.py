"""What a database holds: its tables and views, their columns and the key that identifies a row."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

RelationKind = Literal['table', 'view']
Engine = Literal['sqlite', 'postgresql']
ROWID_ALIASES = ('rowid', '_rowid_', 'oid')
# eyelet's own tables come first when a database has them; otherwise its first table by name.
PREFERRED_TABLES = ('hooks', 'executions', 'eyelet_hooks')  # the last: what `eyelet-gui forward` fills
EVENT_TABLES: dict[Engine, str] = {'sqlite': 'hooks', 'postgresql': 'eyelet_hooks'}
"""Where eyelet's records are: its own table in SQLite, the one `eyelet-gui forward` fills in PostgreSQL."""


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


def read_relations(connection: sqlite3.Connection) -> tuple[Relation, ...]:
    """Every table and view of the main schema, eyelet's own tables first, then by name; SQLite's internal tables
    left out, and so are virtual tables and their shadow tables (eyelet 0.4.0's full-text index of messages).

    Blocking: run it in the connection's thread (Reader.relations does)."""
    # PRAGMA statements, not the pragma_* table functions: those also report schema "updates" to the authorizer.
    listed = connection.execute('PRAGMA main.table_list').fetchall()
    relations = []
    for _, name, kind, _, without_rowid, _ in sorted(listed, key=lambda row: _listing_order(row[1])):
        if kind not in ('table', 'view') or name.startswith('sqlite_'):
            continue
        columns = _read_columns(connection, name)
        relations.append(Relation(name=name, kind=kind, columns=columns, without_rowid=bool(without_rowid),
                                  key=_key(kind, columns)))
    return tuple(relations)


def _listing_order(name: str) -> tuple[int, str]:
    return (PREFERRED_TABLES.index(name) if name in PREFERRED_TABLES else len(PREFERRED_TABLES)), name


def _read_columns(connection: sqlite3.Connection, relation: str) -> tuple[Column, ...]:
    rows = connection.execute(f'PRAGMA main.table_xinfo({quote_identifier(relation)})').fetchall()
    # hidden: 0 ordinary, 1 hidden column of a virtual table, 2 and 3 generated (virtual, stored).
    return tuple(Column(name=name, declared_type=type_ or '', primary_key_position=pk, generated=hidden in (2, 3),
                        not_null=bool(not_null)) for _, name, type_, not_null, _, pk, hidden in rows if hidden != 1)


def _key(kind: str, columns: tuple[Column, ...]) -> tuple[str, ...]:
    if kind == 'view':
        return ()
    declared = sorted((c for c in columns if c.primary_key_position), key=lambda c: c.primary_key_position)
    if declared:
        return tuple(column.name for column in declared)
    names = {column.name for column in columns}
    return tuple(alias for alias in ROWID_ALIASES if alias not in names)[:1]


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
        team = tables.get(EVENT_TABLES['postgresql'])
        return 'eyelet (team)' if team and 'hook_type' in team.column_names else 'PostgreSQL'
    if 'hooks' in tables and 'hook_type' in tables['hooks'].column_names:
        return 'eyelet'
    if 'executions' in tables and 'hook_type' in tables['executions'].column_names:
        return 'eyelet (legacy)'
    return 'SQLite'
