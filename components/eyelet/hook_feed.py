"""The live hook feed on `/`: every eyelet database's newest hook events in one live table, coloured."""

from __future__ import annotations

from typing import Any

from eyelet_gui.components.eyelet import cells
from eyelet_gui.components.table_view import TableView, view_url
from eyelet_gui.sources.query import Query
from eyelet_gui.state.eyelet.hook_feed import DEFAULT_FEED, FEED_COLUMNS, HookFeeds
from eyelet_gui.state.live.grid_feed import field_id

# Constant JavaScript only: cell values are looked up in these maps, never evaluated.
HOOK_COLOURS = ("{PreToolUse: '#1e88e5', PostToolUse: '#43a047', UserPromptSubmit: '#8e24aa', Notification: '#fb8c00',"
                " Stop: '#546e7a', SubagentStop: '#6d4c41', PreCompact: '#00897b', SessionStart: '#3949ab',"
                " SessionEnd: '#3949ab', PostToolUseFailure: '#e53935'}")
COLUMNS: dict[str, dict[str, Any]] = {
    'timestamp': cells.TIME,
    'project_dir': cells.PROJECT,
    'session_id': cells.SESSION,
    'hook_type': {'headerName': 'hook', ':cellStyle': f"(p) => ({{ color: ({HOOK_COLOURS})[p.value] || null,"
                                                      " fontWeight: 500 })"},
    'tool_name': {'headerName': 'tool'},
    'what': cells.WHAT,
    'outcome': cells.OUTCOME,
    'duration_ms': cells.DURATION_MS,
}


def _field(name: str) -> str:
    return field_id(FEED_COLUMNS.index(name))


# On a phone: one column, two lines per record: time · hook · tool · outcome, then what.
COMPACT = cells.compact([cells.time_of(_field('timestamp')), cells.text_of(_field('hook_type')),
                         cells.text_of(_field('tool_name')), cells.text_of(_field('outcome'))],
                        _field('what'), colours=(_field('outcome'), {'failed': '#e53935'}))


def hook_feed(feeds: HookFeeds, query: Query | None = None) -> TableView:
    """Newest hook events first across all eyelet databases; filters and search are live queries in each."""
    return TableView(feeds, query or DEFAULT_FEED, view_url('/'), paged=False,
                     sortable=False, column_options=lambda name: COLUMNS.get(name, {}), compact=COMPACT)
