"""`/db/{id}`: one database's tables and views, each with its live row count, each a link to its live view."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.components.layout import breadcrumbs, frame, no_such_database
from eyelet_gui.components.relation_list import relation_list
from eyelet_gui.pages.sql import sql_path
from eyelet_gui.state.dashboard import Dashboard


def register(dashboard: Dashboard) -> None:
    @ui.page('/db/{database_id}')
    async def database_page(database_id: str) -> None:
        database = dashboard.catalog.find(database_id)
        with frame(database.label if database else 'Unknown database', dashboard.attention):
            if database is None:
                no_such_database()
                return
            breadcrumbs(('Databases', '/'), (database.label, None))
            with ui.row().classes('w-full items-center gap-3'):
                ui.label(database.place).classes('text-caption break-all')
                ui.space()
                if database.engine.runs_people_sql:
                    ui.button('SQL', icon='code', on_click=lambda: ui.navigate.to(sql_path(database.id))) \
                        .props('dense flat').tooltip('Ask this database your own question, live').classes('sql-page')
            await relation_list(dashboard.watchers[database.id])
