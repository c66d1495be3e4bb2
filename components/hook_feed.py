"""The live hook feed on `/`: every eyelet database's newest hook events in one live table, coloured."""

from __future__ import annotations

from typing import Any

from eyelet_gui.components.table_view import TableView, view_url
from eyelet_gui.sources.query import Query
from eyelet_gui.state.hook_feed import DEFAULT_FEED, HookFeeds

# Constant JavaScript only: cell values are looked up in these maps, never evaluated.
HOOK_COLOURS = ("{PreToolUse: '#1e88e5', PostToolUse: '#43a047', UserPromptSubmit: '#8e24aa', Notification: '#fb8c00',"
                " Stop: '#546e7a', SubagentStop: '#6d4c41', PreCompact: '#00897b', SessionStart: '#3949ab',"
                " SessionEnd: '#3949ab'}")
COLUMNS: dict[str, dict[str, Any]] = {
    'timestamp': {'headerName': 'time', 'minWidth': 160,
                  ':valueFormatter': "(p) => p.value ? new Date(Number(p.value) * 1000).toLocaleString() : ''"},
    'project_dir': {'headerName': 'project',
                    ':valueFormatter': "(p) => (p.value || '').split('/').filter(Boolean).pop() || ''"},
    'session_id': {'headerName': 'session', ':valueFormatter': "(p) => (p.value || '').slice(0, 8)"},
    'hook_type': {'headerName': 'hook', ':cellStyle': f"(p) => ({{ color: ({HOOK_COLOURS})[p.value] || null,"
                                                      " fontWeight: 500 })"},
    'tool_name': {'headerName': 'tool'},
    'status': {'headerName': 'status', ':cellStyle': "(p) => p.value === 'error' ? { color: '#e53935' } : null"},
    'duration_ms': {'headerName': 'ms', 'type': 'rightAligned'},
    'error_code': {'headerName': 'error', ':cellStyle': "() => ({ color: '#e53935' })"},
}


def hook_feed(feeds: HookFeeds, query: Query | None = None) -> TableView:
    """Newest hook events first across all eyelet databases; filters and search are live queries in each."""
    return TableView(feeds, query or DEFAULT_FEED, view_url('/'), paged=False,
                     sortable=False, column_options=lambda name: COLUMNS.get(name, {}))
