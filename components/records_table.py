"""A table of a database's newest records, live; every value shown as text, column names kept out of field ids.

This plain table redraws its rows on each delta; the live-table component (AG Grid transactions) replaces it.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.state.diff import Delta
from eyelet_gui.state.grid_feed import field_id
from eyelet_gui.state.newest_records import NewestRecords
from eyelet_gui.state.values import cell_text


def records_table(records: NewestRecords) -> None:
    """The newest rows of one database, updated whenever a commit changes them."""
    problem = ui.label().classes('text-negative')
    table = ui.table(columns=[], rows=[], row_key='key').props('dense flat bordered')
    table.classes('w-full')

    def render(_: Delta | None = None) -> None:
        problem.set_text(records.problem or '')
        problem.set_visibility(records.problem is not None)
        live = records.live
        columns = live.columns if live else ()
        table.columns = [{'name': field_id(i), 'label': name, 'field': field_id(i), 'align': 'left'}
                         for i, name in enumerate(columns)]
        table.rows = [_row(key, values) for key, values in (live.rows if live else [])]

    render()
    records.changed.subscribe(render)


def _row(key: str, values: tuple[Any, ...]) -> dict[str, str]:
    return {'key': key, **{field_id(i): cell_text(value) for i, value in enumerate(values)}}
