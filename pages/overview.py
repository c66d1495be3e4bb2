"""`/`: the watched databases and the newest records of each."""

from __future__ import annotations

import dataclasses

from fastapi import Request
from nicegui import ui

from eyelet_gui.components.charts import charts
from eyelet_gui.components.connection_list import connection_list
from eyelet_gui.components.hook_feed import hook_feed
from eyelet_gui.components.layout import frame, problem_card
from eyelet_gui.components.records_table import records_table
from eyelet_gui.components.search_progress import search_progress
from eyelet_gui.sources.query import Query
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.hook_feed import FEED_LIMIT
from eyelet_gui.state.newest_records import NewestRecords
from eyelet_gui.state.query_url import UrlProblem, query_from_params, table_path


def register(dashboard: Dashboard) -> None:
    @ui.page('/')
    def overview(request: Request) -> None:
        with frame('Databases'):
            try:
                query = query_from_params('hooks', request.query_params)
            except UrlProblem as problem:
                problem_card('This link does not describe a view', str(problem))
                return
            if 'limit' not in request.query_params:
                query = dataclasses.replace(query, limit=FEED_LIMIT)
            search_progress(dashboard.discovery)
            refreshable = ui.refreshable(_content)
            refreshable(dashboard, query)

        def rebuild() -> None:
            """When a database is added; rows change live inside the content."""
            refreshable.refresh()

        def searched() -> None:
            if not dashboard.catalog.databases:
                refreshable.refresh()  # "nothing found" replaces the empty page

        dashboard.catalog.added.subscribe(rebuild)
        dashboard.discovery.finished.subscribe(searched)


def _content(dashboard: Dashboard, query: Query) -> None:
    if not dashboard.catalog.databases:
        if not dashboard.discovery.searching:
            _nothing_found(dashboard)
        return
    connection_list(dashboard)
    with ui.card().classes('w-full'):
        ui.label('Live hook feed').classes('text-h6')
        hook_feed(dashboard.hook_feeds, query)
    charts(dashboard.charts)
    for database in dashboard.catalog.databases:
        records = dashboard.records[database.id]
        card = ui.card().classes('w-full')
        with card:
            with ui.row().classes('w-full items-baseline justify-between'):
                ui.label(f'{database.label} — newest records').classes('text-h6')
                link = ui.link('open the live table', '').classes('text-sm')
            records_table(records, dashboard.feeds[database.id])

        def point(link: ui.link = link, records: NewestRecords = records, card: ui.card = card) -> None:
            name = records.live.query.relation if records.live else None
            card.set_visibility(records.kind == 'SQLite')  # eyelet's records are in the hook feed above
            link.set_visibility(name is not None)
            link.props(f'href={table_path(records.database.id, name or "")}')

        point()
        records.changed.subscribe(point)


def _nothing_found(dashboard: Dashboard) -> None:
    roots = ', '.join(str(root) for root in dashboard.settings.search_roots) or 'the default places'
    with ui.card().classes('w-full max-w-2xl'):
        ui.label('No eyelet database found').classes('text-h6')
        ui.label(f'eyelet-gui looked in {roots}. Start it with the path of a SQLite file or a folder, '
                 'for example `eyelet-gui ~/code/my-project`, or watch a live demo now.')

        async def start_demo() -> None:
            button.disable()
            await dashboard.start_demo()  # the page's content is rebuilt when the demo database is added

        button = ui.button('Start the demo', icon='play_arrow', on_click=start_demo)
