"""The frame every page shares: a header with the product's name and a content column."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from nicegui import ui

from eyelet_gui import __version__


@contextmanager
def frame(title: str) -> Iterator[None]:
    """Header plus a padded column; the page's content goes inside the `with` block."""
    ui.page_title(f'{title} · eyelet-gui')
    with ui.header().classes('items-center justify-between px-4 py-2'):
        with ui.row().classes('items-center gap-2'):
            ui.icon('visibility', size='sm')
            ui.link('eyelet-gui', '/').classes('text-white text-h6 no-underline')
        ui.label(f'v{__version__}').classes('text-caption opacity-70')
    with ui.column().classes('w-full max-w-screen-2xl mx-auto p-4 gap-4'):
        yield
