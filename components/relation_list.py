"""A database's tables and views with live row counts; the list follows schema changes."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.sources.query import Query
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.live.query_url import table_path
from eyelet_gui.state.live.watcher import Watcher

SHOWN_AT_MOST = 200
"""Entries on the page at once: each holds a live count, and a database may have thousands of tables."""


async def relation_list(watcher: Watcher) -> None:
    """One line per table or view: kind, name (a link to its live view), columns, key and row count."""
    shown: list[Relation] = []
    with Lifetime().classes('w-full nicegui-column') as lifetime:
        summary = ui.label().classes('text-sm').mark('relation-summary')
        name_filter = ui.input(placeholder='Filter by name').props('clearable dense outlined').classes('w-64')

        @ui.refreshable
        async def entries() -> None:
            try:
                relations = list((await watcher.relations()).values())
            except DatabaseProblem as problem:
                summary.set_text('')
                ui.label(str(problem)).classes('text-negative')
                return
            shown[:] = relations
            tables = sum(relation.kind == 'table' for relation in relations)
            summary.set_text(f'{tables:,} {"table" if tables == 1 else "tables"} · '
                             f'{len(relations) - tables:,} {"view" if len(relations) - tables == 1 else "views"}')
            name_filter.set_visibility(len(relations) > SHOWN_AT_MOST)
            if not relations:
                ui.label('This database has no tables or views yet.')
            wanted = (name_filter.value or '').casefold()
            matching = [relation for relation in relations if wanted in relation.name.casefold()]
            if len(matching) > SHOWN_AT_MOST:
                ui.label(f'Showing the first {SHOWN_AT_MOST:,} of {len(matching):,}; filter by name to find the '
                         'others.').classes('text-caption')
            # Each list holds its entries' live counts, let go of when a refresh replaces it.
            with Lifetime().classes('w-full max-w-4xl') as counting, \
                    ui.list().props('bordered separator').classes('w-full'):
                for relation in matching[:SHOWN_AT_MOST]:
                    _entry(counting, watcher, relation)

        await entries()

    async def follow_schema() -> None:
        try:
            relations = list((await watcher.relations()).values())
        except DatabaseProblem:
            relations = []
        if relations != shown:
            entries.refresh()

    name_filter.on_value_change(entries.refresh)
    lifetime.subscribe(watcher.changed, follow_schema)


def _entry(lifetime: Lifetime, watcher: Watcher, relation: Relation) -> None:
    query = Query(relation=relation.name, limit=0)  # counts only: no rows are read
    live = watcher.live.acquire(query)
    lifetime.on_end(lambda: watcher.live.release(query))
    with ui.item(on_click=lambda: ui.navigate.to(table_path(watcher.database.id, relation.name))) \
            .mark(f'relation-{relation.name}'):
        with ui.item_section().props('avatar'):
            ui.icon('table_chart' if relation.kind == 'table' else 'visibility')
        with ui.item_section():
            ui.item_label(relation.name).classes('text-weight-medium break-all')
            key = ', '.join(relation.key) if relation.key else 'rows keyed by content'
            ui.item_label(f'{relation.kind} · {len(relation.columns)} columns · key: {key}'
                          + (' · WITHOUT ROWID' if relation.without_rowid else '')).props('caption')
        with ui.item_section().props('side'):
            count = ui.item_label()

    def show_count() -> None:
        count.set_text(live.problem or f'{live.total:,} rows')

    show_count()
    lifetime.subscribe(live.delta, show_count)
    lifetime.subscribe(live.problem_changed, show_count)
