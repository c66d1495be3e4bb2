"""Column definitions shared by the grids of eyelet records: time, duration, outcome, project, session.

Constant JavaScript only: cell values are formatted or looked up, never evaluated.
"""

from __future__ import annotations

from typing import Any

# `12:04:31` today, with the date before it on other days; the age and the whole date on hover.
TIME: dict[str, Any] = {
    'headerName': 'time', 'minWidth': 90,
    ':valueFormatter': "(p) => { if (!p.value || isNaN(Number(p.value))) return p.value || '';"
                       " const d = new Date(Number(p.value) * 1000);"
                       " const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit',"
                       " second: '2-digit', hour12: false });"
                       " return d.toDateString() === new Date().toDateString() ? time"
                       " : d.toLocaleDateString() + ' ' + time; }",
    ':tooltipValueGetter': "(p) => { if (!p.value || isNaN(Number(p.value))) return p.value || '';"
                           " const s = Date.now() / 1000 - Number(p.value);"
                           " const age = s < 2 ? 'just now' : s < 60 ? Math.floor(s) + ' s ago'"
                           " : s < 3600 ? Math.floor(s / 60) + ' min ago' : s < 86400 ? Math.floor(s / 3600)"
                           " + ' h ago' : Math.floor(s / 86400) + ' days ago';"
                           " return age + ' · ' + new Date(Number(p.value) * 1000).toLocaleString(); }",
}
DURATION_MS: dict[str, Any] = {
    'headerName': 'duration', 'type': 'rightAligned', 'minWidth': 80,
    ':valueFormatter': "(p) => { if (p.value === '' || p.value == null) return ''; const ms = Number(p.value);"
                       " return ms < 1000 ? ms.toFixed(0) + ' ms' : ms < 60000 ? (ms / 1000).toFixed(1) + ' s'"
                       " : (ms / 60000).toFixed(1) + ' min'; }",
}
SECONDS: dict[str, Any] = {
    'type': 'rightAligned',
    ':valueFormatter': "(p) => { const s = Number(p.value); return s < 60 ? s.toFixed(0) + ' s' : "
                       "s < 3600 ? (s / 60).toFixed(1) + ' min' : (s / 3600).toFixed(1) + ' h'; }",
}
OUTCOME_COLOURS = "{failed: '#e53935', running: '#1e88e5', abandoned: '#fb8c00', ended: '#757575', quiet: '#757575'}"
OUTCOME: dict[str, Any] = {
    'headerName': 'outcome', 'minWidth': 80,
    ':cellStyle': f"(p) => ({{ color: ({OUTCOME_COLOURS})[p.value] || null, fontWeight: 500 }})",
}
PROJECT: dict[str, Any] = {
    'headerName': 'project', ':valueFormatter': "(p) => (p.value || '').split('/').filter(Boolean).pop() || ''",
    ':tooltipValueGetter': '(p) => p.value',
}
SESSION: dict[str, Any] = {
    'headerName': 'session', ':valueFormatter': "(p) => (p.value || '').slice(0, 8)",
    ':tooltipValueGetter': '(p) => p.value',
}
WHAT: dict[str, Any] = {'headerName': 'what', 'minWidth': 200, ':tooltipValueGetter': '(p) => p.value'}
FAILURES: dict[str, Any] = {'type': 'rightAligned',
                            ':cellStyle': "(p) => Number(p.value) > 0 ? { color: '#e53935' } : null"}

RECORDS: dict[str, dict[str, Any]] = {'timestamp': TIME, 'what': WHAT, 'outcome': OUTCOME}
"""For eyelet's `hooks` table page: the record's time, what and outcome read like the feed's."""
