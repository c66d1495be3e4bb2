"""Exports in progress, so that the tab that asked for one can show how far it has got."""

from __future__ import annotations

from nicegui import Event


class Exports:
    """`progress` fires with (export id, rows written so far, finished) as each export streams."""

    def __init__(self) -> None:
        self.progress: Event[str, int, bool] = Event()

    def report(self, export_id: str, rows: int, *, finished: bool = False) -> None:
        self.progress.emit(export_id, rows, finished)
