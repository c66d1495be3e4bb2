"""Column definitions shared by the grids of eyelet records: time, duration, outcome, project, session.

Constant JavaScript only: cell values are formatted or looked up, never evaluated.
"""

from __future__ import annotations

import json
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
STATE_COLOURS: dict[str, str] = {'needs your permission': '#f57c00', 'waiting for your input': '#1e88e5',
                                  'failing': '#e53935', 'quiet': '#757575', 'ended': '#757575', 'idle': '#757575'}
"""A session's state, in words, by colour: the three that need you as the attention strip shows them (amber, blue,
red: each still readable on the dark and the light background), the ones at rest grey."""
STATE: dict[str, Any] = {
    'headerName': 'state', 'minWidth': 180,
    ':cellStyle': f"(p) => ({{ color: ({STATE_COLOURS!r})[p.value] || null, fontWeight: 500 }})",
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

RECORDS: dict[str, dict[str, Any]] = {
    'timestamp': {name: value for name, value in TIME.items() if name != 'headerName'}, 'what': WHAT,
    'outcome': OUTCOME}
"""For eyelet's `hooks` table page: the record's time, what and outcome read like the feed's (the stored column
keeps its name, and its sort arrow, in the header)."""


def time_of(field: str) -> str:
    """JavaScript for a compact line's time (`12:04:31`) from row field `field`."""
    return f"(d.{field} ? new Date(Number(d.{field}) * 1000).toLocaleTimeString([], {{ hour12: false }}) : '')"


def text_of(field: str) -> str:
    """JavaScript for a compact line's text from row field `field`."""
    return f"(d.{field} || '')"


def folder_of(field: str) -> str:
    """JavaScript for the last folder of the path in row field `field` (a project's name)."""
    return f"((d.{field} || '').split('/').filter(Boolean).pop() || '')"


def count_of(field: str, label: str) -> str:
    """JavaScript for `3 failed` from row field `field`; nothing when it is 0."""
    return f"(Number(d.{field}) > 0 ? d.{field} + {' ' + label!r} : '')"


def compact(head: list[str], body: str, *, colours: tuple[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """A column that shows a row as two lines of text: `head` (JavaScript expressions over the row `d`, joined by
    ` · `, in the colour that colours[1] gives field colours[0]'s value, if any) and the text of field `body`. Built
    from text nodes only: nothing in a row is read as markup. For LiveGrid's `compact`, the phone-width list."""
    colour = "null" if colours is None else f'({json.dumps(colours[1])})[d.{colours[0]}]'
    return {':cellRenderer': f"""(p) => {{
      const d = p.data, line = (text, style) => {{
        const div = document.createElement('div'); div.textContent = text; div.style.cssText = style; return div; }};
      const box = document.createElement('div');
      const colour = {colour};
      box.append(line([{', '.join(head)}].filter(Boolean).join(' · '),
                      'white-space: normal; ' + (colour ? 'color: ' + colour : 'font-weight: 500')),
                 line(d.{body}, 'white-space: normal; word-break: break-word; opacity: 0.85'));
      box.style.cssText = 'line-height: 1.35; padding: 4px 0';
      return box;
    }}"""}
