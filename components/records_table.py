"""A database's newest records on `/`: a card with the live grid on its main table, following that table."""

from __future__ import annotations

from nicegui import ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.live_grid import LiveGrid
from eyelet_gui.state.live.diff import Delta
from eyelet_gui.state.live.grid_feed import GridFeeds
from eyelet_gui.state.live.newest_records import NewestRecords
from eyelet_gui.state.live.query_url import table_path

SHOWN_KINDS = ('SQLite', 'PostgreSQL', 'eyelet (legacy)')
TITLES = {'eyelet (legacy)': "eyelet's own hook runs, newest first (status, duration)"}


def records_card(records: NewestRecords, feeds: GridFeeds) -> None:
    """Newest rows first, changed in place; clicking a row opens the table's own live page.

    Shown for generic SQLite files and for eyelet's legacy `executions` table (its own hook process's runs, with
    their status and duration), not for eyelet's `hooks`: those are in the hook feed, and a grid that nobody
    sees would still receive every change, so none is built for them.
    """
    with Lifetime().classes('w-full') as lifetime:
        records.acquire()
        lifetime.on_end(records.release)
        with ui.card().classes('w-full'):
            with ui.row().classes('w-full items-baseline justify-between'):
                title = ui.label(f'{records.database.label} — newest records').classes('text-h6')
                link = ui.link('open the live table', '').classes('text-sm')
            problem = ui.label().classes('text-negative')
            shown: list[tuple[str | None, bool] | None] = [None]
            """(main table, generic SQLite) as the card shows them."""

            @ui.refreshable
            def grid() -> None:
                name, generic = shown[0] or (None, False)
                if not generic:
                    return
                if name is None or records.live is None:
                    ui.label('This database has no tables yet.')
                    return
                path = table_path(records.database.id, name)
                # The same query as the records' own live query: the grid shares its reads.
                LiveGrid(feeds, records.live.query, on_select=lambda _: ui.navigate.to(path), on_sort=lambda _: None)

            def follow(_: Delta | None = None) -> None:
                problem.set_text(records.problem or '')
                problem.set_visibility(records.problem is not None)
                wanted = (records.live.query.relation if records.live else None), records.kind in SHOWN_KINDS
                if wanted == shown[0]:
                    return
                first, shown[0] = shown[0] is None, wanted
                name, generic = wanted
                lifetime.set_visibility(generic)
                title.set_text(f'{records.database.label} — {TITLES.get(records.kind or "", "newest records")}')
                link.set_visibility(name is not None)
                link.props(f'href={table_path(records.database.id, name or "")}')
                if not first:
                    grid.refresh()  # the schema became known, or the main table was created, dropped or replaced

            follow()
            grid()
    lifetime.subscribe(records.changed, follow)
