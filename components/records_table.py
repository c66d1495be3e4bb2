"""A database's newest records on `/`: the live grid on its main table, following that table as it changes."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.components.live_grid import LiveGrid
from eyelet_gui.state.diff import Delta
from eyelet_gui.state.grid_feed import GridFeeds
from eyelet_gui.state.newest_records import NewestRecords
from eyelet_gui.state.query_url import table_path


def records_table(records: NewestRecords, feeds: GridFeeds) -> None:
    """Newest rows first, changed in place; clicking a row opens the table's own live page.

    Only for generic SQLite files: eyelet's records are in the hook feed, and a grid that nobody sees would
    still receive every change.
    """
    problem = ui.label().classes('text-negative')
    shown: list[tuple[str | None, bool]] = [(None, False)]

    def wanted() -> tuple[str | None, bool]:
        return (records.live.query.relation if records.live else None), records.kind == 'SQLite'

    @ui.refreshable
    def grid() -> None:
        live = records.live
        shown[0] = wanted()
        if not shown[0][1]:
            return
        if live is None:
            ui.label('This database has no tables yet.')
            return
        path = table_path(records.database.id, live.query.relation)
        # The same query as the records' own live query: the grid shares its reads.
        LiveGrid(feeds, live.query, on_select=lambda _: ui.navigate.to(path), on_sort=lambda _: None)

    def follow(_: Delta | None = None) -> None:
        problem.set_text(records.problem or '')
        problem.set_visibility(records.problem is not None)
        if wanted() != shown[0]:
            grid.refresh()  # the schema became known, or the main table was created, dropped or replaced

    grid()
    follow()
    records.changed.subscribe(follow)
