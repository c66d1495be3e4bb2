"""What an SQLite file holds, as `Relation`s: its tables and views with their columns and keys, read with PRAGMAs."""

from __future__ import annotations

import sqlite3

from eyelet_gui.sources.schema import ROWID_ALIASES, Column, Relation, listing_order, quote_identifier


def read_relations(connection: sqlite3.Connection) -> tuple[Relation, ...]:
    """Every table and view of the main schema, eyelet's own tables first, then by name; SQLite's internal tables
    left out, and so are virtual tables and their shadow tables (eyelet 0.4.0's full-text index of messages).

    Blocking: run it in the connection's thread (Reader.relations does)."""
    # PRAGMA statements, not the pragma_* table functions: those also report schema "updates" to the authorizer.
    listed = connection.execute('PRAGMA main.table_list').fetchall()
    relations = []
    for _, name, kind, _, without_rowid, _ in sorted(listed, key=lambda row: listing_order(row[1])):
        if kind not in ('table', 'view') or name.startswith('sqlite_'):
            continue
        columns = _read_columns(connection, name)
        relations.append(Relation(name=name, kind=kind, columns=columns, without_rowid=bool(without_rowid),
                                  key=_key(kind, columns)))
    return tuple(relations)


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
