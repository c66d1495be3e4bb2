"""The list of watched databases: what each is, where it lives, whether it can be read."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.newest_records import NewestRecords
from eyelet_gui.state.values import byte_size


def connection_list(dashboard: Dashboard) -> None:
    """One entry per watched database; entries appear as databases are added (the demo started from the page)."""

    @ui.refreshable
    def entries() -> None:
        with ui.list().props('bordered separator').classes('w-full rounded-borders'):
            for database in dashboard.catalog.databases:
                _entry(dashboard.records[database.id])

    entries()
    dashboard.catalog.added.subscribe(entries.refresh)


def _entry(records: NewestRecords) -> None:
    database = records.database
    with ui.item(on_click=lambda: ui.navigate.to(f'/db/{database.id}')).classes('w-full'):
        with ui.item_section().props('avatar'):
            icon = ui.icon('storage')
        with ui.item_section():
            ui.item_label(database.label).classes('text-weight-medium')
            ui.item_label(str(database.path)).props('caption').classes('break-all')
        with ui.item_section().props('side'):
            status = ui.item_label().classes('text-right')

    def show_status() -> None:
        health = records.watcher.health
        icon.props(f'color={"negative" if health.problem else "positive" if health.status == "live" else "grey"}')
        if health.problem:
            status.set_text(health.problem)
            return
        sizes = byte_size(health.file_size) + (f' + WAL {byte_size(health.wal_size)}' if health.wal_size else '')
        status.set_text(f'{health.status} · {records.summary} · {health.changes_per_minute} changes/min · {sizes}')

    show_status()
    records.changed.subscribe(show_status)
    records.watcher.changed.subscribe(show_status)
