"""The list of watched databases: what each is, where it lives, its state and activity, ticking."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nicegui import ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.sparkline import sparkline, sparkline_svg
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.live.newest_records import NewestRecords
from eyelet_gui.state.live.values import age_text, byte_size

TICK = 1.0
"""Seconds between two showings of an entry caused by commits (a burst), and between two ticks of its age."""
STATUS_COLOURS = {'live': 'positive', 'idle': 'primary', 'stale': 'grey', 'starting': 'grey', 'missing': 'warning',
                  'locked': 'warning', 'error': 'negative'}


def connection_list(dashboard: Dashboard) -> None:
    """One entry per watched database; clicking one opens that database's page."""
    with Lifetime().classes('w-full') as lifetime:
        with ui.list().props('bordered separator').classes('w-full rounded-borders'):
            refreshers = [_entry(lifetime, dashboard.records[database.id]) for database in dashboard.catalog.databases]

        def tick() -> None:
            for refresh in refreshers:
                refresh()

        ui.timer(TICK, tick)  # a per-page cosmetic: the ages tick; the figures come from the app-level watchers


def _entry(lifetime: Lifetime, records: NewestRecords) -> Callable[[], None]:
    """Build one entry, following its database while `lifetime` lasts; return the function that shows it."""
    database = records.database
    records.acquire()  # the summary (which table, how many rows) comes from the records
    lifetime.on_end(records.release)
    # Wraps on a phone: the status goes below the name instead of squeezing it.
    with ui.item(on_click=lambda: ui.navigate.to(f'/db/{database.id}')).classes('w-full flex-wrap') \
            .mark(f'connection-{database.id}'):
        with ui.item_section().props('avatar'):
            badge = ui.badge().props('rounded')
        with ui.item_section().classes('min-w-[14rem]'):
            ui.item_label(database.label).classes('text-weight-medium')
            ui.item_label(database.place).props('caption').classes('break-all')
        with ui.item_section().props('side').classes('w-full sm:w-auto items-start sm:items-end pl-14 sm:pl-4'):
            status = ui.item_label().classes('sm:text-right')
            with ui.row().classes('items-center gap-2 no-wrap'):
                activity = ui.item_label().props('caption').classes('sm:text-right')
                spark = sparkline().tooltip('changes per minute, last 30 minutes')

    def show() -> None:
        health = records.watcher.health
        badge.set_text(health.status)
        badge.props(f'color={STATUS_COLOURS[health.status]}')
        if health.problem:
            status.set_text(health.problem)
            activity.set_text('')
            return
        status.set_text(f'{records.kind or "reading"} · {records.summary}')
        age = None if health.last_commit_at is None else time.time() - health.last_commit_at
        if records.database.engine.has_files:
            sizes = byte_size(health.file_size) + (f' + WAL {byte_size(health.wal_size)}' if health.wal_size else '')
            activity.set_text(f'last commit {age_text(age)} · {health.changes_per_minute} changes/min · {sizes}')
        else:  # PostgreSQL says nothing of its last commit, nor of one database's size, to a read-only role
            last = 'none seen since start' if age is None else age_text(age)
            activity.set_text(f'last commit {last} · {health.changes_per_minute} changes/min')
        spark.set_content(sparkline_svg(records.watcher.activity.per_minute(time.time())))

    shown_at = [-TICK]
    later: list[asyncio.TimerHandle | None] = [None]

    def show_and_note() -> None:
        later[0], shown_at[0] = None, time.monotonic()
        show()

    def commit_seen(*_: object) -> None:
        # A commit after a quiet second shows at once, a burst at most once a second: each showing re-renders
        # the entry's texts, 20 updates a second at 10 commits a second.
        if later[0] is None:
            later[0] = asyncio.get_running_loop().call_later(shown_at[0] + TICK - time.monotonic(), show_and_note)

    def stop_waiting() -> None:
        if later[0] is not None:
            later[0].cancel()

    lifetime.on_end(stop_waiting)
    show()
    lifetime.subscribe(records.changed, commit_seen)
    lifetime.subscribe(records.watcher.changed, commit_seen)
    return show  # for the tick: ages are not changes, a commit after a quiet second still shows at once
