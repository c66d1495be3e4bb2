"""What a page holds of the app-level state lives as long as the elements that hold it: not a rebuild longer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nicegui import ui
from nicegui.testing.user import User
from nicegui.testing.user_interaction import UserInteraction

from eyelet_gui.components.table_view import TableView
from eyelet_gui.demo import claude_code as cc
from eyelet_gui.settings import Settings
from eyelet_gui.sources.query import Query
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.hook_feed import DEFAULT_FEED
from eyelet_gui.state.live.newest_records import NewestRecords
from eyelet_gui.state.live.shared import NotAcquired, Shared

from .conftest import make_database, simulated_app
from .eyelet_logger import log_event
from .test_engine import eventually
from .writer import write

SHOP = 'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT); INSERT INTO orders (customer) VALUES (\'ada\');'


def eyelet_database(root: Path, project: str) -> Path:
    return log_event(root / project, cc.session_start)


def held(dashboard: Dashboard, shop: Path) -> dict[str, int]:
    """How many holders each shared thing on `/` has now."""
    (records,) = [records for records in dashboard.records.values() if records.database.path == shop]
    return {'hook feed': dashboard.hook_feeds.viewers(DEFAULT_FEED), 'charts': dashboard.charts.viewers,
            'records': records.viewers, 'grid': dashboard.feeds[records.database.id].viewers(records_query(records))}


def records_query(records: NewestRecords) -> Query:
    assert records.live is not None
    return records.live.query


def grids(user: User) -> int:
    return len(user.find(ui.aggrid).elements)


async def test_a_database_added_while_the_page_is_open_adds_nothing_twice(tmp_path: Path) -> None:
    acme = eyelet_database(tmp_path, 'acme')
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with simulated_app(Settings(databases=(acme, shop), show=False)) as (user, dashboard):
        await user.open('/')
        await user.should_see('orders: 1 row', retries=100)
        await eventually(lambda: grids(user) == 2)  # the hook feed and the shop's newest records
        before = held(dashboard, shop)
        assert before == {'hook feed': 1, 'charts': 1, 'records': 2, 'grid': 1}  # records: the list and the card

        later = eyelet_database(tmp_path, 'later')
        dashboard.catalog.add(later)
        await user.should_see('later', retries=100)
        await eventually(lambda: held(dashboard, shop) == before)  # the old elements let go; nothing doubled
        assert grids(user) == 2
        hooks = dashboard.watchers[dashboard.catalog.databases[0].id]
        assert hooks.live.viewers(Query(relation='hooks', limit=DEFAULT_FEED.limit)) == 1

        write(shop, "INSERT INTO orders (customer) VALUES ('grace')")  # the next commit reaches live grids only
        await user.should_see('orders: 2 rows', retries=100)
        log_event(tmp_path / 'later', cc.stop)
        await eventually(lambda: dashboard.hook_feeds.acquire(DEFAULT_FEED).live.total == 3)
        await dashboard.hook_feeds.release(DEFAULT_FEED)


async def test_closing_the_tab_lets_go_of_everything(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with simulated_app(Settings(databases=(shop,), show=False)) as (user, dashboard):
        await user.open('/')
        await user.should_see('orders: 1 row', retries=100)
        (records,) = dashboard.records.values()
        query = records_query(records)
        assert held(dashboard, shop) == {'hook feed': 1, 'charts': 1, 'records': 2, 'grid': 1}
        assert user.client is not None
        user.client.delete()
        await eventually(lambda: (dashboard.hook_feeds.viewers(DEFAULT_FEED), dashboard.charts.viewers,
                                  records.viewers, dashboard.feeds[records.database.id].viewers(query)) == (0, 0, 0, 0))
        assert records.live is None  # and nothing is read for nobody
        assert dashboard.watchers[records.database.id].live.viewers(query) == 0


async def test_choosing_another_row_closes_the_last_ones_detail(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP + " INSERT INTO orders (customer) VALUES ('grace');")
    async with simulated_app(Settings(databases=(shop,), show=False)) as (user, dashboard):
        (database,) = dashboard.catalog.databases
        await user.open(f'/db/{database.id}/table/orders')
        await user.should_see('2 rows', retries=100)
        watcher = dashboard.watchers[database.id]
        subscribers = len(watcher.changed.callbacks)
        for key in ('1', '2', '1'):
            user.find(ui.aggrid).trigger('rowClicked', {'rowId': key})
            await user.should_see(f'Row {key}', retries=100)
        await eventually(lambda: len(watcher.changed.callbacks) == subscribers + 1)  # one open detail, not three


async def test_one_change_refreshes_the_controls_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    refreshes: list[int] = []
    original = TableView._refresh_controls

    def counted(view: TableView) -> None:
        refreshes.append(1)
        original(view)

    monkeypatch.setattr(TableView, '_refresh_controls', counted)
    async with simulated_app(Settings(databases=(shop,), show=False)) as (user, dashboard):
        (database,) = dashboard.catalog.databases
        await user.open(f'/db/{database.id}/table/orders')
        await user.should_see('1 rows', retries=100)
        await eventually(lambda: dashboard.feeds[database.id].viewers(Query(relation='orders', limit=500)) == 1)
        refreshes.clear()
        write(shop, "INSERT INTO orders (customer) VALUES ('grace')")
        await user.should_see('2 rows', retries=100)
        assert refreshes == [1]


async def test_shared_refuses_a_release_without_its_acquire() -> None:
    closed: list[str] = []

    async def close(key: str, value: str) -> None:
        closed.append(value)

    shared: Shared[str, str] = Shared(str.upper, close)
    assert shared.acquire('a') == 'A'
    assert shared.acquire('a') == 'A'
    await shared.release('a')
    assert (closed, shared.viewers('a')) == ([], 1)
    await shared.release('a')
    assert (closed, shared.viewers('a')) == (['A'], 0)
    with pytest.raises(NotAcquired, match=re.escape("'a' was released more often than it was acquired.")):
        await shared.release('a')
    shared.acquire('b')
    with pytest.raises(NotAcquired):
        await shared.release('c')  # someone else's view goes on
    assert (shared.viewers('b'), closed) == (1, ['A'])
    await shared.close()  # the app stops before the tab that holds `b` is closed
    await shared.release('b')
    assert closed == ['A', 'B']


async def test_newest_records_follow_one_change_at_a_time(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A burst of commits once ran the table follow-up concurrently: both switched tables, and the old table's
    live query was released twice (stopping another view's) while the new one was held twice."""
    shop = make_database(tmp_path / 'shop.db', SHOP)
    dashboard = Dashboard(Settings(databases=(shop,), show=False))
    await dashboard.start()
    try:
        (records,) = dashboard.records.values()
        watcher = records.watcher
        records.acquire()
        await eventually(lambda: records.live is not None)
        write(shop, 'DROP TABLE orders', 'CREATE TABLE invoices (id INTEGER PRIMARY KEY)')
        for _ in range(50):
            watcher.changed.emit()
        await eventually(lambda: records.live is not None and records.live.query.relation == 'invoices')
        await eventually(lambda: watcher.live.viewers(Query(relation='orders', limit=records.limit)) == 0)
        assert watcher.live.viewers(Query(relation='invoices', limit=records.limit)) == 1
        await records.release()
        assert (records.live, watcher.live.viewers(Query(relation='invoices', limit=records.limit))) == (None, 0)
    finally:
        await dashboard.stop()
    assert [record for record in caplog.records if record.levelname == 'ERROR'] == []


async def test_an_export_ends_its_progress_subscription(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with simulated_app(Settings(databases=(shop,), show=False)) as (user, dashboard):
        (database,) = dashboard.catalog.databases
        await user.open(f'/db/{database.id}/table/orders')
        await user.should_see('1 rows', retries=100)
        before = len(dashboard.exports.progress.callbacks)
        for _ in range(3):
            (csv,) = [item for item in user.find(kind=ui.menu_item).elements
                      if any(getattr(part, 'text', None) == 'CSV' for part in item.descendants())]
            UserInteraction(user, {csv}, None).click()
            response = await user.download.next(timeout=15)
            assert response.text.splitlines() == ['id,customer', '1,ada']
            await user.should_see('Exported 1 rows of orders', retries=100)
        await eventually(lambda: len(dashboard.exports.progress.callbacks) == before)
