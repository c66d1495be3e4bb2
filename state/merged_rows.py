"""A row source assembled from several databases: each refresh merges their rows and publishes the delta."""

from __future__ import annotations

from typing import Any

from nicegui import Event

from eyelet_gui.state.diff import Delta, Row, diff


class MergedRows:
    """The RowSource side (like a LiveQuery's) of a window merged across databases, keyed `<database id>:<key>`."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.rows: list[tuple[str, Row]] = []
        self.total = 0
        self.matching = 0
        self.problem: str | None = None
        """Always None: a database that cannot be read is left out, and the connection list says why."""
        self.delta: Event[Delta] = Event()
        self.problem_changed: Event[[]] = Event()
        self._published = False

    def publish(self, entries: list[tuple[Any, str, Row]], limit: int, total: int, matching: int) -> None:
        """Keep the `limit` entries with the largest sort values ((sort value, key, row) each), newest first, and
        emit what changed since the last publication, if anything did (the first, always: even no rows is news)."""
        entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        new = [(key, row) for _, key, row in entries[:limit]]
        added, updated, removed = diff(self.rows, new)
        if added or updated or removed or (total, matching) != (self.total, self.matching) or not self._published:
            self._published = True
            self.rows, self.total, self.matching = new, total, matching
            self.delta.emit(Delta(added=added, updated=updated, removed=removed, total=total, matching=matching))
