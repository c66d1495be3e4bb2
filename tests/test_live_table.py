"""The live table in Chromium, with another process writing: deltas in place, place kept, controls live, XSS inert."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from eyelet_gui.main import RECONNECT_TIMEOUT
from eyelet_gui.state.catalog import database_id

from .conftest import GRID_API, Databases, ServedApp, make_database
from .writer import write

HOSTILE_TABLE = '<img src=x onerror="window.__pwned=1">'
HOSTILE = f"""
    CREATE TABLE "{HOSTILE_TABLE.replace('"', '""')}" (id INTEGER PRIMARY KEY, ":window.__pwned=2" TEXT, payload TEXT);
    INSERT INTO "{HOSTILE_TABLE.replace('"', '""')}" VALUES (1, '<img src=x onerror="window.__pwned=3">',
        '{{":window.__pwned=4": "<script>window.__pwned=5</script>"}}');
"""


@pytest.fixture(scope='module')
def more_databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ...]:
    """The hostile database, on the module's app with the shops."""
    return (make_database(tmp_path_factory.mktemp('hostile') / 'hostile.db', HOSTILE),)


def table_url(app: ServedApp, path: Path, table: str, query: str = '') -> str:
    return f'{app.url}/db/{database_id(path.resolve())}/table/{quote(table, safe="")}{query}'


async def open_table(browser: Any, url: str) -> Any:
    page = await browser.new_page()
    await page.goto(url)
    await page.locator('.ag-row').first.wait_for(timeout=15_000)
    return page


def row(page: Any, key: str) -> Any:
    return page.locator(f'.ag-center-cols-container .ag-row[row-id="{key}"]')


