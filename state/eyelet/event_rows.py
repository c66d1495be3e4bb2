"""eyelet records as people read them: each with its `what`, and each tool call's outcome and duration.

A window of records (the hook feed, the hooks table) keeps its records' JSON parsed once per record, by key:
a commit costs the parse of the records it added, not of the whole window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eyelet_gui.sources.eyelet.failure import failed
from eyelet_gui.state.eyelet.hook_events import input_data, what
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing, ToolCall
from eyelet_gui.state.live.diff import Delta, Row
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.merged_rows import MergedRows
from eyelet_gui.state.live.subscriptions import Subscriptions

DERIVED_COLUMNS = ('what', 'outcome')
"""Columns computed here, not stored: they cannot be filtered or sorted on in SQL."""


@dataclass(frozen=True, slots=True)
class RecordFacts:
    event: HookEvent
    what: str


def record_facts(values: dict[str, Any]) -> RecordFacts:
    """The facts of one `hooks` record given as {column: value}: what the tail's SQL (sources/eyelet/tail.py)
    gives for a record, found in Python from the whole record."""
    hook_type, tool, status = values.get('hook_type'), values.get('tool_name'), values.get('status')
    payload = input_data(values.get('data'))
    tool_use_id = payload.get('tool_use_id')
    notice = payload if hook_type == 'Notification' else {}
    event = HookEvent.from_row((values.get('id') or 0, values.get('timestamp'), values.get('session_id'), hook_type,
                                tool, values.get('project_dir'), values.get('duration_ms'), tool_use_id,
                                failed(hook_type, status, payload), None, None,
                                notice.get('notification_type'), notice.get('message')))
    return RecordFacts(event=event, what=what(hook_type, tool, payload))


def is_event_table(columns: tuple[str, ...]) -> bool:
    """Whether rows with these columns are eyelet `hooks` records."""
    return {'hook_type', 'tool_name', 'session_id', 'timestamp', 'data'} <= set(columns)


class FactsCache:
    """RecordFacts by row key, for the rows of one window: parsed once, forgotten when the row leaves."""

    def __init__(self) -> None:
        self._facts: dict[str, tuple[Row, RecordFacts]] = {}

    def facts(self, rows: list[tuple[str, Row]], columns: tuple[str, ...]) -> list[RecordFacts]:
        """The facts of `rows` (key, values in `columns` order), in order; only new or changed rows are parsed."""
        known, self._facts = self._facts, {}
        for key, row in rows:
            cached = known.get(key)
            self._facts[key] = cached if cached is not None and cached[0] == row \
                else (row, record_facts(dict(zip(columns, row, strict=False))))
        return [self._facts[key][1] for key, _ in rows]


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


SILENT_VALUES = (None, '', 'unknown')
MAY_BE_SILENT = ('status', 'duration_ms', 'error_code', 'git_branch')
"""Columns eyelet 0.3.5 never fills (`status` is `unknown`, the rest NULL on every record)."""


def readable_columns(columns: tuple[str, ...], rows: list[tuple[str, Row]]) -> tuple[str, ...]:
    """The columns to show: `what` and `outcome` after `tool_name`, without the columns that say nothing in
    `rows` (decided once per view, from its first window, so that columns do not come and go with each commit)."""
    silent = {name for name in MAY_BE_SILENT if name in columns
              and all(row[columns.index(name)] in SILENT_VALUES for _, row in rows)}
    shown = [name for name in columns if name not in silent]
    at = shown.index('tool_name') + 1
    return (*shown[:at], *DERIVED_COLUMNS, *shown[at:])


class ReadableRecords(MergedRows):
    """A live query's rows, and for eyelet's `hooks` each record's what and outcome; other tables pass through.

    The RowSource a table page's grid shows (state/live/grid_feed.py); `source` is the live query itself."""

    def __init__(self, source: LiveQuery) -> None:
        super().__init__(())
        self.source = source
        self._facts = FactsCache()
        self._follow(Delta(columns=source.columns))
        self._subscriptions = Subscriptions()
        self._subscriptions.add(source.delta, self._follow)
        self._subscriptions.add(source.problem_changed, self._problem)

    def close(self) -> None:
        self._subscriptions.release()

    def _problem(self) -> None:
        self.problem = self.source.problem
        self.problem_changed.emit()

    def _follow(self, delta: Delta) -> None:
        source = self.source
        self.problem = source.problem
        if not is_event_table(source.columns):
            self.columns, self.rows, self.total, self.matching = source.columns, source.rows, source.total, \
                source.matching
            self.delta.emit(delta)
            return
        facts = self._facts.facts(source.rows, source.columns)
        calls = pair_window([fact.event for fact in facts])
        complete = not (source.query.filters or source.query.search)
        if delta.columns is not None or not self.columns:
            self.columns, self.rows = readable_columns(source.columns, source.rows), []
        positions = {name: index for index, name in enumerate(source.columns)}
        entries: list[tuple[Any, str, Row]] = []
        for index, ((key, row), fact) in enumerate(zip(source.rows, facts, strict=True)):
            outcome, _ = outcome_cells(calls.get(index), complete=complete)
            derived = {'what': fact.what, 'outcome': outcome}
            entries.append((-index, key, tuple(derived[name] if name in derived else row[positions[name]]
                                               for name in self.columns)))
        if delta.columns is not None:  # the grids rebuild from `rows`
            self.rows = [(key, row) for _, key, row in entries]
            self.total, self.matching = source.total, source.matching
            self.delta.emit(Delta(added=tuple((i, key, row) for i, (key, row) in enumerate(self.rows)),
                                  columns=self.columns, total=self.total, matching=self.matching))
            return
        # Sorted by -index: the live query's own order, whatever its sort.
        self.publish(entries, len(entries), source.total, source.matching)
