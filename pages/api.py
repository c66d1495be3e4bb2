"""`/api/v1/…`: the pages' live data as JSON for scripts, a resumable server-sent change stream, read-only SQL, and
the sessions that need you (`/attention`, with a stream of each episode's beginning and end).

The conventions are Datasette's, which its users know: `{"columns", "rows"}`, `_shape=arrays`, `_nl=1` for
newline-delimited JSON, BLOBs as `{"$base64": true, "encoded": …}`. Every value passes the same redaction as the
pages, every read the same read-only connections, and the token guards these routes as it guards the pages
(server/token_gate.py: its cookie, `Authorization: Bearer …` or `?token=…`). A refusal is pages/refusal.py's.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import Response, StreamingResponse
from nicegui import app, background_tasks

from eyelet_gui.pages.refusal import REFUSED, no_database, no_relation, refused
from eyelet_gui.sources.json_values import json_row, json_value
from eyelet_gui.sources.query import capped_count_statement, window_statement
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.catalog import WatchedDatabase
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.attention_stream import attention_json
from eyelet_gui.state.live.change_streams import NumberedEvents, StreamEvent
from eyelet_gui.state.live.query_url import query_from_params, table_path
from eyelet_gui.state.live.watcher import Watcher

API = '/api/v1'
HEARTBEAT = 15.0
"""Seconds between comments on a quiet stream, so that proxies and clients know it is alive."""
RETRY_MS = 2000
"""How long an EventSource waits before it reconnects."""
LINGER = 30.0
"""Seconds a stream is kept after its last client went, so that a client that reconnects gets what it missed."""
FIRST_READ = 10.0
"""Seconds a new stream waits for the view's first read before it sends what it has."""
NDJSON = 'application/x-ndjson'
COUNT_LIMIT = 10_000
"""Rows a table's count in `/tables` reads at most, as Datasette's `count_limit`: more is said as
`"rows": 10000, "rows_capped": true` (Datasette shows "10,000+"), so listing the tables of a large database reads
no table whole."""


def register(dashboard: Dashboard) -> None:
    def database_of(database_id: str) -> tuple[WatchedDatabase, Watcher]:
        database = dashboard.catalog.find(database_id)
        if database is None:
            raise no_database(database_id)
        return database, dashboard.watchers[database.id]

    async def relation_of(watcher: Watcher, name: str) -> Relation:
        relation = (await watcher.relations()).get(name)
        if relation is None:
            raise no_relation(name)
        return relation

    @app.get(f'{API}/databases')
    async def databases() -> Response:
        return await answer(lambda: _databases(dashboard))

    @app.get(API + '/db/{database_id}/tables')
    async def tables(database_id: str) -> Response:
        async def listing() -> Any:
            _, watcher = database_of(database_id)
            relations = (await watcher.relations()).values()
            return {'tables': [await _table_facts(watcher, relation) for relation in relations]}
        return await answer(listing)

    @app.get(API + '/db/{database_id}/sql')
    async def sql(database_id: str, request: Request) -> Response:
        async def result() -> Any:
            database, _ = database_of(database_id)
            ran = await dashboard.sql.run(database, request.query_params.get('sql', ''))
            return {'columns': list(ran.columns), 'rows': _shaped(ran.columns, ran.rows, request),
                    'truncated': ran.truncated}
        return await answer(result)

    @app.get(f'{API}/attention')
    async def attention() -> Response:
        return await encoded(lambda: _json_text(attention_json(dashboard.attention)))

    @app.get(f'{API}/attention/changes')
    async def attention_changes(request: Request) -> Response:
        return _streamed(dashboard.attention_stream, request, release=None)  # kept for the app's life

    @app.get(API + '/db/{database_id}/table/{name:path}/changes')
    async def changes(database_id: str, name: str, request: Request) -> Response:
        try:
            _, watcher = database_of(database_id)
            query = query_from_params(name, request.query_params)
            window_statement(await relation_of(watcher, name), query)  # an unknown column: 400 now, not a stream
        except REFUSED as problem:
            return refused(problem)
        stream = dashboard.change_streams.acquire(database_id, query)
        def release() -> Awaitable[None]:
            return dashboard.change_streams.release(database_id, query)

        return _streamed(stream, request, release=release)

    @app.get(API + '/db/{database_id}/table/{name:path}')
    async def table(database_id: str, name: str, request: Request) -> Response:
        try:
            _, watcher = database_of(database_id)
            query = query_from_params(name, request.query_params)
            relation = await relation_of(watcher, name)
            # One row more than asked for says whether there is a next page, without counting them all.
            window = await watcher.reader.fetch(window_statement(relation, dataclasses.replace(query,
                                                                                               limit=query.limit + 1)))
        except REFUSED as problem:
            return refused(problem)
        width = len(relation.key)
        columns = window.columns[width:]
        rows = [row[width:] for row in window.rows[:query.limit]]
        page = query.offset // query.limit + 1
        following = (str(request.url.include_query_params(page=page + 1)) if len(window.rows) > query.limit
                     else None)
        if request.query_params.get('_nl') == '1':
            return await encoded(lambda: ''.join(_json_text(row) + '\n' for row in _shaped(columns, rows, request)),
                                 NDJSON)
        return await encoded(lambda: _json_text({'columns': list(columns), 'rows': _shaped(columns, rows, request),
                                                 'next': following}))


