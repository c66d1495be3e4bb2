"""One tab's live view of a table or view: controls, the live grid, the row detail; the query lives in the URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from nicegui import ui

from eyelet_gui.components.live_grid import ColumnOptions, LiveGrid
from eyelet_gui.components.row_panel import BesideGrid, row_panel
from eyelet_gui.sources.query import OPERATORS, Filter, Operator, Query, Sort
from eyelet_gui.state.eyelet.event_rows import DERIVED_COLUMNS
from eyelet_gui.state.live.grid_feed import FeedProvider
from eyelet_gui.state.live.query_url import query_string

VALUELESS: tuple[Operator, ...] = ('is null', 'is not null')


def _typed(text: str) -> Any:
    """A filter value as typed: numbers compare as numbers, everything else as text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def next_sort(sort: tuple[Sort, ...], column: str) -> tuple[Sort, ...]:
    """Clicking a header cycles that column: ascending, descending, back to the default order."""
    current = next((s for s in sort if s.column == column), None)
    if current is None:
        return (Sort(column),)
    if not current.descending:
        return (Sort(column, descending=True),)
    return ()


class TableView:
    """Builds the view into the current page; every control change becomes a new live query."""

    def __init__(self, feeds: FeedProvider, query: Query, url: Callable[[Query], str], *,
                 on_export: Callable[[str], Any] | None = None, paged: bool = True, sortable: bool = True,
                 column_options: ColumnOptions | None = None, compact: dict[str, Any] | None = None) -> None:
        self.feeds = feeds
        self.url = url
        self.sortable = sortable
        with ui.row().classes('w-full items-center gap-2'):
            self.search = ui.input(placeholder='Search text columns', value=query.search) \
                .props('dense outlined clearable debounce=400').classes('w-64')
            self.search.on_value_change(lambda e: self._change(search=e.value or ''))
            self._filter_builder()
            ui.space()
            self.counts = ui.label().classes('text-sm').mark('counts')
            self.pause_button = ui.button(on_click=self._toggle_pause).props('dense flat').mark('pause')
            self.follow = ui.switch('Follow newest', value=True).props('dense').mark('follow')
            self._pager()
            self.previous.set_visibility(paged)
            self.page_label.set_visibility(paged)
            self.next.set_visibility(paged)
            if on_export is not None:
                with ui.button(icon='download').props('dense flat').tooltip('Export this view'), ui.menu():
                    ui.menu_item('CSV', on_click=lambda: on_export('csv'))
                    ui.menu_item('JSON', on_click=lambda: on_export('json'))
        self.chips = ui.row().classes('gap-1')
        self.detail = BesideGrid()
        with self.detail.main:
            self.grid = LiveGrid(feeds, query, on_select=self._select, on_sort=self._sort,
                                 column_options=column_options, compact=compact)
        self.follow.on_value_change(lambda e: setattr(self.grid, 'follow', e.value))
        self.grid.on_change.append(self._refresh_controls)
        self._problem_shown = False
        self._refresh_controls()
        self._refresh_chips()

    @property
    def query(self) -> Query:
        return self.grid.query

    def _filter_builder(self) -> None:
        with ui.button('Filter', icon='filter_alt').props('dense flat'), ui.menu().props('auto-close=false'), \
                ui.card().classes('gap-2'):
            column = ui.select([], label='Column').props('dense outlined').classes('w-48').mark('filter-column')
            operator = ui.select(list(OPERATORS), value='=', label='Operator').props('dense outlined') \
                .mark('filter-operator')
            value = ui.input('Value').props('dense outlined').mark('filter-value')

            async def add() -> None:
                if not column.value:
                    return
                chosen: Operator = operator.value
                entry = Filter(column.value, chosen, None if chosen in VALUELESS else _typed(value.value or ''))
                value.value = ''
                await self._change(filters=(*self.query.filters, entry), offset=0)

            ui.button('Add filter', on_click=add).props('dense').mark('filter-add')
        self._column_select = column

    def _pager(self) -> None:
        self.previous = ui.button(icon='chevron_left', on_click=lambda: self._page(-1)).props('dense flat')
        self.page_label = ui.label().classes('text-sm')
        self.next = ui.button(icon='chevron_right', on_click=lambda: self._page(1)).props('dense flat')

    async def _page(self, step: int) -> None:
        await self._change(offset=max(0, self.query.offset + step * self.query.limit))

    def _refresh_controls(self) -> None:
        """Runs on every change, so it touches only what differs: each element update re-sends the element."""
        live = self.grid.feed.live
        stored = [name for name in live.columns if name not in DERIVED_COLUMNS]  # what SQL can filter on
        if stored != self._column_select.options:
            self._column_select.set_options(stored)
        filtered = bool(self.query.filters or self.query.search)
        text = f'{live.matching:,} of {live.total:,} rows match' if filtered else f'{live.total:,} rows'
        self.counts.set_text(live.problem or text)
        if self._problem_shown != (live.problem is not None):
            self._problem_shown = live.problem is not None
            self.counts.classes(toggle='text-negative')
        waiting = f' ({self.grid.waiting} new)' if self.grid.waiting else ''
        self.pause_button.set_text(f'Resume{waiting}' if self.grid.paused else 'Pause')
        icon = 'play_arrow' if self.grid.paused else 'pause'
        if self.pause_button.props.get('icon') != icon:
            self.pause_button.props(f'icon={icon}')
        pages = max(1, -(-live.matching // self.query.limit))
        page = self.query.offset // self.query.limit + 1
        self.page_label.set_text(f'page {page:,} of {pages:,}')
        self.previous.set_enabled(page > 1)
        self.next.set_enabled(page < pages)

    def _refresh_chips(self) -> None:
        self.chips.clear()
        with self.chips:
            for entry in self.query.filters:
                label = f'{entry.column} {entry.operator}' + ('' if entry.operator in VALUELESS else f' {entry.value}')
                ui.chip(label, removable=True, on_value_change=lambda _, entry=entry: self._change(
                    filters=tuple(f for f in self.query.filters if f != entry), offset=0)).props('dense')

    def _toggle_pause(self) -> None:
        if self.grid.paused:
            self.grid.resume()
        else:
            self.grid.pause()

    async def _sort(self, column: str) -> None:
        if column and self.sortable and column not in DERIVED_COLUMNS:
            await self._change(sort=next_sort(self.query.sort, column), offset=0)

    async def _change(self, **changes: Any) -> None:
        """Every control ends here: a new query, shown in the grid and in the address bar."""
        query = dataclasses.replace(self.query, **changes)
        ui.navigate.history.replace(self.url(query))
        await self.grid.set_query(query)
        self._refresh_chips()
        self._refresh_controls()

    def _select(self, key: str | None) -> None:
        # The row panel shown before closes its detail as the panel is cleared.
        self.detail.show(None if key is None else lambda: row_panel(self.feeds.detail(self.grid.feed, key)))


def view_url(base: str) -> Callable[[Query], str]:
    return lambda query: base + query_string(query)
