"""The app-level state: the catalog of databases, one watcher each, and the newest records of each."""

from __future__ import annotations

from eyelet_gui.settings import Settings
from eyelet_gui.sources.events import stop_each
from eyelet_gui.state.catalog import Catalog, WatchedDatabase
from eyelet_gui.state.eyelet.charts import Charts
from eyelet_gui.state.eyelet.discovery import Discovery
from eyelet_gui.state.eyelet.event_rows import ReadableRecords
from eyelet_gui.state.eyelet.hook_feed import HookFeeds
from eyelet_gui.state.eyelet.session_timeline import SessionTimelines
from eyelet_gui.state.eyelet.sessions import SessionFeeds
from eyelet_gui.state.live.change_streams import ChangeStreams
from eyelet_gui.state.live.exports import Exports
from eyelet_gui.state.live.grid_feed import GridFeeds
from eyelet_gui.state.live.live_sql import SqlFeeds
from eyelet_gui.state.live.newest_records import NewestRecords
from eyelet_gui.state.live.sql_queries import SqlQueries
from eyelet_gui.state.live.watcher import Watcher


class Dashboard:
    """Everything the pages show, owned once per app (never per page or per tab)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.databases, settings.postgres)
        self.watchers: dict[str, Watcher] = {}
        """One watcher per database, by database id."""
        self.records: dict[str, NewestRecords] = {}
        """The newest records of each watched database, by database id."""
        self.feeds: dict[str, GridFeeds] = {}
        """The grid feeds of each watched database, by database id."""
        self.exports = Exports()
        """Exports in progress, for the tabs that started them."""
        self._started = False
        # First: the hook feeds need the new database's watcher.
        self.catalog.added.subscribe(self._track, unsubscribe_on_delete=False)
        self.hook_feeds = HookFeeds(self.catalog, self.watchers)
        """The merged hook feed over every database, for `/`."""
        self.session_feeds = SessionFeeds(self.watchers)
        """The live list of sessions over every eyelet database, for `/sessions`."""
        self.session_timelines = SessionTimelines(self.watchers)
        """Each session's timeline, for `/sessions/<id>/<session>`."""
        self.charts = Charts(self.watchers)
        """The charts' aggregates over every eyelet database, for `/`."""
        self.change_streams = ChangeStreams(self.watchers)
        """The live views as event streams, for the JSON API."""
        self.sql = SqlQueries(time_limit=settings.sql_time_limit, show_secrets=settings.show_secrets)
        """People's own SQL statements, for the SQL page and the JSON API."""
        self.sql_feeds = SqlFeeds(self.watchers, self.sql)
        """The SQL page's statements, each run again on commits while some tab follows it."""
        self.discovery = Discovery(settings.search_roots, self.catalog)
        """Finds eyelet databases in the search roots, now and as they appear."""
        if settings.demo:  # before the server answers, so that the first page already lists it
            self.catalog.start_demo()
        for database in self.catalog.databases:
            self._track(database)

    def _track(self, database: WatchedDatabase) -> None:
        if database.id in self.watchers:
            return
        watcher = Watcher(database, poll_interval=self.settings.poll_interval, pg_listen=self.settings.pg_listen,
                          max_push_rate=self.settings.max_push_rate, read_time_limit=self.settings.read_time_limit,
                          show_secrets=self.settings.show_secrets)
        self.watchers[database.id] = watcher
        self.records[database.id] = NewestRecords(watcher, self.settings.visible_rows)
        self.feeds[database.id] = GridFeeds(watcher, ReadableRecords)
        if self._started:
            watcher.start()

    async def start(self) -> None:
        """Start watching every database (the event loop runs from here on)."""
        self._started = True
        for watcher in self.watchers.values():
            watcher.start()
        self.discovery.start()

    async def start_demo(self) -> None:
        """Start the demo on request (the first page offers it when no database was found)."""
        await self.catalog.start_demo_in_background()

    async def stop(self) -> None:
        """Stop discovery, the charts and every watcher (closing its connections), then the demo writer: each
        part even when another failed to stop, so that Ctrl+C always ends the process and removes the demo."""
        await stop_each((('discovery', self.discovery.stop), ('charts', self.charts.loop.stop),
                         *((f'watching {watcher.database.place}', watcher.stop) for watcher in self.watchers.values()),
                         ('SQL pages', self.sql_feeds.close), ('SQL statements', self.sql.close),
                         ('the demo', self.catalog.stop)))
