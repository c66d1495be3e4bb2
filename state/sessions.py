"""Live list of eyelet sessions across every database: project, first and last event, events, errors, span."""

from __future__ import annotations

import time
from typing import Any

from eyelet_gui.sources.query import Query, sessions_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.state.diff import Row
from eyelet_gui.state.grid_feed import GridFeed
from eyelet_gui.state.merged_rows import MergedRows
from eyelet_gui.state.refresh_loop import RefreshLoop
from eyelet_gui.state.shared import Shared
from eyelet_gui.state.watcher import Watcher

SESSION_COLUMNS = ('project_dir', 'session_id', 'first', 'last', 'events', 'errors', 'span')
RECENT = 7 * 86400.0
"""Sessions with an event in the last week are listed."""
REFRESH_INTERVAL = 1.0
"""Seconds at least between two reads of the list: a grouped read costs more than a window."""


class SessionList(MergedRows):
    """Sessions as rows, keyed `<database id>:<session id>`, the most recently active first."""

    def __init__(self, watchers: dict[str, Watcher], limit: int = 200) -> None:
        super().__init__(SESSION_COLUMNS)
        self.watchers = watchers
        self.limit = limit
        self.loop = RefreshLoop(watchers, self.refresh, interval=REFRESH_INTERVAL, name='session list')

    async def refresh(self) -> None:
        """Read every eyelet database's recent sessions, merge them newest first and emit the delta."""
        merged: list[tuple[Any, str, Row]] = []
        for database_id, watcher in list(self.watchers.items()):
            try:
                if await watcher.schema_kind() != 'eyelet':
                    continue
                result = await watcher.reader.fetch(sessions_statement(time.time() - RECENT, self.limit))
            except DatabaseProblem:
                continue  # the connection list says what is wrong with it
            for session, project, first, last, events, errors in result.rows:
                row = (project, session, first, last, events, errors or 0, round((last or 0) - (first or 0), 1))
                merged.append((last or 0, f'{database_id}:{session}', row))
        listed = min(len(merged), self.limit)
        self.publish(merged, self.limit, listed, listed)


class SessionFeeds:
    """The one session list as a grid feed, running while some tab shows it."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        self.watchers = watchers
        self._feed: Shared[None, GridFeed] = Shared(self._open, self._close)

    def acquire(self, _: Query) -> GridFeed:
        """The list's feed (the grid's query does not change it: it is always the same list)."""
        return self._feed.acquire(None)

    async def release(self, _: Query) -> None:
        await self._feed.release(None)

    @property
    def viewers(self) -> int:
        return self._feed.users(None)

    def _open(self, _: None) -> GridFeed:
        sessions = SessionList(self.watchers)
        feed = GridFeed(sessions)
        sessions.loop.start()
        return feed

    @staticmethod
    async def _close(_: None, feed: GridFeed) -> None:
        feed.close()
        assert isinstance(feed.live, SessionList)
        await feed.live.loop.stop()
