"""A database's tables and views with live row counts; the list follows schema changes."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.sources.query import Query
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.sources.schema import Relation
from eyelet_gui.state.query_url import table_path
from eyelet_gui.state.watcher import Watcher

SHOWN_AT_MOST = 200
"""Entries on the page at once: each holds a live count, and a database may have thousands of tables."""


async def relation_list(watcher: Watcher) -> None:
    """One line per table or view: kind, name (a link to its live view), columns, key and row count."""
    shown: list[Relation] = []
    counting: list[Query] = []
    summary = ui.label().classes('text-sm').mark('relation-summary')
    name_filter = ui.input(placeholder='Filter by name').props('clearable dense outlined').classes('w-64')

    async def release_all() -> None:
        for query in counting:
            await watcher.release(query)
        counting.clear()

    @ui.refreshable
    async def entries() -> None:
        await release_all()
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
            ui.label(f'Showing the first {SHOWN_AT_MOST:,} of {len(matching):,}; filter by name to find the others.') \
                .classes('text-caption')
        with ui.list().props('bordered separator').classes('w-full max-w-4xl'):
            for relation in matching[:SHOWN_AT_MOST]:
                query = Query(relation=relation.name, limit=0)  # counts only: no rows are read
                counting.append(query)
                _entry(watcher, relation, query)

    async def follow_schema() -> None:
        try:
            relations = list((await watcher.relations()).values())
        except DatabaseProblem:
            relations = []
        if relations != shown:
            entries.refresh()

    await entries()
    name_filter.on_value_change(entries.refresh)
    watcher.changed.subscribe(follow_schema)
    ui.context.client.on_delete(release_all)


def _entry(watcher: Watcher, relation: Relation, query: Query) -> None:
    live = watcher.subscribe(query)
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
    live.delta.subscribe(show_count)
    live.problem_changed.subscribe(show_count)
