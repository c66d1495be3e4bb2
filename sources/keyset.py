"""Keyset paging: a view's rows in its order, a page at a time, each page starting after the last row of the one
before (by the values of its sort columns), never at an OFFSET.

OFFSET re-reads every row before the page (a million-row export reads n²/2 rows) and counts positions, not
rows: on the newest-first order a row inserted between two pages pushes the next page down by one, so its first
row is the previous page's last, once per insert. After the last row's sort values, a page starts where the
previous one ended whatever was inserted before it; bounded by the newest rowid at the start, rows inserted
during the export are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eyelet_gui.sources.query import Query, Sort, Statement, effective_sort, where_clause
from eyelet_gui.sources.schema import ROWID_ALIASES, Relation, quote_identifier

SORT_PREFIX = '__sort'


@dataclass(frozen=True, slots=True)
class Bound:
    """Rows whose `column` is at most `newest`: those that existed when the export started."""

    column: str
    newest: Any


def bound_column(relation: Relation) -> str | None:
    """The column whose largest value at the start bounds an export: the increasing key, else the rowid of a rowid
    table (SQLite gives a new row the largest rowid plus one); None for WITHOUT ROWID tables and views."""
    if relation.increasing_key:
        return relation.increasing_key
    if relation.kind != 'table' or relation.without_rowid:
        return None
    return next((alias for alias in ROWID_ALIASES if alias not in relation.column_names), None)


def newest_statement(relation: Relation, column: str) -> Statement:
    """The largest value of `column` (a rowid or INTEGER PRIMARY KEY): one step down the b-tree."""
    return Statement(f'SELECT max({quote_identifier(column)}) FROM {quote_identifier(relation.name)}')


def page_order(relation: Relation, query: Query) -> tuple[Sort, ...]:
    """The view's order (`effective_sort`), made total: a rowid table's key may hold NULLs more than once (SQLite
    allows it outside INTEGER PRIMARY KEY), so its rowid breaks what ties remain."""
    sorts = effective_sort(relation, query)
    tiebreak = bound_column(relation)
    if tiebreak and tiebreak not in {sort.column for sort in sorts}:
        sorts += (Sort(tiebreak, sorts[0].descending if sorts else False),)
    return sorts


def page_statement(relation: Relation, query: Query, order: Sequence[Sort], *, after: Sequence[Any] | None,
                   bound: Bound | None, limit: int) -> Statement:
    """SELECT of the next `limit` rows of the query in `order` (`page_order`) past the row whose sort values are
    `after` (None: from the first), within `bound`: the sort columns first (as `__sort0`, …), then every column."""
    where = where_clause(relation, query)
    conditions, parameters = [where.sql.removeprefix(' WHERE ')] if where.sql else [], list(where.parameters)
    if after is not None:
        for condition in (_seek(relation, order[0], after[0]), _past(relation, order, after)):
            if condition is not None:
                conditions.append(condition.sql)
                parameters.extend(condition.parameters)
    # Past the first page of a descending order by the bound column itself, the cursor is below the bound already.
    # Said again, it would be a second upper bound on the same column, and SQLite, which cannot tell from
    # parameters which is the tighter, may range over the newest rows for every page down to the cursor: O(n²).
    if bound is not None and not (after is not None and order[0].column == bound.column and order[0].descending):
        conditions.append(f'{quote_identifier(bound.column)} <= ?')
        parameters.append(bound.newest)
    sorts = ', '.join(f'{quote_identifier(sort.column)} AS {SORT_PREFIX}{i}' for i, sort in enumerate(order))
    direction = ', '.join(f'{quote_identifier(sort.column)}{" DESC" if sort.descending else ""}' for sort in order)
    return Statement(f'SELECT {sorts}, * FROM {quote_identifier(relation.name)}'
                     f'{" WHERE " + " AND ".join(conditions) if conditions else ""} ORDER BY {direction} LIMIT ?',
                     (*parameters, int(limit)))


def _past(relation: Relation, order: Sequence[Sort], values: Sequence[Any]) -> Statement:
    """Rows that come after `values` in `order`: after on the first column, or equal on it and after on the next, ….

    Not the row value `(a, b) > (?, ?)`: it holds one direction for every column, and a NULL in it makes the
    comparison NULL, which drops the row. Here each column has its own direction and NULLs sort as SQLite sorts
    them, first ascending and last descending; `IS` is equality that holds for NULL too."""
    alternatives: list[str] = []
    parameters: list[Any] = []
    for position, (sort, value) in enumerate(zip(order, values, strict=True)):
        beyond = _beyond(relation, sort, value)
        if beyond is None:
            continue
        equal = [f'{quote_identifier(earlier.column)} IS ?' for earlier in order[:position]]
        alternatives.append(' AND '.join([*equal, beyond.sql]))
        parameters.extend([*values[:position], *beyond.parameters])
    return Statement('(' + ' OR '.join(alternatives) + ')' if alternatives else '0', tuple(parameters))


def _seek(relation: Relation, first: Sort, value: Any) -> Statement | None:
    """A range on the first sort column that holds every row past `value` (redundant beside `_past`): SQLite seeks
    an index on it to where the page starts, instead of walking past every earlier entry. None where no range can
    hold them all: a nullable column descending (NULLs come after every value), or a NULL."""
    if value is None:
        return None
    if not first.descending:
        return Statement(f'{quote_identifier(first.column)} >= ?', (value,))
    if _never_null(relation, first.column):
        return Statement(f'{quote_identifier(first.column)} <= ?', (value,))
    return None


def _beyond(relation: Relation, sort: Sort, value: Any) -> Statement | None:
    """Values of one column that sort after `value` in its direction; None when nothing does (NULL, descending)."""
    column = quote_identifier(sort.column)
    if not sort.descending:
        return Statement(f'{column} IS NOT NULL') if value is None else Statement(f'{column} > ?', (value,))
    if value is None:
        return None
    if _never_null(relation, sort.column):  # a plain range, which SQLite reads straight off the b-tree
        return Statement(f'{column} < ?', (value,))
    return Statement(f'({column} < ? OR {column} IS NULL)', (value,))


def _never_null(relation: Relation, column: str) -> bool:
    """Whether SQLite keeps `column` from holding NULL: NOT NULL, the rowid and its alias, a WITHOUT ROWID table's
    key."""
    if column in ROWID_ALIASES and column not in relation.column_names:
        return True
    declared = any(candidate.name == column and candidate.not_null for candidate in relation.columns)
    return declared or column == relation.increasing_key or (relation.without_rowid and column in relation.key)
