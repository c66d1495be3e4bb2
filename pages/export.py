"""`/export/{id}/{csv|json}/{name}?…`: the rows of a view, streamed, with the view's filters and sort."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from fastapi import HTTPException, Request
from fastapi.responses import StreamingResponse
from nicegui import app

from eyelet_gui.sources.export import export_chunks
from eyelet_gui.sources.query import QueryProblem, window_statement
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.live.query_url import UrlProblem, query_from_params

MEDIA_TYPES = {'csv': 'text/csv; charset=utf-8', 'json': 'application/json'}


def register(dashboard: Dashboard) -> None:
    @app.get('/export/{database_id}/{kind}/{name:path}')
    async def export(database_id: str, kind: str, name: str, request: Request) -> StreamingResponse:
        database = dashboard.catalog.find(database_id)
        if database is None or kind not in MEDIA_TYPES:
            raise HTTPException(404, 'No such database or export format.')
        try:
            query = query_from_params(name, request.query_params)
            relations = await dashboard.watchers[database.id].relations()
        except (UrlProblem, DatabaseProblem) as problem:
            raise HTTPException(400, str(problem)) from None
        relation = relations.get(name)
        if relation is None:
            raise HTTPException(404, f'{name!r} is not a table or view of this database.')
        try:
            window_statement(relation, query)  # an unknown column is refused now: once streaming, 200 is sent
        except QueryProblem as problem:
            raise HTTPException(400, str(problem)) from None
        export_id = request.query_params.get('export', '')
        # Its own connection: a long export never waits behind live reads. It redacts as the views' readers do.
        reader = database.engine.reader(show_secrets=dashboard.settings.show_secrets)

        async def body() -> AsyncIterator[str]:
            written = 0

            def progress(rows: int) -> None:
                nonlocal written
                written = rows
                dashboard.exports.report(export_id, rows)

            try:
                async for text in export_chunks(reader, relation, query, kind, progress):
                    yield text
            finally:
                await reader.close()
                dashboard.exports.report(export_id, written, finished=True)

        filename = re.sub(r'[^A-Za-z0-9._-]+', '_', name) or 'rows'
        return StreamingResponse(body(), media_type=MEDIA_TYPES[kind],
                                 headers={'Content-Disposition': f'attachment; filename="{filename}.{kind}"'})
