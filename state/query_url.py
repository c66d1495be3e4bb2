"""A table view's query in its URL, so that a filtered, sorted view can be bookmarked and shared.

`?q=text&sort=[["id","desc"]]&filters=[["hook_type","=","Stop"]]&page=2&limit=500`: column names and values travel
as JSON, so that no name or value can break the format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import quote, urlencode

from eyelet_gui.sources.query import OPERATORS, Filter, Operator, Query, Sort

DEFAULT_LIMIT = 500
MAX_LIMIT = 20_000


class UrlProblem(Exception):
    """A query string that does not describe a view; the message says which part."""


def query_from_params(relation: str, params: Mapping[str, str]) -> Query:
    """The Query a URL's parameters describe, or UrlProblem in words."""
    try:
        limit = min(MAX_LIMIT, max(1, int(params.get('limit', DEFAULT_LIMIT))))
        page = max(1, int(params.get('page', 1)))
    except ValueError:
        raise UrlProblem('`page` and `limit` must be whole numbers.') from None
    sort = []
    for entry in _json_list(params, 'sort'):
        if not (isinstance(entry, list) and len(entry) == 2 and entry[1] in ('asc', 'desc')):
            raise UrlProblem(f'{json.dumps(entry)} is not a sort: expected ["column", "asc" or "desc"].')
        sort.append(Sort(str(entry[0]), entry[1] == 'desc'))
    filters = []
    for entry in _json_list(params, 'filters'):
        if not (isinstance(entry, list) and len(entry) in (2, 3) and entry[1] in OPERATORS):
            raise UrlProblem(f'{json.dumps(entry)} is not a filter: expected ["column", "operator", value].')
        filters.append(Filter(str(entry[0]), cast(Operator, entry[1]), entry[2] if len(entry) == 3 else None))
    return Query(relation=relation, filters=tuple(filters), search=params.get('q', ''), sort=tuple(sort), limit=limit,
                 offset=(page - 1) * limit)


def _json_list(params: Mapping[str, str], name: str) -> list[Any]:
    raw = params.get(name)
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise UrlProblem(f'`{name}` is not valid JSON.') from None
    if not isinstance(value, list):
        raise UrlProblem(f'`{name}` must be a JSON list.')
    return value


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
