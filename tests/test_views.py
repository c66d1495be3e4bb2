"""Table views without a browser: URLs round-trip, headers cycle the sort, the shared grid rows follow deltas,
and the database and table pages answer bad links with a sentence."""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from nicegui import ui

from eyelet_gui.components.table_view import next_sort
from eyelet_gui.settings import Settings
from eyelet_gui.sources.query import Filter, Query, Sort
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.grid_feed import GridFeed, grid_row
from eyelet_gui.state.live.query_url import UrlProblem, query_from_params, query_string, table_path

from .conftest import make_database, simulated_user
from .test_engine import ITEMS, eventually, watching
from .writer import write


def test_query_round_trips_through_its_url() -> None:
    query = Query(relation='hooks', filters=(Filter('hook_type', '=', 'Stop'), Filter('error_code', 'is not null'),
                                              Filter('duration_ms', '>', 250)),
                  search='pytest "-q"', sort=(Sort('timestamp', True),), limit=1000, offset=2000)
    params = dict(parse_qsl(query_string(query)[1:]))
    assert query_from_params('hooks', params) == query
    assert query_string(Query(relation='hooks', limit=500)) == '', 'the default view has a bare URL'


@pytest.mark.parametrize(('params', 'sentence'), [
    ({'page': 'two'}, '`page` and `limit` must be whole numbers.'),
    ({'filters': '[["a", "LIKE", "x"]]'},
     '["a", "LIKE", "x"] is not a filter: expected ["column", "operator", value].'),
    ({'sort': '{"a": 1}'}, '`sort` must be a JSON list.'),
    ({'sort': 'nope'}, '`sort` is not valid JSON.'),
])
def test_bad_urls_get_a_sentence(params: dict[str, str], sentence: str) -> None:
    with pytest.raises(UrlProblem) as problem:
        query_from_params('hooks', params)
    assert str(problem.value) == sentence


def test_table_path_never_contains_the_file_path() -> None:
    assert table_path('abc123', 'a/b c?"') == '/db/abc123/table/a%2Fb%20c%3F%22'


def test_header_clicks_cycle_the_sort() -> None:
    assert next_sort((), 'total') == (Sort('total'),)
    assert next_sort((Sort('total'),), 'total') == (Sort('total', True),)
    assert next_sort((Sort('total', True),), 'total') == ()
    assert next_sort((Sort('total', True),), 'name') == (Sort('name'),)


async def test_grid_rows_follow_every_delta(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'items.db', 'PRAGMA journal_mode = WAL;' + ITEMS)
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items', limit=3))
        await eventually(lambda: live.total == 4)
        feed = GridFeed(live)
        rows = feed.rows
        write(path, "INSERT INTO items (name, qty) VALUES ('kiwi', 5)", "UPDATE items SET qty = 0 WHERE id = 3",
              'DELETE FROM items WHERE id = 4')
        await eventually(lambda: [row['c1'] for row in feed.rows] == ['kiwi', 'plum', 'pear'])
        assert feed.rows == [grid_row(key, values) for key, values in live.rows]
        assert feed.rows is rows, 'every grid element keeps holding the same list'
        assert feed.rows[1] == {'__key': '3', 'c0': '3', 'c1': 'plum', 'c2': '0'}


async def test_database_page_lists_tables_and_views_with_live_counts(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', 'PRAGMA journal_mode = WAL;' + ITEMS +
                         'CREATE VIEW plenty AS SELECT * FROM items WHERE qty > 2;')
    async with simulated_user(Settings(databases=(path.resolve(),), show=False)) as user:
        await user.open(f'/db/{database_id(path.resolve())}')
        await user.should_see('items')
        await user.should_see('table · 3 columns · key: id')
        await user.should_see('view · 3 columns · key: rows keyed by content')
        await user.should_see('4 rows')
        await asyncio.to_thread(write, path, "INSERT INTO items (name, qty) VALUES ('kiwi', 5)")
        await user.should_see('5 rows', retries=50)


async def test_every_page_of_an_unknown_database_shows_one_card_with_404(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', ITEMS)
    async with simulated_user(Settings(databases=(path.resolve(),), show=False)) as user:
        for url in ('/db/0000000000', '/db/0000000000/table/items', '/db/0000000000/sql',
                    '/sessions/0000000000/some-session'):
            answer = await user.http_client.get(url)
            sentence = 'This link names a database that eyelet-gui is not watching.'
            assert (answer.status_code, answer.text.count('No such database'), answer.text.count(sentence)) == (
                404, 1, 1), url


async def test_bad_links_get_a_page_with_a_sentence(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', ITEMS)
    async with simulated_user(Settings(databases=(path.resolve(),), show=False)) as user:
        bad = await user.http_client.get(f'/db/{database_id(path.resolve())}/table/items?page=two')
        assert (bad.status_code, '`page` and `limit` must be whole numbers.' in html.unescape(bad.text)) == (400, True)
        await user.open(f'/db/{database_id(path.resolve())}/table/nothing')
        await user.should_see("The table or view 'nothing' does not exist (any more).", retries=50)
        assert user.find(ui.aggrid).elements
