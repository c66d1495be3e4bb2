"""A view's query as a value (relation, filters, search, sort, window) and the SQL it becomes.

The SQL is built from quoted identifiers and bound parameters only: no text a person typed is ever
pasted into a statement, so a filter value like `'; DROP TABLE hooks; --` is just a value.
"""

from __future__ import annotations

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
class Statement:
    sql: str
    parameters: tuple[Any, ...] = field(default_factory=tuple)


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


def where_clause(relation: Relation, query: Query) -> Statement:
    """` WHERE …` for the query's filters and search (empty when there are none), with bound parameters."""
    known = set(relation.column_names) | set(relation.key)
    conditions: list[str] = []
    parameters: list[Any] = []
    for condition in query.filters:
        if condition.column not in known:
            raise QueryProblem(f'{relation.name} has no column named {condition.column!r}.')
        column = quote_identifier(condition.column)
        if condition.operator == 'is null':
            conditions.append(f'{column} IS NULL')
        elif condition.operator == 'is not null':
            conditions.append(f'{column} IS NOT NULL')
        elif condition.operator == 'contains':
            conditions.append(_like(condition.column))
            parameters.extend([f'%{_escape_like(str(condition.value))}%'] * 2)
        elif condition.operator == 'starts with':
            conditions.append(_like(condition.column))
            parameters.extend([f'{_escape_like(str(condition.value))}%'] * 2)
        elif condition.operator in ('=', '!=', '<', '<=', '>', '>='):
            # Compared as stored, and only where the value shows as stored: comparing text with a secret would
            # tell its characters one by one (`> 'sk-ant-a'`).
            shown = f' AND {_visible(condition.column, column)} IS {column}' if isinstance(condition.value, str) else ''
            conditions.append(f'({column} {condition.operator} ?{shown})')
            parameters.append(condition.value)
        else:
            raise QueryProblem(f'{condition.operator!r} is not a filter operator.')
    if query.search:
        text_columns = [column.name for column in relation.columns
                        if any(kind in column.declared_type.upper() for kind in TEXT_TYPES)
                        or column.declared_type == '']
        if text_columns:
            pattern = f'%{_escape_like(query.search)}%'
            conditions.append('(' + ' OR '.join(_like(name) for name in text_columns) + ')')
            parameters.extend([pattern] * 2 * len(text_columns))
        else:
            conditions.append('0')  # nothing to search in: nothing matches
    return Statement(' WHERE ' + ' AND '.join(conditions) if conditions else '', tuple(parameters))


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


def order_clause(sorts: Sequence[Sort]) -> str:
    return ' ORDER BY ' + ', '.join(f'{quote_identifier(s.column)}{" DESC" if s.descending else ""}'
                                    for s in sorts) if sorts else ''


def window_statement(relation: Relation, query: Query) -> Statement:
    """SELECT of the query's window: key columns first (as `__key0`, …), then every column."""
    where = where_clause(relation, query)
    keys = ', '.join(f'{quote_identifier(name)} AS {KEY_PREFIX}{i}' for i, name in enumerate(relation.key))
    select = f'SELECT {keys + ", " if keys else ""}* FROM {quote_identifier(relation.name)}'
    order = order_clause(effective_sort(relation, query))
    return Statement(f'{select}{where.sql}{order} LIMIT ? OFFSET ?',
                     (*where.parameters, int(query.limit), int(query.offset)))


def count_statement(relation: Relation, query: Query | None = None, *, after_key: Any = None) -> Statement:
    """count(*) of the relation, of the rows the query matches, or of the rows past `after_key` (tail path)."""
    where = where_clause(relation, query) if query else Statement('')
    sql, parameters = where.sql, list(where.parameters)
    if after_key is not None:
        key = relation.increasing_key
        assert key is not None
        sql = f'{sql} AND {quote_identifier(key)} > ?' if sql else f' WHERE {quote_identifier(key)} > ?'
        parameters.append(after_key)
    return Statement(f'SELECT count(*) FROM {quote_identifier(relation.name)}{sql}', tuple(parameters))


def max_key_statement(relation: Relation) -> Statement:
    """The largest increasing key: one step down the b-tree, whatever the table's size."""
    key = relation.increasing_key
    assert key is not None
    return Statement(f'SELECT max({quote_identifier(key)}) FROM {quote_identifier(relation.name)}')


def row_statement(relation: Relation, key: tuple[Any, ...]) -> Statement:
    """SELECT of the one row with this key (the key columns first, as in `window_statement`)."""
    keys = ', '.join(f'{quote_identifier(name)} AS {KEY_PREFIX}{i}' for i, name in enumerate(relation.key))
    where = ' AND '.join(f'{quote_identifier(name)} IS ?' for name in relation.key)
    return Statement(f'SELECT {keys}, * FROM {quote_identifier(relation.name)} WHERE {where}', tuple(key))


# Claude Code's payload sits under `data.input_data`; SQLite parses a row's `data` once per statement and
# answers every json_extract of it from that parse (its JSON cache), so the several paths cost one parse.
_PAYLOAD = "json_extract(data, '$.input_data"
FAILED_SQL = (
    "(hook_type = 'PostToolUseFailure' OR status IN ('error', 'failed', 'failure') OR (hook_type = 'PostToolUse' AND ("
    f"coalesce({_PAYLOAD}.error'), '') != '' OR json_type(data, '$.input_data.is_interrupt') = 'true' "
    "OR json_type(data, '$.input_data.tool_response.interrupted') = 'true' "
    "OR json_type(data, '$.input_data.tool_response.is_error') = 'true')))")
"""Whether a record ends a tool call that failed: the same rule as `state.hook_events.failure_text`."""
TAIL_COLUMNS = ('id', 'timestamp', 'session_id', 'hook_type', 'tool_name', 'project_dir', 'duration_ms',
                'tool_use_id', 'failed', 'branch', 'prompt')
_TAIL_SELECT = (
    'SELECT id, timestamp, session_id, hook_type, tool_name, project_dir, duration_ms, '
    f"{_PAYLOAD}.tool_use_id'), {FAILED_SQL}, json_extract(data, '$.metadata.git.branch'), "
    f"CASE WHEN hook_type = 'UserPromptSubmit' THEN substr({_PAYLOAD}.prompt'), 1, 300) END FROM hooks")


def first_id_since_statement(since: float) -> Statement:
    """The id of the first record at or after `since` (idx_timestamp): where a tail starts reading."""
    return Statement('SELECT id FROM hooks WHERE timestamp >= ? ORDER BY timestamp, id LIMIT 1', (since,))


def tail_statement(after_id: int, limit: int) -> Statement:
    """TAIL_COLUMNS of the next `limit` records past `after_id`, in id order: a range on the rowid, O(change)."""
    return Statement(f'{_TAIL_SELECT} WHERE id > ? ORDER BY id LIMIT ?', (after_id, int(limit)))


def session_tail_statement(session_id: str, after_id: int, limit: int = -1) -> Statement:
    """TAIL_COLUMNS plus `data` of one session's next `limit` records (-1: all) past `after_id`, in order: a range
    of idx_session_id, whose entries are ordered by rowid within a session."""
    select = _TAIL_SELECT.replace(' FROM hooks', ', data FROM hooks')
    return Statement(f'{select} WHERE session_id = ? AND id > ? ORDER BY id LIMIT ?', (session_id, after_id, limit))
