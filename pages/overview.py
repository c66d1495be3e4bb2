"""`/`: the watched databases and the newest records of each."""

from __future__ import annotations

import dataclasses

from fastapi import Request
from nicegui import ui

from eyelet_gui.components.connection_list import connection_list
from eyelet_gui.components.eyelet.charts import charts
from eyelet_gui.components.eyelet.hook_feed import hook_feed
from eyelet_gui.components.eyelet.search_progress import search_progress
from eyelet_gui.components.layout import frame, problem_card
from eyelet_gui.components.records_table import records_card
from eyelet_gui.components.table_view import TableView
from eyelet_gui.sources.eyelet.facts import EVENT_TABLE
from eyelet_gui.sources.query import Query
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.hook_feed import FEED_LIMIT
from eyelet_gui.state.live.query_url import UrlProblem, query_from_params


def register(dashboard: Dashboard) -> None:
    @ui.page('/')
    async def overview(request: Request) -> None:
        with frame('Databases', dashboard.attention):
            try:
                query = query_from_params(EVENT_TABLE, request.query_params)
            except UrlProblem as problem:
                problem_card('This link does not describe a view', str(problem), status=400)
                return
            if 'limit' not in request.query_params:
                query = dataclasses.replace(query, limit=FEED_LIMIT)
            search_progress(dashboard.discovery)
            content = _Content(dashboard, query)
            if content.feed is not None:
                await content.feed.grid.draw_first_rows()
        dashboard.catalog.added.subscribe(content.database_added)
        dashboard.discovery.finished.subscribe(content.searched)


class _Content:
    """What `/` shows below the search progress. A database added later changes only the parts that list
    databases: the hook feed and the charts take it in by themselves, keeping the feed's filters and place."""

    def __init__(self, dashboard: Dashboard, query: Query) -> None:
        self.dashboard = dashboard
        self.query = query
        self.empty = True
        self.feed: TableView | None = None
        self.build()

    @ui.refreshable_method
    def build(self) -> None:
        self.empty = not self.dashboard.catalog.databases
        if self.empty:
            if not self.dashboard.discovery.searching:
                _nothing_found(self.dashboard)
            return
        self.databases()
        with ui.card().classes('w-full'):
            ui.label('Live hook feed').classes('text-h6')
            self.feed = hook_feed(self.dashboard.hook_feeds, self.query)
        charts(self.dashboard.charts)
        self.records()

    @ui.refreshable_method
    def databases(self) -> None:
        connection_list(self.dashboard)

    @ui.refreshable_method
    def records(self) -> None:
        for database in self.dashboard.catalog.databases:
            records_card(self.dashboard.records[database.id], self.dashboard.feeds[database.id])

    def database_added(self) -> None:
        if self.empty:
            self.build.refresh()
        else:
            self.databases.refresh()
            self.records.refresh()

    def searched(self) -> None:
        if self.empty:
            self.build.refresh()  # "nothing found" replaces the empty page


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
