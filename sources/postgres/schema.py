"""What a PostgreSQL database holds, as `Relation`s: the tables and views of its current schema that the role may
read, with their columns and primary keys. One statement on the system catalogs (no information_schema: its
views cost ten times as much, and hide a column's identity)."""

from __future__ import annotations

from typing import Any

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.schema import Column, Relation, RelationKind, main_relation

RELATIONS = Statement("""
SELECT c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       coalesce((SELECT k.n FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) WHERE k.attnum = a.attnum), 0),
       a.attgenerated <> '',
       a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY c.relname, a.attnum""")
"""Every column of every table (`r`, partitioned `p`) and view (`v`, materialized `m`) of the current schema (the
first of the search path: `public` unless the role says otherwise) that the role may SELECT."""
SCHEMA_VERSION = Statement("""
SELECT count(*) || ':' || coalesce(sum(c.xmin::text::bigint + a.xmin::text::bigint), 0)
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
WHERE c.relnamespace = current_schema()::regnamespace""")
"""Changes whenever a table or view of the schema is made, dropped, altered or granted: each such change writes a
new version of its catalog rows, with the writing transaction in `xmin` (statistics are updated in place)."""


def relations_from_rows(rows: list[tuple[Any, ...]]) -> tuple[Relation, ...]:
    """RELATIONS' rows as Relations, eyelet's table first (as for SQLite), then by name."""
    columns: dict[tuple[str, str], list[Column]] = {}
    for name, kind, column, type_, not_null, key_position, generated, increasing in rows:
        columns.setdefault((name, kind), []).append(Column(
            name=column, declared_type=type_, primary_key_position=int(key_position), generated=bool(generated),
            not_null=bool(not_null), increasing=bool(increasing)))
    relations = [Relation(name=name, kind=_kind(kind), columns=tuple(listed), without_rowid=True,
                          key=_key(listed), engine='postgresql') for (name, kind), listed in columns.items()]
    main = main_relation(tuple(relations))
    return tuple(sorted(relations, key=lambda relation: (relation is not main, relation.name)))


def _kind(relkind: str) -> RelationKind:
    return 'table' if relkind in ('r', 'p') else 'view'


def _key(columns: list[Column]) -> tuple[str, ...]:
    """The primary key; none for a table without one (its rows are keyed by their content, as a view's are)."""
    declared = sorted((column for column in columns if column.primary_key_position),
                      key=lambda column: column.primary_key_position)
    return tuple(column.name for column in declared)
