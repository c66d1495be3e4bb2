"""`/sessions`: every eyelet session of the last week, live; `/sessions/{id}/{session}`: one session told."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.components.eyelet import cells
from eyelet_gui.components.eyelet.attention_strip import SessionStateLine
from eyelet_gui.components.eyelet.session_timeline import session_view
from eyelet_gui.components.layout import breadcrumbs, frame, no_such_database
from eyelet_gui.components.live_grid import LiveGrid
from eyelet_gui.sources.query import Query
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.attention import session_page
from eyelet_gui.state.eyelet.sessions import SESSION_COLUMNS
from eyelet_gui.state.live.grid_feed import field_id

COLUMNS: dict[str, dict[str, Any]] = {
    'state': cells.STATE,
    'project_dir': cells.PROJECT,
    'branch': {'headerName': 'branch'},
    'session_id': cells.SESSION,
    'prompt': cells.WHAT | {'headerName': 'last prompt'},
    'prompts': {'type': 'rightAligned'},
    'calls': {'headerName': 'tool calls', 'type': 'rightAligned'},
    'failures': cells.FAILURES,
    'running': {'type': 'rightAligned'},
    'duration': cells.SECONDS | {'headerName': 'duration'},
    'last': cells.TIME | {'headerName': 'last activity'},
}


def _field(name: str) -> str:
    return field_id(SESSION_COLUMNS.index(name))


# On a phone: state · project · branch · last activity · counts (in the state's colour), then the last prompt.
COMPACT = cells.compact([cells.text_of(_field('state')), cells.folder_of(_field('project_dir')),
                         cells.text_of(_field('branch')), cells.time_of(_field('last')),
                         cells.count_of(_field('calls'), 'calls'), cells.count_of(_field('failures'), 'failed')],
                        _field('prompt'), colours=(_field('state'), cells.STATE_COLOURS))


def register(dashboard: Dashboard) -> None:
    @ui.page('/sessions')
    async def sessions_page() -> None:
        with frame('Sessions', dashboard.attention):
            breadcrumbs(('Databases', '/'), ('Sessions', None))
            ui.label('Sessions with an event in the last 7 days, newest activity first; click one for its '
                     'timeline.').classes('text-sm')
            grid = LiveGrid(dashboard.session_feeds, Query(relation='sessions'),
                            on_select=lambda key: ui.navigate.to(session_page(key)) if key else None,
                            on_sort=lambda _: None, column_options=lambda name: COLUMNS.get(name, {}), compact=COMPACT)
            await grid.draw_first_rows()

    @ui.page('/sessions/{database_id}/{session_id:path}')
    def timeline_page(database_id: str, session_id: str) -> None:
        watcher = dashboard.watchers.get(database_id)
        with frame(f'Session {session_id[:8]}', dashboard.attention):
            if watcher is None:
                no_such_database()
                return
            breadcrumbs(('Databases', '/'), ('Sessions', '/sessions'), (session_id, None))
            ui.label(f'{watcher.database.label} · {watcher.database.place}').classes('text-caption break-all')
            SessionStateLine(dashboard.attention, database_id, session_id)
            session_view(dashboard.session_timelines, database_id, session_id)
