"""Short, fully consumed reads of rows; each returns plain tuples and holds no transaction open afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eyelet_gui.sources.readonly import connect
from eyelet_gui.sources.schema import Relation, quote_identifier, read_relations

# eyelet's own tables come first when a database has them; otherwise its first table by name.
PREFERRED_TABLES = ('hooks', 'executions')


@dataclass(frozen=True, slots=True)
class Rows:
    """Rows of one relation as read at one moment, with the column names in order."""

    relation: Relation | None
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def main_relation(relations: tuple[Relation, ...]) -> Relation | None:
    """The relation a database's overview shows: eyelet's table if present, else the first table, else a view."""
    by_name = {relation.name: relation for relation in relations}
    for name in PREFERRED_TABLES:
        if name in by_name and by_name[name].kind == 'table':
            return by_name[name]
    tables = [relation for relation in relations if relation.kind == 'table']
    return next(iter(tables or relations), None)


def newest_first_sql(relation: Relation, limit: int) -> str:
    """SELECT of the newest `limit` rows: by the increasing key when there is one, else in storage order."""
    name = quote_identifier(relation.name)
    increasing = relation.increasing_key
    order = f' ORDER BY {quote_identifier(increasing)} DESC' if increasing else ''
    return f'SELECT * FROM {name}{order} LIMIT {int(limit)}'


async def read_newest(path: Path, limit: int) -> Rows:
    """The newest rows of `path`'s main relation; raises DatabaseProblem when the file cannot be read."""
    connection = await connect(path)
    try:
        relation = main_relation(await read_relations(connection))
        if relation is None:
            return Rows(relation=None, columns=(), rows=())
        cursor = await connection.execute(newest_first_sql(relation, limit))
        rows = tuple(tuple(row) for row in await cursor.fetchall())
        columns = tuple(description[0] for description in cursor.description)
        await cursor.close()
        return Rows(relation=relation, columns=columns, rows=rows)
    finally:
        await connection.close()
