"""`/export/{id}/{csv|json}/{name}?…`: the rows of a view, streamed, with the view's filters and sort; a refusal is
pages/refusal.py's, as the API's."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from nicegui import app

from eyelet_gui.pages.refusal import REFUSED, Refusal, no_database, no_relation, refused
from eyelet_gui.sources.engine import DatabaseEngine
from eyelet_gui.sources.export import export_chunks
from eyelet_gui.sources.query import window_statement
from eyelet_gui.sources.schema import Relation
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.live.query_url import query_from_params

MEDIA_TYPES = {'csv': 'text/csv; charset=utf-8', 'json': 'application/json'}


def register(dashboard: Dashboard) -> None:
    @app.get('/export/{database_id}/{kind}/{name:path}')
    async def export(database_id: str, kind: str, name: str, request: Request) -> Response:
        database = dashboard.catalog.find(database_id)
        if database is None:
            return refused(no_database(database_id))
        try:
            if kind not in MEDIA_TYPES:
                raise Refusal(404, f'{kind!r} is not an export format: use csv or json.')
            query = query_from_params(name, request.query_params)
            relation = await readable_relation(database.engine, name, dashboard.settings.show_secrets)
            window_statement(relation, query)  # an unknown column is refused now: once streaming, 200 is sent
        except REFUSED as problem:
            return refused(problem)
        export_id = request.query_params.get('export', '')

        async def body() -> AsyncIterator[str]:
            written = 0

            def progress(rows: int) -> None:
                nonlocal written
                written = rows
                dashboard.exports.report(export_id, rows)

            # Its own connection, opened once the response runs (a client gone before leaves none open): a long
            # export never waits behind live reads. It redacts as the views' readers do.
            reader = database.engine.reader(show_secrets=dashboard.settings.show_secrets)
            try:
                async for text in export_chunks(reader, relation, query, kind, progress):
                    yield text
            finally:
                await reader.close()
                dashboard.exports.report(export_id, written, finished=True)

        filename = re.sub(r'[^A-Za-z0-9._-]+', '_', name) or 'rows'
        return StreamingResponse(body(), media_type=MEDIA_TYPES[kind],
                                 headers={'Content-Disposition': f'attachment; filename="{filename}.{kind}"'})


async def readable_relation(engine: DatabaseEngine, name: str, show_secrets: bool) -> Relation:
    """`name`'s relation, read on a connection of its own and closed at once, whatever happens: a database that
    cannot be read right now is refused before the export's 200 is sent (the watcher's cached schema would not say
    that a file was deleted a moment ago)."""
    reader = engine.reader(show_secrets=show_secrets)
    try:
        relation = next((relation for relation in await reader.relations() if relation.name == name), None)
    finally:
        await reader.close()
    if relation is None:
        raise no_relation(name)
    return relation
