"""`/db/{id}/table/{name}`: one table or view, live, with its filters and sort in the query string."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi import Request
from nicegui import ui

from eyelet_gui.components.eyelet import cells
from eyelet_gui.components.layout import breadcrumbs, frame, no_such_database, problem_card
from eyelet_gui.components.table_view import TableView, view_url
from eyelet_gui.sources.eyelet.facts import event_table
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.live.query_url import UrlProblem, query_from_params, query_string, table_path


def register(dashboard: Dashboard) -> None:
    @ui.page('/db/{database_id}/table/{name:path}')
    async def table_page(database_id: str, name: str, request: Request) -> None:
        database = dashboard.catalog.find(database_id)
        with frame(name, dashboard.attention):
            if database is None:
                no_such_database()
                return
            try:
                query = query_from_params(name, request.query_params)
            except UrlProblem as problem:
                problem_card('This link does not describe a view', str(problem), status=400)
                return
            breadcrumbs(('Databases', '/'), (database.label, f'/db/{database.id}'), (name, None))
            def export(kind: str) -> None:
                export_id = uuid.uuid4().hex
                notification = ui.notification(f'Exporting {name} as {kind.upper()}…', spinner=True, timeout=None)

                def progress(which: str, rows: int, finished: bool) -> None:
                    if which != export_id:
                        return
                    notification.message = f'{"Exported" if finished else "Exporting"} {rows:,} rows of {name}'
                    if finished:
                        notification.spinner = False
                        notification.timeout = 3
                        dashboard.exports.progress.unsubscribe(progress)  # one click, one subscription, ended

                dashboard.exports.progress.subscribe(progress)  # ended with the tab if the export never finishes
                separator = '&' if query_string(view.query) else '?'
                ui.download.from_url(f'/export/{database.id}/{kind}/{quote(name, safe="")}'
                                     f'{query_string(view.query)}{separator}export={export_id}')

            view = TableView(dashboard.feeds[database.id], query, view_url(table_path(database.id, name)),
                             on_export=export, column_options=lambda column: cells.RECORDS.get(column, {})
                             if name == event_table(database.engine) else {})
            await view.grid.draw_first_rows()
