"""The first page, through NiceGUI's simulated user: databases listed, newest records shown, demo offered."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui
from nicegui.testing.user import User

from eyelet_gui.settings import Settings

from .conftest import make_database, simulated_user

SHOP = """
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL);
INSERT INTO orders (customer, total) VALUES ('ada', 12.5), ('grace', 7.0), ('linus', 99.99);
"""


def records_grid(user: User) -> ui.aggrid:
    """The newest-records grid of the page's one generic database (the other grid is the hook feed)."""
    (grid,) = [grid for grid in user.find(ui.aggrid).elements if grid.options['columnDefs']
               and grid.options['columnDefs'][0]['field'] == 'c0' and grid.options['columnDefs'][0]['headerName']
               != 'time']
    return grid


async def test_lists_databases_and_newest_records_first(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with simulated_user(Settings(databases=(shop,), show=False)) as user:
        await user.open('/')
        await user.should_see('shop.db')
        await user.should_see(str(shop))
        await user.should_see('orders: 3 rows', retries=150)  # a burst of changes shows within a second
        grid = records_grid(user)
        assert [column['headerName'] for column in grid.options['columnDefs']] == ['id', 'customer', 'total']
        assert grid.options['rowData'] == [
            {'__key': '3', 'c0': '3', 'c1': 'linus', 'c2': '99.99'},
            {'__key': '2', 'c0': '2', 'c1': 'grace', 'c2': '7.0'},
            {'__key': '1', 'c0': '1', 'c1': 'ada', 'c2': '12.5'}]


async def test_hostile_column_names_travel_under_safe_field_ids(tmp_path: Path) -> None:
    hostile = make_database(tmp_path / 'hostile.db', """
        CREATE TABLE "<img src=x onerror=alert(1)>" (":alert(1)" TEXT, "x" TEXT);
        INSERT INTO "<img src=x onerror=alert(1)>" VALUES ('<script>alert(2)</script>', ':alert(3)');
    """)
    async with simulated_user(Settings(databases=(hostile,), show=False)) as user:
        await user.open('/')
        await user.should_see('<img src=x onerror=alert(1)>: 1 row', retries=150)
        grid = records_grid(user)
        assert [(column['field'], column['headerName']) for column in grid.options['columnDefs']] == [
            ('c0', ':alert(1)'), ('c1', 'x')]
        assert grid.options['rowData'] == [{'__key': '1', 'c0': '<script>alert(2)</script>', 'c1': ':alert(3)'}]


async def test_unreadable_database_gets_a_sentence(tmp_path: Path) -> None:
    broken = tmp_path / 'broken.db'
    broken.write_bytes(b'SQLite format 3\x00' + b'\xff' * 2000)  # right header, garbage after it
    async with simulated_user(Settings(databases=(broken,), show=False)) as user:
        await user.open('/')
        await user.should_see(f'{broken} is not a SQLite database, or it is encrypted or corrupt.', retries=150)


async def test_no_database_offers_the_demo(tmp_path: Path) -> None:
    async with simulated_user(Settings(show=False, search_roots=(tmp_path,))) as user:
        await user.open('/')
        await user.should_see('No eyelet database found')
        await user.should_see(f'eyelet-gui looked in {tmp_path}.', retries=1)
        user.find('Start the demo').click()
        await user.should_see('demo-project', retries=50)
        await user.should_see('hooks: ', retries=150)  # a burst of commits shows in the list once a second


async def test_colour_mode_follows_the_system_then_cycles(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', SHOP)
    async with simulated_user(Settings(databases=(shop,), show=False)) as user:
        await user.open('/')
        dark = user.find(ui.dark_mode).elements.pop()
        seen = [dark.value]
        for _ in range(3):
            user.find(marker='colour-mode').click()
            seen.append(dark.value)
        assert seen == [None, True, False, None]
