"""Everything the app starts is stopped by construction: the Dashboard stops what it made in reverse order, a
loop shared by tabs survives a stop it overlapped, a watcher's loop survives a failure, and Ctrl+C ends the whole
app (tabs, live SQL, change streams and the attention stream open) with exit status 0, nothing logged and the
demo's folder gone."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import pytest

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.settings import Settings
from eyelet_gui.sources.query import Query
from eyelet_gui.sources.sqlite.changes import Observation
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.hook_feed import DEFAULT_FEED
from eyelet_gui.state.live.grid_feed import KEY_FIELD
from eyelet_gui.state.live.live_sql import SqlStatement
from eyelet_gui.state.live.newest_records import NewestRecords
from eyelet_gui.state.live.query_url import table_path
from eyelet_gui.state.live.refresh_loop import CommitLoop

from .conftest import DEADLINE, ServedApp, make_database, wait_for
from .eyelet_logger import log_event
from .test_engine import eventually, watching
from .writer import write

SHOP = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT); INSERT INTO orders (customer) VALUES ('ada');"
API = '/api/v1'


def running_tasks(before: set[asyncio.Task[Any]]) -> list[str]:
    """The names of the tasks running now that were not running `before` (besides the test's own)."""
    return sorted(task.get_name() for task in asyncio.all_tasks() - before - {asyncio.current_task()}
                  if not task.done())


async def test_stopping_the_dashboard_ends_every_task_it_started(tmp_path: Path) -> None:
    """Every part a tab can hold, held when the app stops (a tab's elements are not deleted before its stop):
    newest records, a table's grid and a row's detail, `/`'s feed and a row's detail, the session list and a
    session's timeline, the charts, a change stream with a client, a live SQL statement."""
    before = set(asyncio.all_tasks())
    eyelet = log_event(tmp_path / 'acme', cc.session_start)
    shop = make_database(tmp_path / 'shop.db', SHOP)
    dashboard = Dashboard(Settings(databases=(eyelet, shop), show=False))
    await dashboard.start()
    shop_id, eyelet_id = database_id(shop), database_id(eyelet)
    records = dashboard.records[shop_id]
    records.acquire()
    await eventually(lambda: records.summary == 'orders: 1 row')
    orders = Query(relation='orders', limit=10)
    table = dashboard.feeds[shop_id].acquire(orders)
    await asyncio.wait_for(table.heard.wait(), DEADLINE)
    dashboard.feeds[shop_id].detail(table, table.rows[0][KEY_FIELD])
    feed = dashboard.hook_feeds.acquire(DEFAULT_FEED)
    await eventually(lambda: len(feed.rows) == 1)
    dashboard.hook_feeds.detail(feed, feed.rows[0][KEY_FIELD])
    dashboard.session_feeds.acquire(DEFAULT_FEED)
    (session,) = {row[0] for row in sqlite3.connect(eyelet).execute('SELECT session_id FROM hooks')}
    dashboard.session_timelines.acquire(eyelet_id, session)
    dashboard.charts.acquire()
    stream = dashboard.change_streams.acquire(shop_id, orders)
    client, _ = stream.connect(None)
    dashboard.sql_feeds.acquire(SqlStatement(shop_id, 'SELECT 1'))
    assert running_tasks(before) != []

    await dashboard.stop()
    assert running_tasks(before) == []  # ended, not only told to: stop awaits each
    assert client.get_nowait() is None  # the client's response was told to end


async def test_a_database_added_while_the_app_stops_gets_no_watcher(tmp_path: Path) -> None:
    """The demo, started in the background, may be added while the app stops: it gets no watcher nobody would stop."""
    before = set(asyncio.all_tasks())
    dashboard = Dashboard(Settings(databases=(make_database(tmp_path / 'shop.db', SHOP),), show=False))
    await dashboard.start()
    await dashboard.stop()
    late = dashboard.catalog.add(make_database(tmp_path / 'late.db', SHOP))
    assert (late.id in dashboard.watchers, running_tasks(before)) == (False, [])


async def test_a_tab_that_stops_following_after_a_stop_leaves_the_loop_paired(tmp_path: Path) -> None:
    """A live SQL statement's loop, stopped (the app stopping) before its tab closes: the tab's unfollow is let
    pass, and once started again the loop follows commits as before."""
    shop = make_database(tmp_path / 'shop.db', SHOP)
    runs: list[float] = []

    async def refresh() -> None:
        runs.append(time.monotonic())

    async with watching(shop) as watcher:
        loop = CommitLoop(watcher, refresh, name='a statement', follow=False)
        loop.start()
        loop.follow()
        await loop.stop()
        loop.unfollow()  # the tab closes after the stop
        loop.start()
        loop.follow()
        await eventually(lambda: len(runs) == 2)  # at each start
        write(shop, "INSERT INTO orders (customer) VALUES ('grace')")
        await eventually(lambda: len(runs) == 3)  # a commit, followed
        await loop.stop()


async def test_a_viewer_that_comes_while_the_last_one_stops_is_shown_a_running_view(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with watching(shop) as watcher:
        records = NewestRecords(watcher, limit=10)
        records.acquire()
        await eventually(lambda: records.summary == 'orders: 1 row')
        leaving = asyncio.create_task(records.release())
        await asyncio.sleep(0)  # the last viewer's stop now awaits the end of the loop's task
        assert not leaving.done()
        records.acquire()
        await leaving
        write(shop, "INSERT INTO orders (customer) VALUES ('grace')")
        await eventually(lambda: records.summary == 'orders: 2 rows')
        await records.release()


async def test_a_failure_in_a_watchers_loop_is_said_and_watching_goes_on(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with watching(shop) as watcher:
        live = watcher.live.acquire(Query(relation='orders', limit=10))
        await eventually(lambda: live.total == 1)
        detector: Any = watcher.detector  # its private check, replaced: a bug below the watcher
        check: Callable[[], Awaitable[Observation]] = detector._check
        failed: list[bool] = []

        async def fails_once() -> Observation:  # a bug below the watcher, once
            if not failed:
                failed.append(True)
                raise RuntimeError('a bug')
            return await check()

        detector._check = fails_once
        write(shop, "INSERT INTO orders (customer) VALUES ('grace')")
        await eventually(lambda: caplog.records)
        assert [(record.levelno, record.getMessage()) for record in caplog.records] == [
            (logging.ERROR, f'Watching {shop} failed (RuntimeError: a bug); trying again in 1 s')]
        write(shop, "INSERT INTO orders (customer) VALUES ('linus')")
        await eventually(lambda: live.total == 3)  # seen: watching went on
        await watcher.live.release(live.query)


class Follower(threading.Thread):
    """A script following `/changes` (SSE, or JSON lines): reads until the server ends the response."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.lines = 0
        self.ended: str | None = None
        """How the response ended: 'closed' when the server ended it, else the error."""

    def run(self) -> None:
        try:
            with httpx.stream('GET', self.url, timeout=httpx.Timeout(5, read=None)) as response:
                response.raise_for_status()
                for _ in response.iter_lines():
                    self.lines += 1
            self.ended = 'closed'
        except httpx.HTTPError as error:
            self.ended = repr(error)


async def test_ctrl_c_ends_the_app_with_tabs_live_sql_and_change_streams_open(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('TMPDIR', str(tmp_path))  # the demo's folder goes where the test can find it
    app = served_app('--demo')
    (demo,) = tmp_path.glob('eyelet-gui-demo-*/demo-project/.eyelet-logging/eyelet.db')
    demo_id = database_id(demo)
    (session,) = sqlite3.connect(demo).execute('SELECT session_id FROM hooks LIMIT 1').fetchone()
    statement = urlencode({'sql': 'SELECT hook_type, count(*) FROM hooks GROUP BY hook_type', 'live': '1'})
    for path, shown in (('/', '.eyelet-grid'), (table_path(demo_id, 'hooks'), '.eyelet-grid'),
                        (f'/sessions/{demo_id}/{quote(session)}', f'text={session}'),
                        (f'/db/{demo_id}/sql?{statement}', '.eyelet-grid')):
        page = await browser.new_page()
        await page.goto(app.url + path)
        await page.wait_for_selector(shown, timeout=30_000)
    changes = f'{app.url}{API}/db/{demo_id}/table/hooks/changes?limit=5'
    followers = [Follower(changes), Follower(f'{changes}&format=ndjson'), Follower(f'{app.url}{API}/attention/changes')]
    for follower in followers:
        follower.start()
    # Off the event loop that Playwright's connection runs on: these wait on other processes and threads.
    await asyncio.to_thread(wait_for, lambda: all(follower.lines > 0 for follower in followers), timeout=30,
                            what='every stream read')

    # SIGINT; ServedApp.stop fails unless the app ends within its deadline, with exit status 0 and no traceback
    # (how soon it ends is bench/shutdown.py's figure).
    output = await asyncio.to_thread(app.stop)
    assert [line for line in output.splitlines() if 'ERROR' in line or 'WARNING' in line] == []
    for follower in followers:
        await asyncio.to_thread(follower.join, DEADLINE)
    assert [follower.ended for follower in followers] == ['closed', 'closed', 'closed']
    assert not demo.parents[2].exists()
