"""People's own SQL, live: a statement's result as a window the SQL page's grid shows, run again after each commit
while some tab follows it, paced like every refresh. Tabs that show the same statement share one run."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import Event

from eyelet_gui.sources.query import Sort
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.sources.sqlite.sandbox import SqlProblem, SqlResult
from eyelet_gui.state.live.grid_feed import GridFeed
from eyelet_gui.state.live.live_query import content_keys
from eyelet_gui.state.live.refresh_loop import CommitLoop
from eyelet_gui.state.live.row_window import RowWindow
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.sql_queries import SqlQueries
from eyelet_gui.state.live.watcher import Watcher

CANCELLED = 'Cancelled before it finished: run it again to see its rows.'


@dataclass(frozen=True, slots=True)
class SqlStatement:
    """One statement on one database: what the SQL page's grid shows."""

    database_id: str
    sql: str

    @property
    def sort(self) -> tuple[Sort, ...]:
        """None in the headers: a statement orders its own rows (ORDER BY)."""
        return ()


class LiveSql(RowWindow):
    """A statement's rows as last run, keyed by their content (a result has no key of its own): a re-run shows
    new rows arriving and rows that changed or went fading out, as a table does. `total` and `matching` are the
    rows returned."""

    def __init__(self, sql: str, run: Callable[[str], Awaitable[SqlResult]], watcher: Watcher) -> None:
        super().__init__()
        self.sql = sql
        self.truncated = False
        """More rows matched than a statement returns (sources/sqlite/sandbox.py MAX_ROWS)."""
        self.running = False
        self.took: float | None = None
        """Seconds the last run took, finished or not."""
        self.ran_at: float | None = None
        """When the last run ended (time.time())."""
        self.runs_changed: Event[[]] = Event()
        """Fired when a run starts and when it ends."""
        self._run = run
        self._running: asyncio.Future[SqlResult] | None = None
        self._cancelled = False
        """Whether `cancel` stopped the run under way (else a cancellation is the loop's own: it is stopping)."""
        self._loop = CommitLoop(watcher, self.refresh, name='SQL statement', follow=False)

    def start(self) -> None:
        """Run the statement now, and again on each `run_again` and (while followed) each commit."""
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    def run_again(self) -> None:
        """Run it soon: at once, unless a run is under way or resting after one."""
        self._loop.request()

    def follow(self) -> None:
        """One tab more wants it run again after each commit, until its `unfollow`."""
        self._loop.follow()

    def unfollow(self) -> None:
        self._loop.unfollow()

    def cancel(self) -> None:
        """Stop the run under way, if any: SQLite is interrupted at once (sources/sqlite/reader.py)."""
        if self._running is not None:
            self._cancelled = True
            self._running.cancel()

    async def refresh(self) -> None:
        started = time.monotonic()
        self._running, self._cancelled = asyncio.ensure_future(self._run(self.sql)), False
        self._set_running(True)
        try:
            result = await self._running
        except asyncio.CancelledError:
            if not self._cancelled:
                raise
            self.set_problem(CANCELLED)
            return
        except (SqlProblem, DatabaseProblem) as problem:
            self.set_problem(str(problem))
            return
        finally:
            self._running = None
            self.took, self.ran_at = time.monotonic() - started, time.time()
            self._set_running(False)
        self.truncated = result.truncated
        self.set_problem(None)
        rows = result.rows
        self.show(result.columns, list(zip(content_keys(rows), rows, strict=True)), len(rows), len(rows))

    def _set_running(self, running: bool) -> None:
        self.running = running
        self.runs_changed.emit()


class SqlFeeds(Shared[SqlStatement, GridFeed]):
    """One GridFeed per statement shown, kept while some tab shows it."""

    def __init__(self, watchers: dict[str, Watcher], queries: SqlQueries) -> None:
        super().__init__(self._open, self._close)
        self.watchers = watchers
        self.queries = queries

    def _open(self, statement: SqlStatement) -> GridFeed:
        watcher = self.watchers[statement.database_id]
        live = LiveSql(statement.sql, functools.partial(self.queries.run, watcher.database), watcher)
        feed = GridFeed(live)
        live.start()
        return feed

    @staticmethod
    async def _close(_: SqlStatement, feed: GridFeed) -> None:
        feed.close()
        await live_sql(feed).stop()


def live_sql(feed: GridFeed) -> LiveSql:
    """The statement behind a feed of SqlFeeds."""
    assert isinstance(feed.live, LiveSql)
    return feed.live
