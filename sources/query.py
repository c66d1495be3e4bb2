"""A view's query as a value (relation, filters, search, sort, window) and the SQL it becomes.

The SQL is built from quoted identifiers and bound parameters only: no text a person typed is ever
pasted into a statement, so a filter value like `'; DROP TABLE hooks; --` is just a value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from eyelet_gui.sources.redaction import is_secret_name
from eyelet_gui.sources.schema import Relation, quote_identifier

Operator = Literal['=', '!=', '<', '<=', '>', '>=', 'contains', 'starts with', 'is null', 'is not null']
OPERATORS: tuple[Operator, ...] = ('=', '!=', '<', '<=', '>', '>=', 'contains', 'starts with', 'is null',
                                   'is not null')
TEXT_TYPES = ('CHAR', 'CLOB', 'TEXT', 'JSON', 'BLOB')  # eyelet keeps its JSON in a BLOB column
KEY_PREFIX = '__key'


class QueryProblem(Exception):
    """A query that does not fit the relation (an unknown column, a bad operator); the message says which."""


@dataclass(frozen=True, slots=True)
class Filter:
    column: str
    operator: Operator
    value: Any = None


@dataclass(frozen=True, slots=True)
class Sort:
    column: str
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """What one live view shows; equal queries share one snapshot and one diff."""

    relation: str
    filters: tuple[Filter, ...] = ()
    search: str = ''
    """Free text matched (case-insensitively, as a substring) against every text column."""
    sort: tuple[Sort, ...] = ()
    """Empty: newest first by the increasing key when the relation has one, else storage order."""
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Shown:
    """A condition on what the browser sees of a row, for an engine that cannot call `visible` (PostgreSQL): one
    of `columns`' redacted text contains `text` (case-insensitively) or starts with it, or the column shows as
    stored. The SQL beside it keeps the rows that match the stored text: a superset, narrowed by the reader."""

    columns: tuple[str, ...]
    test: Literal['contains', 'starts with', 'as stored']
    text: str = ''


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    parameters: tuple[Any, ...] = field(default_factory=tuple)
    shown: tuple[Shown, ...] = ()
    """Conditions the reader checks on each row before it counts (PostgreSQL only; SQLite calls `visible`)."""
    limit: int | None = None
    offset: int = 0
    """With `shown`: the window of the rows that pass, taken by the reader (the SQL has no LIMIT then)."""
    counting: bool = False
    """With `shown`: the result is one row, the number of rows that pass."""


def _escape_like(text: str) -> str:
    return text.replace('\\', '\\\\').replace('%', '\\%').replace('_', '\\_')


def _visible(name: str, value: str) -> str:
    """SQL for what the browser sees of column `name`'s value `value` (the Reader's `visible` function)."""
    return f'visible({value}, {int(is_secret_name(name))})'


def _like(name: str) -> str:
    """A LIKE on the stored text (quick: SQLite's own), then on the visible text, only for the rows it let
    through: no search or filter finds a row by a secret the browser is not shown."""
    text = f'CAST({quote_identifier(name)} AS TEXT)'
    return f"({text} LIKE ? ESCAPE '\\' AND {_visible(name, text)} LIKE ? ESCAPE '\\')"


class _Conditions:
    """A WHERE clause being built, in the relation's engine: SQLite checks the visible text with `visible()`;
    PostgreSQL matches the stored text and leaves the visible text to the reader (`Shown`)."""

    def __init__(self, relation: Relation) -> None:
        self.in_sql = relation.dialect.redacts_in_sql
        self.sql: list[str] = []
        self.parameters: list[Any] = []
        self.shown: list[Shown] = []

    def like(self, columns: Sequence[str], pattern: str, test: Literal['contains', 'starts with'], text: str) -> None:
        """One of `columns`' text matches the LIKE `pattern`, as the browser sees it."""
        if not self.in_sql:
            self.sql.append('(' + ' OR '.join(f"CAST({quote_identifier(name)} AS TEXT) ILIKE ? ESCAPE '\\'"
                                              for name in columns) + ')')
            self.parameters.extend([pattern] * len(columns))
            self.shown.append(Shown(tuple(columns), test, text))
        else:
            self.sql.append('(' + ' OR '.join(_like(name) for name in columns) + ')')
            self.parameters.extend([pattern] * 2 * len(columns))

    def compare(self, name: str, operator: str, value: Any) -> None:
        """`name operator value`, where a text value holds only where the column shows as stored: comparing text
        with a secret would tell its characters one by one (`> 'sk-ant-a'`)."""
        column = quote_identifier(name)
        if isinstance(value, str) and self.in_sql:
            self.sql.append(f'({column} {operator} ? AND {_visible(name, column)} IS {column})')
        else:
            self.sql.append(f'{column} {operator} ?')
            if isinstance(value, str):
                self.shown.append(Shown((name,), 'as stored'))
        self.parameters.append(value)

    def statement(self) -> Statement:
        return Statement(' WHERE ' + ' AND '.join(self.sql) if self.sql else '', tuple(self.parameters),
                         tuple(self.shown))


def where_clause(relation: Relation, query: Query) -> Statement:
    """` WHERE …` for the query's filters and search (empty when there are none), with bound parameters."""
    known = set(relation.column_names) | set(relation.key)
    where = _Conditions(relation)
    for condition in query.filters:
        if condition.column not in known:
            raise QueryProblem(f'{relation.name} has no column named {condition.column!r}.')
        column = quote_identifier(condition.column)
        if condition.operator == 'is null':
            where.sql.append(f'{column} IS NULL')
        elif condition.operator == 'is not null':
            where.sql.append(f'{column} IS NOT NULL')
        elif condition.operator == 'contains':
            text = str(condition.value)
            where.like((condition.column,), f'%{_escape_like(text)}%', 'contains', text)
        elif condition.operator == 'starts with':
            text = str(condition.value)
            where.like((condition.column,), f'{_escape_like(text)}%', 'starts with', text)
        elif condition.operator in ('=', '!=', '<', '<=', '>', '>='):
            where.compare(condition.column, condition.operator, condition.value)
        else:
            raise QueryProblem(f'{condition.operator!r} is not a filter operator.')
    if query.search:
        text_columns = [column.name for column in relation.columns
                        if any(kind in column.declared_type.upper() for kind in TEXT_TYPES)
                        or column.declared_type == '']
        if text_columns:
            where.like(text_columns, f'%{_escape_like(query.search)}%', 'contains', query.search)
        else:
            where.sql.append('1 = 0')  # nothing to search in: nothing matches
    return where.statement()


def effective_sort(relation: Relation, query: Query) -> tuple[Sort, ...]:
    """The sort applied: the query's, else newest first by the increasing key; key columns break ties."""
    known = set(relation.column_names) | set(relation.key)
    for requested in query.sort:
        if requested.column not in known:
            raise QueryProblem(f'{relation.name} has no column named {requested.column!r} to sort by.')
    sorts = query.sort
    if not sorts and relation.increasing_key:
        sorts = (Sort(relation.increasing_key, descending=True),)
    # Ties broken by the key so that a window's rows are always the same rows in the same order.
    descending = bool(sorts) and sorts[0].descending
    return sorts + tuple(Sort(name, descending) for name in relation.key if name not in {s.column for s in sorts})


def order_clause(sorts: Sequence[Sort], relation: Relation) -> str:
    """` ORDER BY …`; on PostgreSQL with NULLs where SQLite puts them (first ascending), so both engines show a
    table in one order. Not for a NOT NULL column: PostgreSQL would not read its index backwards for `DESC NULLS
    LAST`, and would sort the whole table for the newest hundred rows."""
    nullable = ({column.name for column in relation.columns if not column.not_null}
                if not relation.dialect.sorts_nulls_first else set())
    nulls = {False: ' NULLS FIRST', True: ' NULLS LAST'}
    return ' ORDER BY ' + ', '.join(f'{quote_identifier(s.column)}{" DESC" if s.descending else ""}'
                                    f'{nulls[s.descending] if s.column in nullable else ""}'
                                    for s in sorts) if sorts else ''


def rows_statement(relation: Relation, query: Query) -> Statement:
    """SELECT of every row the query matches, in its order: key columns first (as `__key0`, …), then every column."""
    where = where_clause(relation, query)
    keys = ', '.join(f'{quote_identifier(name)} AS {KEY_PREFIX}{i}' for i, name in enumerate(relation.key))
    select = f'SELECT {keys + ", " if keys else ""}* FROM {quote_identifier(relation.name)}'
    order = order_clause(effective_sort(relation, query), relation)
    return Statement(f'{select}{where.sql}{order}', where.parameters, where.shown)


def window_statement(relation: Relation, query: Query) -> Statement:
    """SELECT of the query's window (`rows_statement` from `offset`, `limit` rows)."""
    every = rows_statement(relation, query)
    if every.shown:  # the reader takes the window from the rows that pass
        return dataclasses.replace(every, limit=int(query.limit), offset=int(query.offset))
    return Statement(f'{every.sql} LIMIT ? OFFSET ?', (*every.parameters, int(query.limit), int(query.offset)))


def count_statement(relation: Relation, query: Query | None = None, *, after_key: Any = None) -> Statement:
    """count(*) of the relation, of the rows the query matches, or of the rows past `after_key` (tail path)."""
    where = where_clause(relation, query) if query else Statement('')
    sql, parameters = where.sql, list(where.parameters)
    if after_key is not None:
        key = relation.increasing_key
        assert key is not None
        sql = f'{sql} AND {quote_identifier(key)} > ?' if sql else f' WHERE {quote_identifier(key)} > ?'
        parameters.append(after_key)
    if where.shown:  # the reader counts the rows that pass, reading only the columns it checks
        checked = ', '.join(quote_identifier(name) for name in dict.fromkeys(
            name for condition in where.shown for name in condition.columns))
        return Statement(f'SELECT {checked} FROM {quote_identifier(relation.name)}{sql}', tuple(parameters),
                         where.shown, counting=True)
    return Statement(f'SELECT count(*) FROM {quote_identifier(relation.name)}{sql}', tuple(parameters))


def capped_count_statement(relation: Relation, cap: int) -> Statement:
    """count(*) of the relation, but of `cap + 1` rows at most, as Datasette's `count_limit`: a count above `cap`
    says "more than `cap`" without reading every row of a table of millions (SQLite has no stored row count, and
    counting reads the whole table or its smallest index)."""
    return Statement(f'SELECT count(*) FROM (SELECT 1 FROM {quote_identifier(relation.name)} LIMIT ?) AS counted',
                     (cap + 1,))


def max_key_statement(relation: Relation) -> Statement:
    """The largest increasing key: one step down the b-tree, whatever the table's size."""
    key = relation.increasing_key
    assert key is not None
    return Statement(f'SELECT max({quote_identifier(key)}) FROM {quote_identifier(relation.name)}')


def row_statement(relation: Relation, key: tuple[Any, ...]) -> Statement:
    """SELECT of the one row with this key (the key columns first, as in `window_statement`)."""
    keys = ', '.join(f'{quote_identifier(name)} AS {KEY_PREFIX}{i}' for i, name in enumerate(relation.key))
    same = relation.dialect.null_safe_equal
    where = ' AND '.join(f'{quote_identifier(name)} {same} ?' for name in relation.key)
    return Statement(f'SELECT {keys}, * FROM {quote_identifier(relation.name)} WHERE {where}', tuple(key))
