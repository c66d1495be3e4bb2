"""The live hook feed: the newest hook events of every eyelet database, merged newest first by time.

Each database keeps its own live query (the same filters, run in its own SQL, on its own table of eyelet records:
`hooks`, or a PostgreSQL database's `eyelet_hooks`, every machine's); the feed merges their windows by
`timestamp` and diffs the merged window like any other, so the grid, the detail panel and the controls work on it
unchanged. A database that gains that table later joins by itself.
"""

from __future__ import annotations

import dataclasses

from eyelet_gui.sources.eyelet.facts import EVENT_TABLE, event_table
from eyelet_gui.sources.query import Query
from eyelet_gui.state.catalog import Catalog, WatchedDatabase
from eyelet_gui.state.eyelet.event_rows import FactsCache, RecordFacts, is_event_table, outcome_cells, pair_window
from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.grid_feed import GridFeed
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.merged_rows import MergedRows
from eyelet_gui.state.live.pacing import PacedLoop
from eyelet_gui.state.live.row_detail import RowDetail, RowDetails
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.subscriptions import Subscriptions
from eyelet_gui.state.live.watcher import Watcher

FEED_COLUMNS = ('timestamp', 'project_dir', 'session_id', 'hook_type', 'tool_name', 'what', 'outcome', 'duration_ms')
"""What the feed shows, in order. eyelet 0.3.5 leaves `status` and `duration_ms` unknown and NULL: the outcome
and duration come from pairing each tool call's two records (or from those columns, when a writer fills them)."""
MERGE_INTERVAL = 1 / 30
"""Seconds at least between two merges, as a live view's reads (settings.DEFAULT_MAX_PUSH_RATE)."""
FEED_LIMIT = 300
DEFAULT_FEED = Query(relation=EVENT_TABLE, limit=FEED_LIMIT)
"""What `/` shows without filters (each database reads its own table of records: `HookFeed.add_source`)."""


class HookFeed(MergedRows):
    """Merged newest-first window over several LiveQueries on `hooks`.

    A merge reads every source's window (twenty projects: 6,000 rows) to show 300: merged on each source's delta,
    twenty busy projects would merge as often as they commit between them and take the event loop whole. The
    merges are paced instead (a delta after a quiet moment is merged at once, a burst of them once)."""

    def __init__(self, query: Query) -> None:
        super().__init__(FEED_COLUMNS)
        self.query = query
        self.sources: dict[str, tuple[Watcher, LiveQuery]] = {}
        """By database id: the watcher and the live query that feed this merge."""
        self._facts: dict[str, FactsCache] = {}
        self._subscriptions = Subscriptions()
        self.loop = PacedLoop(self._merge, interval=MERGE_INTERVAL, name='hook feed')

    def add_source(self, watcher: Watcher) -> None:
        live = watcher.live.acquire(dataclasses.replace(self.query, relation=event_table(watcher.database.engine)))
        self.sources[watcher.database.id] = (watcher, live)
        self._facts[watcher.database.id] = FactsCache()
        self._subscriptions.add(live.delta, self.loop.request)
        self._subscriptions.add(live.problem_changed, self.loop.request)

    async def _merge(self) -> None:
        self.merge()

    async def close(self) -> None:
        self._subscriptions.release()
        await self.loop.stop()
        for watcher, live in self.sources.values():
            await watcher.live.release(live.query)
        self.sources.clear()

    def merge(self) -> None:
        """Merge the sources' windows again and emit the delta against the last merge, if any."""
        window: list[tuple[str, Row]] = []
        facts: list[RecordFacts] = []
        total = matching = 0
        for database_id, (_, live) in self.sources.items():
            if live.problem is not None or not is_event_table(live.columns):
                continue  # not an eyelet database (yet), or unreadable now: its own page says why
            total, matching = total + live.total, matching + live.matching
            rows = [(f'{database_id}:{key}', row) for key, row in live.rows]
            window.extend(rows)
            facts.extend(self._facts[database_id].facts(rows, live.columns))
        calls = pair_window([fact.event for fact in facts])
        complete = not (self.query.filters or self.query.search)
        merged = []
        for position, ((key, _), fact) in enumerate(zip(window, facts, strict=True)):
            event = fact.event
            outcome, duration = outcome_cells(calls.get(position), complete=complete)
            merged.append((event.at, key, (event.at, event.project, event.session, event.hook_type, event.tool,
                                            fact.what, outcome, duration)))
        self.publish(merged, self.query.limit, total, matching)


class HookFeeds:
    """The feed provider for `/`: one merged feed per distinct filter, over every watched database."""

    def __init__(self, catalog: Catalog, watchers: dict[str, Watcher]) -> None:
        self.watchers = watchers
        self._feeds: Shared[Query, tuple[HookFeed, GridFeed]] = Shared(self._open, self._close)
        self._details = RowDetails()
        self._subscriptions = Subscriptions()
        self._subscriptions.add(catalog.added, self._database_added)

    def acquire(self, query: Query) -> GridFeed:
        return self._feeds.acquire(feed_query(query))[1]

    async def release(self, query: Query) -> None:
        await self._feeds.release(feed_query(query))

    def viewers(self, query: Query) -> int:
        """How many grids show the feed of `query` now."""
        return self._feeds.viewers(feed_query(query))

    def _open(self, query: Query) -> tuple[HookFeed, GridFeed]:
        merged = HookFeed(query)
        for watcher in self.watchers.values():
            merged.add_source(watcher)
        feed = GridFeed(merged)
        merged.merge()  # the first rows at once, for the grid about to show them
        merged.loop.start()
        return merged, feed

    @staticmethod
    async def _close(_: Query, opened: tuple[HookFeed, GridFeed]) -> None:
        merged, feed = opened
        feed.close()
        await merged.close()

    def detail(self, feed: GridFeed, key: str) -> RowDetail:
        assert isinstance(feed.live, HookFeed)
        database_id, row_key = key.split(':', 1)
        watcher, live = feed.live.sources[database_id]
        return self._details.open(watcher, live, row_key)

    async def close(self) -> None:
        """Close every merged feed and row detail, whoever shows them: the app is stopping (a database added
        afterwards joins none)."""
        self._subscriptions.release()
        await self._details.close()
        await self._feeds.close()

    def _database_added(self, database: WatchedDatabase) -> None:
        watcher = self.watchers[database.id]
        for merged, _ in self._feeds.values():
            merged.add_source(watcher)


def feed_query(query: Query) -> Query:
    """The query a feed runs: always newest first from the start, as the merge orders by time."""
    return dataclasses.replace(query, sort=(), offset=0)
