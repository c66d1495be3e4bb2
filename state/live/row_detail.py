"""One row, whole and live: what the detail panel shows, re-read by key after commits (paced like every read)."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import Event

from eyelet_gui.sources.events import stop_each
from eyelet_gui.sources.query import row_statement
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.refresh_loop import CommitLoop
from eyelet_gui.state.live.watcher import Watcher


class RowDetail:
    """The row with `key` as it is in the database now; `deleted` once it is gone. Follows the database from
    creation to `close`."""

    def __init__(self, watcher: Watcher, live: LiveQuery, key: str,
                 closed: Callable[[RowDetail], None] = lambda _: None) -> None:
        self.watcher = watcher
        self.key = key
        self.columns: tuple[str, ...] = live.columns
        self.values: Row | None = dict(live.rows).get(key)
        """Every column's whole value (the grid shows them cut); None when the row is gone."""
        self.problem: str | None = None
        self.changed: Event[[]] = Event()
        """Fired after each re-read that found the row changed, deleted, or unreadable."""
        self._live = live
        self._relation = live.relation
        self._key = live.key_values.get(key)
        self._closed = closed
        self._loop = CommitLoop(watcher, self.refresh, name=f'row {key} in {live.query}')
        self._loop.start()

    @property
    def deleted(self) -> bool:
        return self.values is None and self.problem is None

    async def refresh(self) -> None:
        before = self.columns, self.values, self.problem
        if self._relation is None or self._key is None:  # a view: rows have no key to read them by
            self.values = dict(self._live.rows).get(self.key)
        else:
            try:
                result = await self.watcher.reader.fetch(row_statement(self._relation, self._key))
                width = len(self._key)
                self.columns = result.columns[width:]
                self.values = result.rows[0][width:] if result.rows else None
                self.problem = None
            except DatabaseProblem as problem:
                self.problem = str(problem)
        if (self.columns, self.values, self.problem) != before:
            self.changed.emit()

    async def close(self) -> None:
        self._closed(self)
        await self._loop.stop()


class RowDetails:
    """The row details open on one feed provider's rows. A detail is owned by its panel, which closes it when it
    is deleted; but a stopping app does not wait for its tabs' elements to go, so it closes the ones still open."""

    def __init__(self) -> None:
        self._open: set[RowDetail] = set()

    def open(self, watcher: Watcher, live: LiveQuery, key: str) -> RowDetail:
        """The live detail of the row with `key` in `live`, until its `close` (or this one's)."""
        detail = RowDetail(watcher, live, key, self._open.discard)
        self._open.add(detail)
        return detail

    async def close(self) -> None:
        await stop_each((f'the detail of row {detail.key}', detail.close) for detail in list(self._open))