async def test_insert_update_delete_appear_in_place(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    assert await row(page, '300').locator('[col-id="c1"]').inner_text() == 'customer 300'

    write(shop, "INSERT INTO orders (customer, total) VALUES ('grace', 7.25)")
    await row(page, '301').wait_for(timeout=15_000)  # commit → row in the DOM: tens of ms (bench/wire.py)
    assert await row(page, '301').locator('.ag-cell').all_inner_texts() == ['301', 'grace', '7.25']
    write(shop, "UPDATE orders SET customer = 'grace hopper' WHERE id = 301")
    await row(page, '301').get_by_text('grace hopper').wait_for(timeout=15_000)
    write(shop, 'DELETE FROM orders WHERE id = 301')
    await row(page, '301').wait_for(state='detached', timeout=15_000)
    await page.get_by_text('300 rows').wait_for(timeout=15_000)


async def test_scroll_and_selection_survive_100_inserts(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    await page.evaluate(f'{GRID_API}.ensureIndexVisible(150, "top")')
    await page.wait_for_function(f'{GRID_API}.eyeletTopRow()?.id === "150"', timeout=15_000)
    await row(page, '145').locator('[col-id="c1"]').click()
    assert await row(page, '145').get_attribute('aria-selected') == 'true'

    write(shop, "INSERT INTO orders (customer, total) VALUES ('burst {i}', {i})", repeat=100)
    await page.get_by_text('400 rows').wait_for(timeout=15_000)
    # The row at the top of the view stays there (AG Grid learns of a scroll from its event, a frame later).
    await page.wait_for_function(f'{GRID_API}.getDisplayedRowCount() === 400 && '
                                 f'{GRID_API}.eyeletTopRow()?.id === "150"', timeout=15_000)
    # While AG Grid animates rows to their new places, a moved row may briefly have two elements.
    await page.wait_for_function('document.querySelectorAll(\'.ag-center-cols-container .ag-row[row-id="145"]\')'
                                 '.length === 1', timeout=15_000)
    assert await row(page, '145').get_attribute('aria-selected') == 'true'
    assert await page.evaluate(f'{GRID_API}.getSelectedRows().map(r => r.__key)') == ['145']
    assert await page.evaluate(f'{GRID_API}.getDisplayedRowCount()') == 400


async def test_filter_shows_new_matching_rows_only(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    filters = quote(json.dumps([['customer', 'starts with', 'vip']]))
    page = await browser.new_page()
    await page.goto(table_url(app, shop, 'orders', f'?filters={filters}'))
    await page.get_by_text('0 of 300 rows match').wait_for(timeout=15_000)
    write(shop, "INSERT INTO orders (customer, total) VALUES ('vip ada', 1), ('walk-in', 2), ('vip linus', 3)")
    await row(page, '303').wait_for(timeout=15_000)
    await page.get_by_text('2 of 303 rows match').wait_for(timeout=15_000)
    assert await page.evaluate(f'{GRID_API}.getDisplayedRowCount()') == 2
    assert await row(page, '302').count() == 0
    write(shop, "UPDATE orders SET customer = 'ex-vip ada' WHERE id = 301")  # stops matching: leaves
    await row(page, '301').wait_for(state='detached', timeout=15_000)


async def test_pause_holds_changes_and_resume_applies_them(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    await page.get_by_role('button', name='Pause').click()
    write(shop, "INSERT INTO orders (customer, total) VALUES ('late', 1), ('later', 2)")
    await page.get_by_role('button', name='Resume (2 new)').wait_for(timeout=15_000)
    assert await row(page, '301').count() == 0
    await page.get_by_role('button', name='Resume (2 new)').click()
    await row(page, '302').wait_for(timeout=15_000)
    assert await page.evaluate(f'{GRID_API}.getDisplayedRowCount()') == 302


async def test_a_tab_stays_live_after_the_tab_that_opened_the_view_is_gone(
        a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    """The view's shared state outlives the tab that created it (a reload makes a new tab and drops the old
    one some seconds later): commits keep reaching the other tab before, while and after it goes."""
    app, shop = a_shop
    first = await open_table(browser, table_url(app, shop, 'orders'))
    second = await open_table(browser, table_url(app, shop, 'orders'))
    await first.close()
    closed = time.monotonic()
    key = 300
    while time.monotonic() - closed < RECONNECT_TIMEOUT + 5:  # past the moment the first tab is deleted
        key += 1
        write(shop, f"INSERT INTO orders (customer, total) VALUES ('after close {key}', 1)")
        await row(second, str(key)).wait_for(timeout=15_000)


async def test_reconnected_tab_shows_current_rows(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    # The transport drops as on a flaky network; socket.io reconnects by itself after a short delay.
    await page.evaluate('window.socket.io.engine.close()')
    write(shop, "INSERT INTO orders (customer, total) VALUES ('while away', 9)", "DELETE FROM orders WHERE id = 300",
          "UPDATE orders SET customer = 'changed while away' WHERE id = 299")
    await row(page, '301').wait_for(timeout=15_000)
    await row(page, '300').wait_for(state='detached', timeout=15_000)
    await row(page, '299').get_by_text('changed while away').wait_for(timeout=15_000)


async def test_hostile_names_and_values_stay_text(shops: Databases, more_databases: tuple[Path, ...],
                                                  browser: Any) -> None:
    app, (hostile,) = shops.app, more_databases
    table = HOSTILE_TABLE
    page = await open_table(browser, table_url(app, hostile, table))
    await row(page, '1').locator('[col-id="c1"]').click()
    await page.get_by_text('Copy row as JSON').wait_for(timeout=15_000)
    await page.get_by_text(':window.__pwned=2').first.wait_for(timeout=15_000)
    assert await row(page, '1').locator('[col-id="c1"]').inner_text() == '<img src=x onerror="window.__pwned=3">'
    await page.get_by_text(table).first.wait_for(timeout=15_000)
    for url in (app.url, f'{app.url}/db/{database_id(hostile.resolve())}'):
        await page.goto(url)
        await page.get_by_text(table).first.wait_for(timeout=15_000)
    assert await page.evaluate('window.__pwned') is None


def test_export_streams_the_current_view(a_shop: tuple[ServedApp, Path]) -> None:
    app, shop = a_shop
    before = hashlib.sha256(shop.read_bytes()).hexdigest()
    filters = quote(json.dumps([['total', '>', 440]]))
    sort = quote(json.dumps([['total', 'asc']]))
    base = f'{app.url}/export/{database_id(shop.resolve())}'
    csv = httpx.get(f'{base}/csv/orders?filters={filters}&sort={sort}', timeout=10)
    assert csv.headers['content-disposition'] == 'attachment; filename="orders.csv"'
    assert csv.text.splitlines() == ['id,customer,total', '294,customer 294,441.0', '295,customer 295,442.5',
                                     '296,customer 296,444.0', '297,customer 297,445.5', '298,customer 298,447.0',
                                     '299,customer 299,448.5', '300,customer 300,450.0']
    everything = httpx.get(f'{base}/json/orders', timeout=10).json()
    assert len(everything) == 300
    assert everything[0] == {'id': 300, 'customer': 'customer 300', 'total': 450.0}
    assert httpx.get(f'{base}/csv/no-such-table', timeout=10).status_code == 404
    assert httpx.get(f'{app.url}/export/0000000000/csv/orders', timeout=10).status_code == 404
    assert hashlib.sha256(shop.read_bytes()).hexdigest() == before, 'exporting wrote nothing to the database'
