"""A table view's query in its URL, so that a filtered, sorted view can be bookmarked and shared.

`?q=text&sort=[["id","desc"]]&filters=[["hook_type","=","Stop"]]&page=2&limit=500`: column names and values travel
as JSON, so that no name or value can break the format. Anything else gets UrlProblem, never an exception a page
cannot tell in words: a filter's value is text, a whole number within SQLite's 64-bit integers, a finite number,
true, false or null (a list or an object would not bind as one SQL parameter, nor hash as part of the Query that keys
shared snapshots), and column names are text.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, NoReturn, cast
from urllib.parse import quote, urlencode

from eyelet_gui.sources.query import OPERATORS, Filter, Operator, Query, Sort

DEFAULT_LIMIT = 500
MAX_LIMIT = 20_000
SQLITE_INTEGER_MAX = 2**63 - 1
SHOWN_LENGTH = 80


class UrlProblem(Exception):
    """A query string that does not describe a view; the message says which part."""


def query_from_params(relation: str, params: Mapping[str, str]) -> Query:
    """The Query a URL's parameters describe, or UrlProblem in words."""
    try:
        limit = min(MAX_LIMIT, max(1, int(params.get('limit', DEFAULT_LIMIT))))
        page = max(1, int(params.get('page', 1)))
    except ValueError:
        raise UrlProblem('`page` and `limit` must be whole numbers.') from None
    if (page - 1) * limit > SQLITE_INTEGER_MAX:
        raise UrlProblem(f'`page` {page} is beyond any table\'s last row.')
    sort = []
    for entry in _json_list(params, 'sort'):
        if not (isinstance(entry, list) and len(entry) == 2 and _is_text(entry[0]) and entry[1] in ('asc', 'desc')):
            raise UrlProblem(f'{_shown(entry)} is not a sort: expected ["column", "asc" or "desc"].')
        sort.append(Sort(entry[0], entry[1] == 'desc'))
    filters = []
    for entry in _json_list(params, 'filters'):
        if not (isinstance(entry, list) and len(entry) in (2, 3) and _is_text(entry[0]) and entry[1] in OPERATORS):
            raise UrlProblem(f'{_shown(entry)} is not a filter: expected ["column", "operator", value].')
        value = entry[2] if len(entry) == 3 else None
        if not _is_scalar(value):
            raise UrlProblem(f'{_shown(value)} is not a filter value: expected text, a number (within SQLite\'s '
                             '64-bit integers, or finite), true, false or null.')
        filters.append(Filter(entry[0], cast(Operator, entry[1]), value))
    return Query(relation=relation, filters=tuple(filters), search=params.get('q', ''), sort=tuple(sort), limit=limit,
                 offset=(page - 1) * limit)


def _is_text(value: object) -> bool:
    """A string SQLite can take: JSON's `\\ud800` escapes make lone surrogates, which UTF-8 cannot encode."""
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_scalar(value: object) -> bool:
    """A value a filter binds as one SQL parameter, and that a Query can hash (it keys the shared snapshots)."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, float):
        return math.isfinite(value)  # 1e999 parses as infinity
    if isinstance(value, int):
        return -SQLITE_INTEGER_MAX - 1 <= value <= SQLITE_INTEGER_MAX
    return _is_text(value)


def _json_list(params: Mapping[str, str], name: str) -> list[Any]:
    raw = params.get(name)
    if not raw:
        return []
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # RecursionError: JSON nested deeper than Python's stack
        raise UrlProblem(f'`{name}` is not valid JSON.') from None
    if not isinstance(value, list):
        raise UrlProblem(f'`{name}` must be a JSON list.')
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f'{name} is not a number SQLite can compare')  # NaN, Infinity: json.loads allows them


def _shown(value: object) -> str:
    """`value` as JSON, cut short: a message quotes what it refuses, not 8,000 characters of it."""
    text = json.dumps(value)
    return text if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + '…'


def query_string(query: Query) -> str:
    """The `?…` part for `query` (empty for the default view)."""
    params: dict[str, str] = {}
    if query.search:
        params['q'] = query.search
    if query.sort:
        params['sort'] = json.dumps([[s.column, 'desc' if s.descending else 'asc'] for s in query.sort])
    if query.filters:
        params['filters'] = json.dumps([[f.column, f.operator] + ([] if f.operator in ('is null', 'is not null')
                                                                   else [f.value]) for f in query.filters])
    if query.offset:
        params['page'] = str(query.offset // query.limit + 1)
    if query.limit != DEFAULT_LIMIT:
        params['limit'] = str(query.limit)
    return '?' + urlencode(params) if params else ''


def table_path(database_id: str, relation: str) -> str:
    """The live view's address: database by id (never by path), relation name percent-quoted."""
    return f'/db/{database_id}/table/{quote(relation, safe="")}'
