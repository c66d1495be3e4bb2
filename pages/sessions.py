"""`/sessions`: every eyelet session of the last week, live; `/sessions/{id}/{session}`: one session told."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from nicegui import ui

from eyelet_gui.components.layout import breadcrumbs, frame, problem_card
from eyelet_gui.components.live_grid import LiveGrid
from eyelet_gui.components.session_timeline import session_view
from eyelet_gui.sources.query import Query
from eyelet_gui.state.dashboard import Dashboard

TIME = "(p) => p.value ? new Date(Number(p.value) * 1000).toLocaleString() : ''"
COLUMNS: dict[str, dict[str, Any]] = {
    'project_dir': {'headerName': 'project', ':valueFormatter': "(p) => (p.value || '').split('/').pop()"},
    'session_id': {'headerName': 'session'},
    'first': {'headerName': 'first event', ':valueFormatter': TIME},
    'last': {'headerName': 'last event', ':valueFormatter': TIME},
    'events': {'type': 'rightAligned'},
    'errors': {'type': 'rightAligned', ':cellStyle': "(p) => Number(p.value) > 0 ? { color: '#e53935' } : null"},
    'span': {'headerName': 'span', 'type': 'rightAligned',
             ':valueFormatter': "(p) => { const s = Number(p.value); return s < 60 ? s.toFixed(0) + ' s' : "
                                "s < 3600 ? (s / 60).toFixed(1) + ' min' : (s / 3600).toFixed(1) + ' h'; }"},
}


def session_path(key: str) -> str:
    database_id, session_id = key.split(':', 1)
    return f'/sessions/{database_id}/{quote(session_id, safe="")}'


def register(dashboard: Dashboard) -> None:
    @ui.page('/sessions')
    def sessions_page() -> None:
        with frame('Sessions'):
            breadcrumbs(('Databases', '/'), ('Sessions', None))
            ui.label('Sessions with an event in the last 7 days, newest activity first; click one for its '
                     'timeline.').classes('text-sm')
            LiveGrid(dashboard.session_feeds, Query(relation='sessions'),
                     on_select=lambda key: ui.navigate.to(session_path(key)) if key else None,
                     on_sort=lambda _: None, column_options=lambda name: COLUMNS.get(name, {}))

    @ui.page('/sessions/{database_id}/{session_id:path}')
    def timeline_page(database_id: str, session_id: str) -> None:
        watcher = dashboard.watchers.get(database_id)
        with frame(f'Session {session_id[:8]}'):
            if watcher is None:
                problem_card('No such database', 'This link names a database that eyelet-gui is not watching.')
                return
            breadcrumbs(('Databases', '/'), ('Sessions', '/sessions'), (session_id, None))
            ui.label(f'{watcher.database.label} · {watcher.database.path}').classes('text-caption break-all')
            session_view(dashboard.session_timelines, database_id, session_id)
