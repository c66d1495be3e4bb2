"""The row detail panel: every column of one row, whole; JSON as a collapsible tree; copy buttons; live."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from nicegui import ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.sources.json_values import blob_text, json_row
from eyelet_gui.state.eyelet.event_rows import is_event_table
from eyelet_gui.state.eyelet.hook_events import input_data, what_parts
from eyelet_gui.state.live.row_detail import RowDetail
from eyelet_gui.state.live.values import cell_text, parse_json

FULL_TEXT = 100_000
"""Characters of one value shown in the panel; copying takes the whole value."""


class BesideGrid:
    """A grid's place and its detail panel: side by side on a wide screen, the panel below on a phone. The grid
    is built `with beside.main:`; `show` fills the panel."""

    def __init__(self) -> None:
        with ui.row().classes('w-full items-start gap-4 flex-col md:flex-row md:flex-nowrap'):
            self.main = ui.column().classes('grow min-w-0 w-full')
            self._panel = ui.column().classes('w-full md:w-96 shrink-0 max-h-[70vh] overflow-auto row-detail')
        self._panel.set_visibility(False)

    def show(self, content: Callable[[], Any] | None) -> None:
        """What `content` builds, under a close button; None closes the panel (what it held lets go)."""
        self._panel.clear()
        self._panel.set_visibility(content is not None)
        if content is None:
            return
        with self._panel:
            with ui.row().classes('w-full justify-end'):
                ui.button(icon='close', on_click=lambda: self.show(None)).props('flat dense round')
            content()


def row_panel(detail: RowDetail) -> None:
    """Render `detail` and re-render it whenever the row changes or disappears; the panel owns `detail` and
    closes it when it is deleted (another row chosen, the panel closed, the tab gone)."""

    @ui.refreshable
    def content() -> None:
        if detail.problem:
            ui.label(detail.problem).classes('text-negative')
        if detail.values is None:
            ui.label('This row was deleted.' if detail.deleted else 'This row cannot be read right now.') \
                .classes('text-negative text-weight-medium').mark('row-deleted')
            return
        row_fields(detail.columns, detail.values)

    with Lifetime().classes('w-full nicegui-column gap-2') as lifetime:
        lifetime.on_end(detail.close)
        ui.label(f'Row {detail.key}').classes('text-subtitle1 text-weight-medium break-all')
        content()
    lifetime.subscribe(detail.changed, content.refresh)


def row_fields(columns: tuple[str, ...], values: tuple[Any, ...]) -> None:
    """Every column of a row, whole, and a button that copies the row as JSON."""
    record = dict(zip(columns, values, strict=False))
    ui.button('Copy row as JSON', icon='content_copy',
              on_click=lambda: ui.clipboard.write(row_json(columns, values))).props('flat dense')
    if is_event_table(columns):
        _what(record)
    for name, value in record.items():
        _field(name, value)


def row_json(columns: tuple[str, ...], values: tuple[Any, ...]) -> str:
    """What *Copy row as JSON* copies: the row as the API gives it (BLOBs in base64)."""
    return json.dumps(json_row(columns[:len(values)], values[:len(columns)]), indent=2, default=str)


def copied_text(value: Any) -> str:
    """What a field's copy button copies: the value whole, as text (a BLOB in base64, as the CSV export has it)."""
    return '' if value is None else blob_text(value) if isinstance(value, bytes) else str(value)


def _what(record: dict[str, Any]) -> None:
    """What an eyelet record was about, whole: the prompt, the command and its description, the error."""
    parts = what_parts(record.get('hook_type'), record.get('tool_name'), input_data(record.get('data')))
    if parts:
        with ui.column().classes('w-full gap-1').mark('row-what'):
            ui.label('what').classes('text-caption text-weight-bold')
            for part in parts:
                ui.label(cell_text(part, limit=FULL_TEXT)).classes('whitespace-pre-wrap break-all text-sm')


def _field(name: str, value: Any) -> None:
    with ui.column().classes('w-full gap-0'):
        with ui.row().classes('w-full items-center justify-between no-wrap'):
            ui.label(name).classes('text-caption text-weight-bold break-all')
            text = copied_text(value)
            ui.button(icon='content_copy', on_click=lambda text=text: ui.clipboard.write(text)) \
                .props('flat dense size=sm').tooltip(f'Copy {name}')
        document = parse_json(value)
        if document is not None:
            # As text, not as an object: the document's keys never travel as keys of the element's props.
            ui.json_editor({'content': {'text': json.dumps(document, indent=2)}, 'readOnly': True, 'mode': 'tree',
                            'mainMenuBar': False, 'navigationBar': False}).classes('w-full').style('max-height: 40vh')
        elif isinstance(value, bytes):
            ui.label(cell_text(value, limit=FULL_TEXT)).classes('font-mono text-xs break-all')
        else:
            ui.label('NULL' if value is None else cell_text(value, limit=FULL_TEXT)) \
                .classes('whitespace-pre-wrap break-all text-sm' + (' text-grey' if value is None else ''))
