"""What a grid shows, kept as a window of keyed rows: each new window is published as the delta from the last."""

from __future__ import annotations

from nicegui import Event

from eyelet_gui.state.live.diff import Delta, Row, diff


class RowWindow:
    """The RowSource side (state/live/grid_feed.py) of a live query, a merged feed or an SQL statement's result."""

    def __init__(self, columns: tuple[str, ...] = ()) -> None:
        self.columns = columns
        self.rows: list[tuple[str, Row]] = []
        """The window, in order: (key, values) pairs."""
        self.total = 0
        self.matching = 0
        self.problem: str | None = None
        """Why the window cannot be read right now, in words; None when it can."""
        self.delta: Event[Delta] = Event()
        """Fired with each change to the window or the counts; a reset (new columns) carries `columns`."""
        self.problem_changed: Event[[]] = Event()
        self._shown = False

    def show(self, columns: tuple[str, ...], rows: list[tuple[str, Row]], total: int, matching: int) -> None:
        """Make these the window and emit what changed: every row anew when the columns did, else the diff, if
        anything changed (the first time, always: even no rows is news)."""
        if columns != self.columns:
            self.columns, self.rows, self.total, self.matching, self._shown = columns, rows, total, matching, True
            self.delta.emit(Delta(added=tuple((i, key, row) for i, (key, row) in enumerate(rows)),
                                  columns=columns, total=total, matching=matching))
            return
        added, updated, removed = diff(self.rows, rows)
        if added or updated or removed or (total, matching) != (self.total, self.matching) or not self._shown:
            self.rows, self.total, self.matching, self._shown = rows, total, matching, True
            self.delta.emit(Delta(added=added, updated=updated, removed=removed, total=total, matching=matching))

    def set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            self.problem = problem
            self.problem_changed.emit()
