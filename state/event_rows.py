"""eyelet records as people read them: each with its `what`, and each tool call's outcome and duration.

A window of records (the hook feed, the hooks table) keeps its records' JSON parsed once per record, by key:
a commit costs the parse of the records it added, not of the whole window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eyelet_gui.state.diff import Row
from eyelet_gui.state.hook_events import FAILED_STATUSES, failure_text, input_data, what
from eyelet_gui.state.tool_calls import HookEvent, Pairing, ToolCall

EVENT_COLUMNS = ('id', 'timestamp', 'session_id', 'hook_type', 'tool_name', 'project_dir', 'status', 'duration_ms',
                 'data')
"""The columns of eyelet's `hooks` a record's facts come from."""
DERIVED_COLUMNS = ('what', 'outcome')
"""Columns computed here, not stored: they cannot be filtered or sorted on in SQL."""


@dataclass(frozen=True, slots=True)
class RecordFacts:
    event: HookEvent
    what: str


def record_facts(values: dict[str, Any]) -> RecordFacts:
    """The facts of one `hooks` record given as {column: value}."""
    hook_type, tool, status = values.get('hook_type'), values.get('tool_name'), values.get('status')
    payload = input_data(values.get('data'))
    tool_use_id = payload.get('tool_use_id')
    failed = hook_type == 'PostToolUseFailure' or status in FAILED_STATUSES \
        or (hook_type == 'PostToolUse' and failure_text(payload) is not None)
    duration = values.get('duration_ms')
    event = HookEvent(id=values.get('id') or 0, at=float(values.get('timestamp') or 0),
                      session=str(values.get('session_id') or ''), hook_type=str(hook_type or ''), tool=tool or None,
                      project=values.get('project_dir'),
                      duration_ms=duration if isinstance(duration, int | float) else None,
                      tool_use_id=tool_use_id if isinstance(tool_use_id, str) and tool_use_id else None, failed=failed)
    return RecordFacts(event=event, what=what(hook_type, tool, payload))


def is_event_table(columns: tuple[str, ...]) -> bool:
    """Whether rows with these columns are eyelet `hooks` records."""
    return {'hook_type', 'tool_name', 'session_id', 'timestamp', 'data'} <= set(columns)


class FactsCache:
    """RecordFacts by row key, for the rows of one window: parsed once, forgotten when the row leaves."""

    def __init__(self) -> None:
        self._facts: dict[str, RecordFacts] = {}

    def facts(self, rows: list[tuple[str, Row]], columns: tuple[str, ...]) -> list[RecordFacts]:
        """The facts of `rows` (key, values in `columns` order), in order; only new keys are parsed."""
        known, self._facts = self._facts, {}
        for key, row in rows:
            self._facts[key] = known.get(key) or record_facts(dict(zip(columns, row, strict=False)))
        return [self._facts[key] for key, _ in rows]


def pair_window(events: list[HookEvent]) -> dict[int, ToolCall]:
    """Each tool-call record of a window (any order) by its position, with the call it began or ended."""
    order = sorted(range(len(events)), key=lambda position: (events[position].at, events[position].id))
    pairing = Pairing()
    calls: dict[int, ToolCall] = {}
    for position in order:
        for call in pairing.add(events[position]):
            if events[position].hook_type != 'SessionEnd':
                calls[position] = call
    return calls


def outcome_cells(call: ToolCall | None, *, complete: bool) -> tuple[str, float | None]:
    """(outcome, duration ms) for a record's cells. In a window that does not hold every record (filtered),
    a call without its end in the window may well have ended: it shows no outcome rather than `running`."""
    if call is None or (call.outcome == 'running' and not complete):
        return '', None
    duration = call.duration_ms
    return call.outcome, None if duration is None else round(duration)
