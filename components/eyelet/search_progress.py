"""While discovery searches, a line that says where it is and how far it got."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.state.eyelet.discovery import Discovery


def search_progress(discovery: Discovery) -> None:
    """Spinner and counter, refreshed twice a second while the first search runs; then gone, or the sentence
    that says which folders could not be read."""
    with ui.row().classes('items-center gap-2 text-sm') as row:
        spinner = ui.spinner(size='sm')
        text = ui.label().mark('search-progress')

    def show() -> None:
        search = discovery.search
        if not discovery.searching:
            timer.deactivate()
            spinner.set_visibility(False)
            row.set_visibility(discovery.problem is not None)
            text.set_text(discovery.problem or '')
            return
        where = f' — now in {search.current}' if search.current else ''
        text.set_text(f'Searching for eyelet databases: {search.folders:,} folders read, '
                      f'{len(search.found):,} found{where}')

    timer = ui.timer(0.5, show)  # a per-page cosmetic: the search itself runs once, app-wide
    show()
