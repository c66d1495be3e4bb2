"""A table of a database's newest records; every value shown as text, column names kept out of field ids."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.state.newest_records import NewestRecords
from eyelet_gui.state.values import cell_text


def field_id(position: int) -> str:
    """The id a column travels under: never the column's name, which could start with `:` and run as JavaScript."""
    return f'c{position}'


def records_table(records: NewestRecords) -> None:
    """The newest rows of one database, redrawn whenever `records` changes."""
    problem = ui.label().classes('text-negative')
    table = ui.table(columns=[], rows=[], row_key='key').props('dense flat bordered')
    table.classes('w-full')

    def render() -> None:
        problem.set_text(records.problem or '')
        problem.set_visibility(records.problem is not None)
        columns = records.rows.columns
        table.columns = [{'name': field_id(i), 'label': name, 'field': field_id(i), 'align': 'left'}
                         for i, name in enumerate(columns)]
        table.rows = [_row(index, values) for index, values in enumerate(records.rows.rows)]

    render()
    records.changed.subscribe(render)


def _row(index: int, values: tuple[Any, ...]) -> dict[str, str]:
    return {'key': f'r{index}', **{field_id(i): cell_text(value) for i, value in enumerate(values)}}
