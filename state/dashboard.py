"""The app-level state: the catalog of databases, one watcher each, and the newest records of each."""

from __future__ import annotations

from eyelet_gui.settings import Settings
from eyelet_gui.sources.events import Stops
from eyelet_gui.state.catalog import Catalog, WatchedDatabase
from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.eyelet.attention_stream import AttentionStream
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
from eyelet_gui.state.live.subscriptions import Subscriptions
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
        self._stops = Stops()
        """Everything started, stopped in reverse order by `stop`: each part registers its stop as it is made."""
        self._stops.add('the demo', self.catalog.stop)  # last: the watchers read its database until they stop
        self._watching = Stops()
        """Each database's watcher and what reads through it alone, newest database first."""
        self._stops.add('watching', self._watching.stop_all)  # after every view over all databases
        # First: the hook feeds need the new database's watcher. Released first: a database added while the app
        # stops (the demo, started in the background) must not get a watcher nobody would stop.
        tracking = Subscriptions()
        tracking.add(self.catalog.added, self._track)
        self.hook_feeds = HookFeeds(self.catalog, self.watchers)
        """The merged hook feed over every database, for `/`."""
        self._stops.add('the hook feeds', self.hook_feeds.close)
        self.attention, self.session_feeds, self.session_timelines = self._follow_sessions(settings)
        self.charts = Charts(self.watchers)
        """The charts' aggregates over every eyelet database, for `/`."""
        self._stops.add('the charts', self.charts.close)
        self.change_streams = ChangeStreams(self.watchers)
        """The live views as event streams, for the JSON API."""
        self._stops.add('the change streams', self.change_streams.close)
        self.attention_stream = AttentionStream(self.attention)
        """The attention list as an event stream, for the JSON API; ended with the change streams."""
        self.change_streams.keep(self.attention_stream)
        self.sql = SqlQueries(time_limit=settings.sql_time_limit, show_secrets=settings.show_secrets)
        """People's own SQL statements, for the SQL page and the JSON API."""
        self._stops.add('SQL statements', self.sql.close)
        self.sql_feeds = SqlFeeds(self.watchers, self.sql)
        """The SQL page's statements, each run again on commits while some tab follows it."""
        self._stops.add('SQL pages', self.sql_feeds.close)
        self.discovery = Discovery(settings.search_roots, self.catalog)
        """Finds eyelet databases in the search roots, now and as they appear."""
        self._stops.add('discovery', self.discovery.stop)
        self._stops.add('tracking new databases', tracking.release)
        if settings.demo:  # before the server answers, so that the first page already lists it
            self.catalog.start_demo()
        for database in self.catalog.databases:
            self._track(database)

    def _follow_sessions(self, settings: Settings) -> tuple[Attention, SessionFeeds, SessionTimelines]:
        """Every eyelet session's state and the episodes that need you (from start to stop, with or without a
        tab), the live list of sessions for `/sessions`, and each session's timeline for its page."""
        attention = Attention(self.watchers, idle_after=settings.idle_after)
        self._stops.add('the attention list', attention.stop)
        session_feeds = SessionFeeds(attention)
        self._stops.add('the session list', session_feeds.close)
        session_timelines = SessionTimelines(self.watchers)
        self._stops.add('the session timelines', session_timelines.close)
        return attention, session_feeds, session_timelines

    def _track(self, database: WatchedDatabase) -> None:
        if database.id in self.watchers:
            return
        watcher = Watcher(database, poll_interval=self.settings.poll_interval, pg_listen=self.settings.pg_listen,
                          max_push_rate=self.settings.max_push_rate, read_time_limit=self.settings.read_time_limit,
                          show_secrets=self.settings.show_secrets)
        self.watchers[database.id] = watcher
        self._watching.add(f'watching {database.place}', watcher.stop)
        self.records[database.id] = records = NewestRecords(watcher, self.settings.visible_rows)
        self._watching.add(f'the newest records of {database.place}', records.close)
        self.feeds[database.id] = feeds = GridFeeds(watcher, ReadableRecords)
        self._watching.add(f'the tables of {database.place}', feeds.close)
        if self._started:
            watcher.start()

    async def start(self) -> None:
        """Start watching every database (the event loop runs from here on)."""
        self._started = True
        for watcher in self.watchers.values():
            watcher.start()
        self.attention.start()
        self.discovery.start()

    async def start_demo(self) -> None:
        """Start the demo on request (the first page offers it when no database was found)."""
        await self.catalog.start_demo_in_background()

    async def stop(self) -> None:
        """Stop everything started, in reverse order (what reads a database before its watcher, the demo writer
        last): each part even when another failed to stop, so that Ctrl+C always ends the process and removes the
        demo."""
        await self._stops.stop_all()
