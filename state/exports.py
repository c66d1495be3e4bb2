"""Exports in progress, so that the tab that asked for one can show how far it has got."""

from __future__ import annotations

from nicegui import Event


class Exports:
    """Rows written so far per export id; `progress` fires with (export id, rows, finished)."""

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.progress: Event[str, int, bool] = Event()

    def report(self, export_id: str, rows: int, *, finished: bool = False) -> None:
        if finished:
            self.rows.pop(export_id, None)
        else:
            self.rows[export_id] = rows
        self.progress.emit(export_id, rows, finished)
