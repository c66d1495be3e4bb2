"""Rows as the browser's grid shows them (text only, under safe field ids), and each delta as a grid transaction.

Built once per live query and shared by every tab that shows it: the formatting and the transaction are
computed once per change, and every tab's grid element holds the same row list, so reconnecting and new
tabs get the current rows while the per-change work does not grow with the number of tabs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from nicegui import Event

from eyelet_gui.sources.query import Query, Sort
from eyelet_gui.state.live.diff import Delta, Row, apply_delta
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.row_detail import RowDetail, RowDetails
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.subscriptions import Subscriptions
from eyelet_gui.state.live.values import cell_text
from eyelet_gui.state.live.watcher import Watcher

KEY_FIELD = '__key'

GridRow = dict[str, str]


def field_id(position: int) -> str:
    """The id a column travels under: never the column's name, which could start with `:` and run as JavaScript."""
    return f'c{position}'


def grid_row(key: str, values: Row) -> GridRow:
    return {KEY_FIELD: key, **{field_id(i): cell_text(value) for i, value in enumerate(values)}}


class RowSource(Protocol):
    """What a grid shows: a LiveQuery, or several merged (the hook feed)."""

    columns: tuple[str, ...]
    rows: list[tuple[str, Row]]
    total: int
    matching: int
    problem: str | None
    delta: Event[Delta]
    problem_changed: Event[[]]


class GridFeed:
    """The grid's view of one row source: `rows` in order, and a `transaction` event per change."""

    def __init__(self, live: RowSource) -> None:
        self.live = live
        self.rows: list[GridRow] = [grid_row(key, values) for key, values in live.rows]
        """The window as grid rows; the same list object for as long as the columns stay the same."""
        self.transaction: Event[dict[str, Any]] = Event()
        """Fired with {'add': [[index, row]], 'update': [partial rows], 'remove': [keys]} after `rows` changed."""
        self.reset: Event[[]] = Event()
        """Fired when the columns changed: grids rebuild from `rows` and `live.columns`."""
        self.heard = asyncio.Event()
        """Set once the source has reported its first read (rows, even none, or a problem)."""
        if live.columns and (live.rows or live.problem is not None):
            self.heard.set()
        self._subscriptions = Subscriptions()
        self._subscriptions.add(live.delta, self._apply)
        self._subscriptions.add(live.problem_changed, self.heard.set)

    def close(self) -> None:
        self._subscriptions.release()

    def _apply(self, delta: Delta) -> None:
        self.heard.set()
        if delta.columns is not None:
            self.rows = [grid_row(key, values) for key, values in self.live.rows]
            self.reset.emit()
            return
        if not (delta.added or delta.updated or delta.removed):
            return  # only the counts moved
        changes = {key: {field_id(i): cell_text(value) for i, value in columns.items()}
                   for key, columns in delta.updated}
        added = [(index, grid_row(key, values)) for index, key, values in delta.added]
        # In place: every grid element holds this very list.
        self.rows[:] = apply_delta(self.rows, key=lambda row: row[KEY_FIELD], removed=delta.removed, updated=changes,
                                   merge=lambda row, cells: {**row, **cells}, added=added)
        self.transaction.emit({'add': added, 'remove': list(delta.removed),
                               'update': [{KEY_FIELD: key, **cells} for key, cells in changes.items()]})


class GridQuery(Hashable, Protocol):
    """What a grid shows: a live view's Query, or an SQL statement (state/live/live_sql.py)."""

    @property
    def sort(self) -> tuple[Sort, ...]:
        """The order the grid's headers show."""
        ...


Q_contra = TypeVar('Q_contra', bound=GridQuery, contravariant=True)


class FeedSource(Protocol[Q_contra]):
    """Where a grid gets its feed for a query; each `acquire` is paired with a `release`."""

    def acquire(self, query: Q_contra) -> GridFeed: ...
    async def release(self, query: Q_contra) -> None: ...


class FeedProvider(FeedSource[Query], Protocol):
    """A feed source whose rows can also be read whole, for the row detail panel."""

    def detail(self, feed: GridFeed, key: str) -> RowDetail: ...


class ShownRows(RowSource, Protocol):
    """A live query's rows as a grid shows them (eyelet's records with their what and outcome, say)."""

    source: LiveQuery
    """The live query they follow."""

    def close(self) -> None:
        """Stop following the live query."""
        ...


class GridFeeds(Shared[Query, GridFeed]):
    """One GridFeed per distinct query on a database, kept while some tab shows it; `shown` turns a live query
    into the rows a grid shows (the product's choice, so that this engine knows no table of its own)."""

    def __init__(self, watcher: Watcher, shown: Callable[[LiveQuery], ShownRows]) -> None:
        super().__init__(self._open, self._close)
        self.watcher = watcher
        self._shown = shown
        self._rows: dict[GridFeed, ShownRows] = {}
        self._details = RowDetails()

    def _open(self, query: Query) -> GridFeed:
        rows = self._shown(self.watcher.live.acquire(query))
        feed = GridFeed(rows)
        self._rows[feed] = rows
        return feed

    async def _close(self, query: Query, feed: GridFeed) -> None:
        feed.close()
        self._rows.pop(feed).close()
        await self.watcher.live.release(query)

    def detail(self, feed: GridFeed, key: str) -> RowDetail:
        return self._details.open(self.watcher, self._rows[feed].source, key)

    async def close(self) -> None:
        """Close every feed and row detail, whoever shows them: the app is stopping."""
        await self._details.close()
        await super().close()
