"""The surface a LAN visitor meets: every route behind the token, no file reachable by path, nothing written.

Routes are enumerated from the app itself, so a page added later is covered without editing this file.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import nicegui
import pytest
from nicegui import core
from starlette.routing import Mount, Route

from eyelet_gui.settings import Settings
from eyelet_gui.sources.query import Query, Sort
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.query_url import query_string, table_path

from .conftest import ServedApp, simulated_user
from .test_charts import acme, logged

TOKEN = 'a-token-for-these-tests-only'
SESSION = 's1'  # the session of test_charts.acme's records


def eyelet_database(tmp_path: Path) -> Path:
    return logged(acme(tmp_path, time.time()))


def urls_of_every_route(path: Path) -> list[str]:
    """One URL per route of the running app, its parameters filled with real values where the app has them."""
    values = {'database_id': database_id(path.resolve()), 'name': 'hooks', 'kind': 'csv', 'session_id': SESSION,
              'key': 'x', 'path': 'index.js'}
    urls = []
    for route in core.app.routes:
        if isinstance(route, Mount):
            urls.append(route.path + ('/socket.io/?EIO=4&transport=polling' if 'ws' in route.path else '/nicegui.js'))
        elif isinstance(route, Route) and 'GET' in (route.methods or ()):
            urls.append(re.sub(r'{(\w+)(:\w+)?}', lambda match: values[match.group(1)], route.path))
    return urls


async def test_every_route_needs_the_token(tmp_path: Path) -> None:
    path = eyelet_database(tmp_path)
    settings = Settings(databases=(path,), show=False, host='0.0.0.0', token=TOKEN)
    async with simulated_user(settings) as user:
        urls = urls_of_every_route(path)
        assert {'/', '/sessions', f'/db/{database_id(path.resolve())}/table/hooks'} <= set(urls)
        client = user.http_client
        forged = {'cookie': 'eyelet_gui_token=' + hashlib.sha256(b'guess').hexdigest()}
        for url in urls:
            for attempt in ({'url': url}, {'url': url + ('&' if '?' in url else '?') + 'token=wrong'},
                            {'url': url, 'headers': forged}):
                refused = await client.get(**attempt)
                assert (refused.status_code, 'needs its token' in refused.text) == (401, True), attempt
                assert 'acme' not in refused.text, attempt
                assert 'Bash' not in refused.text, attempt

        welcomed = await client.get(f'/?token={TOKEN}')
        assert welcomed.status_code == 303
        cookie = {'cookie': welcomed.headers['set-cookie'].split(';')[0]}
        for url in ('/', '/sessions', f'/db/{database_id(path.resolve())}/table/hooks'):
            assert (await client.get(url, headers=cookie)).status_code == 200, url


TRAVERSALS = [
    '/db/..%2F..%2F..%2Fetc%2Fpasswd', '/db/../../../etc/passwd', '/db/%2e%2e/%2e%2e/etc/passwd',
    '/db/{id}/table/..%2F..%2F..%2Fetc%2Fpasswd', '/db/{id}/table/sqlite_master%00../../etc/passwd',
    '/export/{id}/csv/..%2F..%2F..%2Fetc%2Fpasswd', '/export/{id}/csv/hooks?path=/etc/passwd',
    '/export/..%2F..%2Fetc/csv/passwd', '/sessions/{id}/..%2F..%2F..%2Fetc%2Fpasswd',
    '/db/{id}/table/hooks?filters=../../etc/passwd', '/?path=/etc/passwd&database=/etc/passwd',
    '/_nicegui/{version}/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/_nicegui/{version}/esm/x/..%2F..%2F..%2F..%2Fetc%2Fpasswd',
    '/_nicegui/{version}/components/..%2F..%2Fmain.py', '/_eyelet/..%2F..%2Fmain.py',
]


async def test_no_url_reaches_a_file_by_path(tmp_path: Path) -> None:
    """Even with the token: databases are addressed by ids, and no parameter names a file."""
    path = eyelet_database(tmp_path)
    secret = tmp_path / 'secret.db'
    secret.write_bytes(path.read_bytes())  # a SQLite file next door, not watched
    settings = Settings(databases=(path,), show=False)
    async with simulated_user(settings) as user:
        for template in TRAVERSALS:
            url = template.format(id=database_id(path.resolve()), version=nicegui.__version__)
            answer = await user.http_client.get(url)
            assert 'root:' not in answer.text, url
            assert 'def cli' not in answer.text, url
            assert 'from eyelet_gui' not in answer.text, url
            assert answer.status_code in (200, 400, 403, 404, 405), url  # 200: a page of ours, or the export
        watched = database_id(secret.resolve())
        for url in (f'/db/{watched}', f'/db/{watched}/table/hooks', f'/export/{watched}/csv/hooks'):
            answer = await user.http_client.get(url)
            assert 'Bash' not in answer.text, url


def fingerprint(path: Path) -> tuple[str, int, str]:
    """The database file's content hash and modification time, and its WAL's content hash.

    A reader of a WAL database may create an empty -wal (and the -shm index readers share), so a missing WAL
    counts as an empty one."""
    wal = path.with_name(path.name + '-wal')
    return (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns,
            hashlib.sha256(wal.read_bytes() if wal.exists() else b'').hexdigest())


@pytest.mark.browser
async def test_browsing_every_page_writes_nothing(served_app: Callable[..., ServedApp], browser: Any,
                                                  tmp_path: Path) -> None:
    path = eyelet_database(tmp_path)
    before = fingerprint(path)
    app = served_app(str(path))
    id_ = database_id(path.resolve())
    page = await browser.new_page()
    table = table_path(id_, 'hooks') + query_string(Query(relation='hooks', search='Bash',
                                                          sort=(Sort('duration_ms', descending=True),)))
    for url, shows in (('/', 'Live hook feed'), ('/sessions', SESSION), (f'/db/{id_}', 'hooks'),
                       (f'/sessions/{id_}/{SESSION}', 'tool calls'), (table, '6 of 14 rows match')):
        await page.goto(app.url + url)
        await page.get_by_text(shows).first.wait_for(timeout=15_000)
    await page.locator('.ag-row').first.click()  # the row detail panel
    await page.get_by_text('Copy').first.wait_for(timeout=15_000)
    async with httpx.AsyncClient(base_url=app.url) as client:
        export = await client.get(f'/export/{id_}/csv/hooks')
        assert export.status_code == 200
        assert export.text.count('\n') == 15  # header and the 14 records
    app.stop()
    assert fingerprint(path) == before