def _streamed(stream: NumberedEvents, request: Request, *,
              release: Callable[[], Awaitable[None]] | None) -> Response:
    """The stream's events for one client, as SSE or (`format=ndjson`) JSON lines, from its `Last-Event-ID`."""
    ndjson = request.query_params.get('format') == 'ndjson'
    last_event_id = request.headers.get('last-event-id') or request.query_params.get('last_event_id')
    return StreamingResponse(
        _events(stream, last_event_id, ndjson, release=release),
        media_type=NDJSON if ndjson else 'text/event-stream',
        # `identity`: NiceGUI's gzip would hold lines back until it has a block to compress.
        headers={'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no',
                 **({'Content-Encoding': 'identity'} if ndjson else {})})


async def answer(make: Callable[[], Awaitable[Any]]) -> Response:
    """`make()`'s JSON, or the refusal it raised."""
    try:
        made = await make()
    except REFUSED as problem:
        return refused(problem)
    return await encoded(lambda: _json_text(made))


async def encoded(text: Callable[[], str], media_type: str = 'application/json') -> Response:
    """A response whose body `text()` makes in a worker thread. Shaping and encoding 20,000 rows takes a second
    of CPU, during which the event loop's thread would serve no page, socket or stream. A thread, not
    `run.cpu_bound`: its process pool would pickle every row over to another process and the text back."""
    return Response(await asyncio.to_thread(text), media_type=media_type)


def _json_text(value: Any) -> str:
    """JSON as Starlette's JSONResponse writes it (no NaN: sources/json_values.py wrote those as text)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(',', ':'))


def _shaped(columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], request: Request) -> list[Any]:
    if request.query_params.get('_shape') == 'arrays':
        return [[json_value(value) for value in row] for row in rows]
    return [json_row(columns, row) for row in rows]


async def _databases(dashboard: Dashboard) -> dict[str, Any]:
    listed = []
    for database in dashboard.catalog.databases:
        watcher = dashboard.watchers[database.id]
        health = watcher.health
        try:
            kind: str | None = await watcher.schema_kind()
        except DatabaseProblem:
            kind = None
        listed.append({'id': database.id, 'name': database.label, 'kind': kind, 'path': database.place,
                       'status': health.status, 'problem': health.problem, 'last_commit_at': health.last_commit_at,
                       'changes_per_minute': health.changes_per_minute, 'file_size': health.file_size,
                       'wal_size': health.wal_size, 'page': f'/db/{database.id}',
                       'tables': f'{API}/db/{database.id}/tables'})
    return {'databases': listed}


async def _table_facts(watcher: Watcher, relation: Relation) -> dict[str, Any]:
    path = table_path(watcher.database.id, relation.name)
    return {'name': relation.name, 'kind': relation.kind, 'key': list(relation.key),
            'columns': [{'name': column.name, 'type': column.declared_type, 'not_null': column.not_null,
                         'primary_key': column.primary_key_position, 'generated': column.generated}
                        for column in relation.columns],
            **await _row_count(watcher, relation), 'page': path, 'json': API + path}


async def _row_count(watcher: Watcher, relation: Relation) -> dict[str, Any]:
    """`rows`, and `rows_capped`: whether there are more than COUNT_LIMIT (then `rows` is COUNT_LIMIT)."""
    counted = int(await watcher.reader.value(capped_count_statement(relation, COUNT_LIMIT)))
    return {'rows': min(counted, COUNT_LIMIT), 'rows_capped': counted > COUNT_LIMIT}


async def _events(stream: NumberedEvents, last_event_id: str | None, ndjson: bool, *,
                  release: Callable[[], Awaitable[None]] | None) -> AsyncIterator[str]:
    """The stream's events as SSE (or JSON lines) for one client, until it goes or falls too far behind."""
    def formatted(event: StreamEvent) -> str:
        if ndjson:
            return f'{{"id":{json.dumps(event.id)},"event":"{event.name}","data":{event.json}}}\n'
        return f'id: {event.id}\nevent: {event.name}\ndata: {event.json}\n\n'

    client = None
    try:
        with contextlib.suppress(TimeoutError):  # then the snapshot says what there is: nothing yet
            await asyncio.wait_for(stream.ready.wait(), FIRST_READ)
        client, first = stream.connect(last_event_id)
        yield '' if ndjson else f'retry: {RETRY_MS}\n\n'
        for event in first:
            yield formatted(event)
        while True:
            try:
                next_event = await asyncio.wait_for(client.get(), HEARTBEAT)
            except TimeoutError:
                yield '\n' if ndjson else ': keep-alive\n\n'
                continue
            if next_event is None:
                return
            yield formatted(next_event)
    finally:
        if client is not None:
            stream.disconnect(client)
        # In a task of its own: a response cancelled by its client's going may not await any more.
        if release is not None:
            background_tasks.create(_after(LINGER, release), name='release a change stream')


async def _after(seconds: float, call: Callable[[], Awaitable[None]]) -> None:
    await asyncio.sleep(seconds)
    await call()
