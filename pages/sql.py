"""`/db/{id}/sql`: a person's own SELECT on one database, its rows in the live grid, run again on each commit
when live. `?sql=…&live=1` carries the statement and the switch, so a link shows the same live result."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from fastapi import Request
from nicegui import ui

from eyelet_gui.components.layout import breadcrumbs, frame, no_such_database
from eyelet_gui.components.sql_view import SqlView
from eyelet_gui.pages.api import API
from eyelet_gui.sources.eyelet.facts import EVENT_TABLE
from eyelet_gui.sources.schema import Relation, quote_identifier, schema_kind
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.dashboard import Dashboard

EYELET_STARTER = f'''SELECT hook_type, tool_name, count(*) AS events,
       datetime(max(timestamp), 'unixepoch') AS latest_utc
FROM {EVENT_TABLE}
GROUP BY hook_type, tool_name
ORDER BY latest_utc DESC'''
"""What the editor offers on an eyelet database: what happened, by kind, the latest first."""


def sql_path(database_id: str, sql: str | None = None, live: bool = False) -> str:
    """The SQL page's address, with the statement and the live switch when given."""
    params = ({} if sql is None else {'sql': sql}) | ({'live': '1'} if live else {})
    return f'/db/{database_id}/sql' + (f'?{urlencode(params)}' if params else '')


def starter(relations: Mapping[str, Relation]) -> str:
    """A first statement to edit: for eyelet, its events by kind; else the first table's first 100 rows."""
    if schema_kind(tuple(relations.values())).startswith('eyelet') and EVENT_TABLE in relations:
        return EYELET_STARTER
    tables = [name for name, relation in relations.items() if relation.kind == 'table']
    if not tables:
        return 'SELECT type, name FROM sqlite_master'
    return f'SELECT *\nFROM {quote_identifier(tables[0])}\nLIMIT 100'


def register(dashboard: Dashboard) -> None:
    @ui.page('/db/{database_id}/sql')
    async def sql_page(database_id: str, request: Request) -> None:
        database = dashboard.catalog.find(database_id)
        with frame('SQL', dashboard.attention):
            if database is None:
                no_such_database()
                return
            breadcrumbs(('Databases', '/'), (database.label, f'/db/{database.id}'), ('SQL', None))
            sql = request.query_params.get('sql')
            if sql is None:
                try:
                    sql = starter(await dashboard.watchers[database.id].relations())
                except DatabaseProblem:
                    sql = ''  # the page says why once a statement runs
            view = SqlView(dashboard.sql_feeds, database.id, sql, live=request.query_params.get('live') == '1',
                           url=lambda text, live: sql_path(database.id, text, live),
                           api_url=lambda text: f'{API}/db/{database.id}/sql?{urlencode({"sql": text})}')
            if 'sql' in request.query_params:
                view.run()
