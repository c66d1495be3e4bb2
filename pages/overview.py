"""`/`: the watched databases and the newest records of each."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.components.connection_list import connection_list
from eyelet_gui.components.layout import frame
from eyelet_gui.components.records_table import records_table
from eyelet_gui.state.dashboard import Dashboard


def register(dashboard: Dashboard) -> None:
    @ui.page('/')
    def overview() -> None:
        with frame('Databases'):
            if not dashboard.catalog.databases:
                _nothing_found(dashboard)
                return
            connection_list(dashboard)
            for database in dashboard.catalog.databases:
                records = dashboard.records[database.id]
                with ui.card().classes('w-full').props(f'id=db-{database.id}'):
                    ui.label(f'{database.label} — newest records').classes('text-h6')
                    records_table(records)


def _nothing_found(dashboard: Dashboard) -> None:
    roots = ', '.join(str(root) for root in dashboard.settings.search_roots) or 'the default places'
    with ui.card().classes('w-full max-w-2xl'):
        ui.label('No eyelet database found').classes('text-h6')
        ui.label(f'eyelet-gui looked in {roots}. Start it with the path of a SQLite file or a folder, '
                 'for example `eyelet-gui ~/code/my-project`, or watch a live demo now.')

        async def start_demo() -> None:
            button.disable()
            await dashboard.start_demo()
            ui.navigate.reload()

        button = ui.button('Start the demo', icon='play_arrow', on_click=start_demo)
