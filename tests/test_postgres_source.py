"""PostgreSQL as a source of the dashboard, against a real server: a table live in Chromium through a role that may
only SELECT, beside an SQLite file; the team's eyelet records forwarded into it, in its table and the hook feed;
read-only sessions, the time limit, redaction that no search gets round, exports on one snapshot, notifications,
and a server that goes away, comes back, or stops answering."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.sources.export import export_chunks
from eyelet_gui.sources.eyelet.team_hooks import SCHEMA as TEAM_SCHEMA
from eyelet_gui.sources.postgres.changes import PostgresChangeDetector
from eyelet_gui.sources.postgres.connection import shown_url
from eyelet_gui.sources.postgres.reader import PostgresReader
from eyelet_gui.sources.query import Filter, Query, Sort, Statement, count_statement, row_statement, window_statement
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.catalog import Catalog, database_id
from eyelet_gui.state.eyelet import event_tail
from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.eyelet.event_tail import RecordsPast
from eyelet_gui.state.eyelet.session_story import StoryCounts
from eyelet_gui.state.eyelet.session_timeline import SessionTimeline
from eyelet_gui.state.eyelet.sessions import SessionList
from eyelet_gui.state.live.watcher import Watcher

from .conftest import DEADLINE, GRID_API, ServedApp, make_database, wait_for
from .eyelet_logger import log_event, log_payloads
from .postgres_server import PostgresServer
from .records import BASH, Session
from .test_api import events
from .test_charts import CHART, CHARTS_DRAWN
from .test_engine import eventually
from .test_feed_records import ROWS, cells
from .test_forward import Forward, forwarded
from .test_live_table import open_table, row
from .test_no_secret_leaves import leaks, log_secrets, planted, random_parts
from .test_real_records import git_project
from .test_session_list import BRANCH

ORDERS = """
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer text, note jsonb,
                     placed timestamptz NOT NULL DEFAULT '2026-12-01 10:00:00+00', total numeric(8, 2));
INSERT INTO orders (customer, note, total)
SELECT 'customer ' || g, jsonb_build_object('n', g), g * 1.5 FROM generate_series(1, 30) AS g;
CREATE TABLE unkeyed (label text, amount integer);
INSERT INTO unkeyed VALUES ('one', 1), ('two', 2);
CREATE VIEW big_orders AS SELECT id, customer, total FROM orders WHERE total > 30;
"""
VIEWER = 'viewer'
VIEWER_PASSWORD = 'viewer-password-1'


def shop(postgres: PostgresServer, name: str, secret: str) -> str:
    """A database with ORDERS, one order carrying `secret` in its note, and a role that may only read it: its URL."""
    postgres.database(name)
    postgres.execute(ORDERS, database=name)
    postgres.execute("INSERT INTO orders (customer, note, total) VALUES ('secretive', %s, 1)",
                     (json.dumps({'api_key': secret, 'comment': f'ANTHROPIC_API_KEY={secret}'}),), database=name)
    postgres.execute(f"DO $$ BEGIN CREATE ROLE {VIEWER} LOGIN PASSWORD '{VIEWER_PASSWORD}'; "
                     'EXCEPTION WHEN duplicate_object THEN NULL; END $$')
    postgres.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO {VIEWER}', database=name)
    return postgres.url(VIEWER, VIEWER_PASSWORD, name)


async def test_a_table_is_live_in_the_browser_through_a_select_only_role(
        postgres: PostgresServer, served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    secret = planted()['anthropic']
    url = shop(postgres, 'shop', secret)
    local = make_database(tmp_path / 'local.db', 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);')
    app = served_app(url, str(local))
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        listed = (await client.get('/api/v1/databases')).json()['databases']
    assert [(database['name'], database['kind'], database['path']) for database in listed] == [
        ('local.db', 'SQLite', str(local.resolve())),
        (f'shop on 127.0.0.1:{postgres.port}', 'PostgreSQL', f'postgresql://viewer@127.0.0.1:{postgres.port}/shop')]
    pg = database_id(shown_url(url))

    page = await open_table(browser, f'{app.url}/db/{pg}/table/orders')
    await page.get_by_text('31 rows').wait_for(timeout=15_000)
    assert await row(page, '30').locator('.ag-cell').all_inner_texts() == [
        '30', 'customer 30', '{"n": 30}', '2026-12-01T10:00:00+00:00', '45.0']
    ids_before = await page.evaluate(f'(() => {{ const ids = []; {GRID_API}.forEachNode(n => ids.push(n.id)); '
                                     'return ids; })()')
    postgres.execute("INSERT INTO orders (customer, total) VALUES ('grace', 7.25)", database='shop')
    await row(page, '32').wait_for(timeout=15_000)  # commit → row: p50/p95 in docs/benchmarks.md
    assert await row(page, '32').locator('.ag-cell').all_inner_texts() == [
        '32', 'grace', '', '2026-12-01T10:00:00+00:00', '7.25']
    ids_after = await page.evaluate(f'(() => {{ const ids = []; {GRID_API}.forEachNode(n => ids.push(n.id)); '
                                    'return ids; })()')
    assert sorted(ids_after, key=int) == sorted([*ids_before, '32'], key=int)  # one row added, the rest kept
    postgres.execute("UPDATE orders SET customer = 'grace hopper' WHERE id = 32", database='shop')
    await row(page, '32').get_by_text('grace hopper').wait_for(timeout=15_000)
    postgres.execute('DELETE FROM orders WHERE id = 32', database='shop')
    await row(page, '32').wait_for(state='detached', timeout=15_000)
    await page.get_by_text('31 rows').wait_for(timeout=15_000)

    await row(page, '31').locator('[col-id="c1"]').click()  # the row's every value, by its key
    detail = page.locator('.row-detail')
    await detail.get_by_text('Copy row as JSON').wait_for(timeout=15_000)
    shown = [line for line in (await detail.inner_text()).split('\n') if line not in ('', 'close', 'content_copy')]
    mark = f'…[redacted, {len(secret)} chars] '
    assert shown == ['Row 31', 'COPY ROW AS JSON', 'id', '31', 'customer', 'secretive', 'note', '{', 'api_key', ':',
                     mark, 'comment', ':', f'ANTHROPIC_API_KEY=sk-ant-{mark}', '}', 'placed',
                     '2026-12-01T10:00:00+00:00', 'total', '1.0']  # JSON as a tree
    await detail.locator('button').first.click()  # close

    # A search matches what the browser sees: the note's key name, never the redacted key itself.
    await page.get_by_placeholder('Search text columns').fill(secret[7:19])
    await page.get_by_text('0 of 31 rows match').wait_for(timeout=15_000)
    await page.get_by_placeholder('Search text columns').fill('api_key')
    await page.get_by_text('1 of 31 rows match').wait_for(timeout=15_000)
    assert leaks([await page.content()], [secret[7:]]) == []

    unkeyed = await open_table(browser, f'{app.url}/db/{pg}/table/unkeyed')  # no primary key: keyed by content
    await unkeyed.get_by_text('2 rows').wait_for(timeout=15_000)
    postgres.execute("INSERT INTO unkeyed VALUES ('three', 3)", database='shop')
    await unkeyed.get_by_text('3 rows').wait_for(timeout=15_000)
    assert sorted(await unkeyed.locator('.ag-center-cols-container [col-id="c0"]').all_inner_texts()) == [
        'one', 'three', 'two']

    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        await api_and_exports(client, postgres, pg, secret)
    output = app.stop()
    assert VIEWER_PASSWORD not in output


async def api_and_exports(client: httpx.AsyncClient, postgres: PostgresServer, pg: str, secret: str) -> None:
    """The JSON API, its change stream and an export of the `shop` database, as a script gets them."""
    api = await client.get(f'/api/v1/db/{pg}/table/big_orders',
                           params={'q': 'customer 2', 'sort': json.dumps([['total', 'desc']])})
    assert api.json()['rows'][:3] == [{'id': 29, 'customer': 'customer 29', 'total': 43.5},
                                      {'id': 28, 'customer': 'customer 28', 'total': 42.0},
                                      {'id': 27, 'customer': 'customer 27', 'total': 40.5}]
    async with client.stream('GET', f'/api/v1/db/{pg}/table/orders/changes?limit=2') as response:
        stream = events(response)
        _, name, snapshot = await anext(stream)
        assert (name, [row['key'] for row in snapshot['rows']], snapshot['total']) == ('snapshot', ['31', '30'], 31)
        postgres.execute("INSERT INTO orders (customer, total) VALUES ('ada', 2)", database='shop')
        _, name, change = await anext(stream)
        assert (name, [(row['index'], row['key'], row['row']['customer']) for row in change['added']],
                change['removed'], change['total']) == ('change', [(0, '33', 'ada')], ['30'], 32)
    refused = await client.get(f'/api/v1/db/{pg}/sql', params={'sql': 'SELECT 1'})
    assert (refused.status_code, refused.json()) == (400, {'error': (
        f'The SQL page reads SQLite databases only; postgresql://viewer@127.0.0.1:{postgres.port}/shop is '
        'PostgreSQL, which psql reads with your own role.')})
    exported = (await client.get(f'/export/{pg}/csv/orders')).text
    mark = f'…[redacted, {len(secret)} chars]'
    assert exported.splitlines()[:3] == [
        'id,customer,note,placed,total',
        '33,ada,,2026-12-01T10:00:00+00:00,2.0',
        f'31,secretive,"{{""api_key"": ""{mark}"", ""comment"": ""ANTHROPIC_API_KEY=sk-ant-{mark}""}}",'
        '2026-12-01T10:00:00+00:00,1.0']
    assert len(exported.splitlines()) == 33


async def test_the_teams_eyelet_records_arrive_live_from_the_forwarder(
        postgres: PostgresServer, served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    url = postgres.database('team_view')
    secret = planted()
    acme = log_secrets(tmp_path / 'acme', secret)  # eyelet's own code writes the records, secrets and all
    forward = Forward(str(acme), '--to', url, '--machine', 'laptop-a').started()
    try:
        wait_for(lambda: len(forwarded(postgres, 'team_view')) == 6, what='the six records forwarded')
        app = served_app(url)
        page = await open_table(browser, f'{app.url}/db/{database_id(shown_url(url))}/table/eyelet_hooks')
        await page.get_by_text('6 rows').wait_for(timeout=15_000)
        log_event(tmp_path / 'acme', cc.session_start)  # eyelet logs a seventh while both run
        await page.get_by_text('7 rows').wait_for(timeout=15_000)
        # Newest first, by arrival (seq); keyed by (machine, source, id). (The count can show before the row.)
        key = json.dumps(['laptop-a', str(acme), 7])
        await page.wait_for_function(f'{GRID_API}.eyeletTopRow()?.data.__key === {json.dumps(key)}', timeout=15_000)
        newest = await page.evaluate(f'{GRID_API}.eyeletTopRow()?.data')
        assert (newest['c0'], newest['c7']) == ('7', 'SessionStart')
        # Read like the feed, as a local `hooks` table is: the time of day, not the stored seconds.
        shown_time = await page.locator('.ag-center-cols-container .ag-row[row-index="0"] [col-id="c4"]').inner_text()
        assert re.fullmatch(r'\d\d:\d\d:\d\d', shown_time), shown_time
        overview = await browser.new_page()
        await overview.goto(app.url)
        await overview.get_by_text('eyelet_hooks: 7 rows').wait_for(timeout=15_000)
        # The hook feed reads eyelet_hooks as it reads a local `hooks`: what each record was about, calls paired.
        await overview.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 7', timeout=15_000)
        # (A file's path is cut in its middle to fit its cell, where depends on the test's folder: shown as FILE.)
        files = f'{tmp_path}/acme/.ssh/'
        command = 'export AWS_SECRET_ACCESS_KEY=…[redacted, 40 chars] && aws s3 ls — List'
        def shown(cell: str) -> str:  # whole, or its start and its end around `…` (a long tmp_path)
            head, cut, tail = cell.partition('…')
            whole = cell.startswith(files)
            in_two = bool(cut) and files.startswith(head) and (files + tail.rsplit('/', 1)[-1]).endswith(tail)
            return 'FILE' if whole or in_two else cell
        assert [tuple(shown(cell) for cell in cells(row))
                for row in await overview.evaluate(ROWS)] == [
            ('SessionStart', '', 'startup', '', ''),
            ('PostToolUse', 'Read', 'FILE', 'ok', '500'),
            ('PreToolUse', 'Read', 'FILE', 'ok', '500'),
            ('PostToolUse', 'Bash', command, 'ok', '500'),
            ('PreToolUse', 'Bash', command, 'ok', '500'),
            ('UserPromptSubmit', '', 'push with my token ghp_…[redacted, 40 chars] please', '', ''),
            ('SessionStart', '', 'startup', '', '')]
        calls = f"{CHART.format(index=1)}.$el.data[0].x"  # the charts count them too: calls per tool
        await overview.wait_for_function(f'{CHARTS_DRAWN} && {calls}.length === 2', timeout=15_000)
        assert sorted(await overview.evaluate(calls)) == ['Bash', 'Read']
        assert leaks([await page.content(), await overview.content()], random_parts(secret)) == []
    finally:
        forward.stop()


async def test_reads_are_read_only_timed_and_redacted(postgres: PostgresServer) -> None:
    secret = planted()['anthropic']
    shop(postgres, 'rules', secret)
    reader = PostgresReader(postgres.url(database='rules'), time_limit=0.5)  # the superuser: only the session stops it
    try:
        with pytest.raises(DatabaseProblem) as refused:
            await reader.fetch(Statement("INSERT INTO orders (customer) VALUES ('intruder')"))
        assert str(refused.value) == (f'PostgreSQL at postgresql://postgres@127.0.0.1:{postgres.port}/rules refused a '
                                      'statement: cannot execute INSERT in a read-only transaction.')
        with pytest.raises(DatabaseProblem) as slow:
            await reader.fetch(Statement('SELECT pg_sleep(5)'))
        assert (slow.value.kind, str(slow.value)) == ('too slow', (
            f'Reading postgresql://postgres@127.0.0.1:{postgres.port}/rules took longer than 0.5 s and was stopped: '
            'add an index for the sort, or narrow the filter.'))
        assert await reader.value(Statement("SELECT count(*) FROM orders WHERE customer = 'intruder'")) == 0

        relations = {relation.name: relation for relation in await reader.relations()}
        assert [(name, relation.kind, relation.key, relation.increasing_key) for name, relation in relations.items()] \
            == [('orders', 'table', ('id',), 'id'), ('big_orders', 'view', (), None), ('unkeyed', 'table', (), None)]
        orders = relations['orders']
        # NULLs where SQLite puts them, said only for a nullable column: `id DESC NULLS LAST` would not use its index.
        assert window_statement(orders, Query(relation='orders', sort=(Sort('customer', descending=True),))).sql == (
            'SELECT "id" AS __key0, * FROM "orders" ORDER BY "customer" DESC NULLS LAST, "id" DESC LIMIT ? OFFSET ?')
        stored = await reader.value(Statement('SELECT count(*) FROM orders WHERE note::text LIKE ?', (f'%{secret}%',)))
        assert stored == 1  # the key is there, stored; no search or filter finds it
        for query in (Query(relation='orders', search=secret[7:]),
                      Query(relation='orders', filters=(Filter('note', 'contains', secret),)),
                      Query(relation='orders', filters=(Filter('note', '=', json.dumps(
                          {'api_key': secret, 'comment': f'ANTHROPIC_API_KEY={secret}'})),)),
                      Query(relation='orders', filters=(Filter('customer', '=', 'secretive'),
                                                        Filter('note', 'starts with', '{"api_key": "sk'),))):
            assert await reader.value(count_statement(orders, query)) == 0, query
            assert (await reader.fetch(window_statement(orders, query))).rows == [], query
        found = await reader.fetch(window_statement(orders, Query(relation='orders', search='SECRETIVE', limit=5)))
        assert [row[:3] for row in found.rows] == [(31, 31, 'secretive')]
        second_page = Query(relation='orders', search='customer 1', limit=3, offset=3)
        assert [row[0] for row in (await reader.fetch(window_statement(orders, second_page))).rows] == [16, 15, 14]
        assert await reader.value(count_statement(orders, second_page)) == 11
        assert (await reader.fetch(row_statement(orders, (31,)))).rows[0][-3:-1] == (
            json.dumps({'api_key': f'…[redacted, {len(secret)} chars]',
                        'comment': f'ANTHROPIC_API_KEY=sk-ant-…[redacted, {len(secret)} chars]'}, ensure_ascii=False),
            '2026-12-01T10:00:00+00:00')
    finally:
        await reader.close()


async def test_a_server_that_goes_away_is_said_and_read_again_when_back() -> None:
    server = PostgresServer()  # a cluster of its own: it is stopped midway
    try:
        url = server.database('flaky')
        server.execute('CREATE TABLE t (id int PRIMARY KEY)', database='flaky')
        reader = PostgresReader(url)
        first = reader.generation
        assert await reader.value(Statement('SELECT count(*) FROM t')) == 0
        server.halt()
        with pytest.raises(DatabaseProblem) as gone:
            await reader.value(Statement('SELECT count(*) FROM t'))
        assert gone.value.kind == 'unreachable'
        assert str(gone.value).startswith(f'Cannot reach PostgreSQL at {shown_url(url)}: ')
        assert 'postgres-for-tests' not in str(gone.value)
        server.start()
        server.execute('INSERT INTO t VALUES (1)', database='flaky')
        assert await reader.value(Statement('SELECT count(*) FROM t')) == 1
        assert reader.generation > first

        frozen = [server.process.pid, *map(int, subprocess.run(  # the server and its backends stop answering
            ['pgrep', '-P', str(server.process.pid)], capture_output=True, text=True, check=True).stdout.split())]
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(DatabaseProblem) as silent:
                await reader.value(Statement('SELECT count(*) FROM t'))
        finally:
            for pid in frozen:
                os.kill(pid, signal.SIGCONT)
        assert (silent.value.kind, str(silent.value)) == ('unreachable', (
            f'PostgreSQL at {shown_url(url)} has not answered for 10 s: what is shown may be out of date. '
            'Trying again.'))
        assert await reader.value(Statement('SELECT count(*) FROM t')) == 1
        await reader.close()
    finally:
        await asyncio.to_thread(server.stop)


async def test_hostile_names_and_values_stay_names_and_values(postgres: PostgresServer) -> None:
    """A hostile value or name is a value or a name: `?` and `%` in them are not placeholders."""
    postgres.database('hostile')
    postgres.execute('CREATE TABLE "we?ird%%name" ("co?l%%" text PRIMARY KEY)', database='hostile')  # psycopg: %%
    postgres.execute("""INSERT INTO "we?ird%%name" VALUES ('50%% off?'), ('''; DROP TABLE x; --')""",
                     database='hostile')
    reader = PostgresReader(postgres.url(database='hostile'))
    try:
        (relation,) = await reader.relations()
        query = Query(relation=relation.name, filters=(Filter('co?l%', 'contains', '% off?'),))
        assert (await reader.fetch(window_statement(relation, query))).rows == [('50% off?', '50% off?')]
    finally:
        await reader.close()


async def test_a_notification_wakes_the_views_at_once(postgres: PostgresServer) -> None:
    """With `--pg-listen`, the poll waits a minute here: only the notification can tell of the commit in time."""
    url = postgres.database('notifying')
    postgres.execute('CREATE TABLE t (id int PRIMARY KEY)', database='notifying')
    postgres.execute("CREATE FUNCTION tell() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                     "PERFORM pg_notify('Commits', ''); RETURN NULL; END $$", database='notifying')
    postgres.execute('CREATE TRIGGER tell AFTER INSERT ON t EXECUTE FUNCTION tell()', database='notifying')
    detector = PostgresChangeDetector(url, listen='Commits', backup_interval=60)
    observations = detector.observe()
    first = await anext(observations)
    assert (first.problem, first.version is not None) == (None, True)
    await asyncio.sleep(0.5)  # listening by then, and the poll asleep for a minute
    postgres.execute('INSERT INTO t VALUES (1)', database='notifying')
    try:
        changed = await asyncio.wait_for(anext(observations), DEADLINE)
        assert changed.version != first.version
        assert detector.checks <= 4  # the first, the commit's (perhaps one as it began), none of the poll's
    finally:
        await observations.aclose()


async def test_an_export_reads_one_snapshot_in_chunks(postgres: PostgresServer) -> None:
    """Every row once, as it was when the export began, through a row committed half way; a search's rows only."""
    secret = planted()['anthropic']
    shop(postgres, 'exported', secret)
    reader = PostgresReader(postgres.url(database='exported'))
    try:
        orders = {relation.name: relation for relation in await reader.relations()}['orders']
        chunks = export_chunks(reader, orders, Query(relation='orders', sort=(Sort('id'),)), 'csv', lambda rows: None,
                               chunk_rows=7)
        text = [await anext(chunks), await anext(chunks)]  # the start, then the first chunk: the cursor is open
        assert text[1].count('\n') == 8
        postgres.execute("INSERT INTO orders (customer, total) VALUES ('late', 1)", database='exported')
        text.extend([chunk async for chunk in chunks])
        lines = ''.join(text).splitlines()
        assert [line.split(',')[0] for line in lines] == ['id', *map(str, range(1, 32))]
        assert lines[31].endswith(f'ANTHROPIC_API_KEY=sk-ant-…[redacted, {len(secret)} chars]""}}",'
                                  '2026-12-01T10:00:00+00:00,1.0')
        by_secret = Query(relation='orders', search=secret[7:20])
        searched = export_chunks(reader, orders, by_secret, 'json', lambda rows: None)
        assert json.loads(''.join([chunk async for chunk in searched])) == []
    finally:
        await reader.close()


async def test_a_record_committed_after_a_later_one_is_still_read(postgres: PostgresServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Two forwarders at once: the transaction that took `seq` 1 commits after the one that took 2. A tail past the
    largest key read would never read 1."""
    url = postgres.database('out_of_order')
    postgres.execute(TEAM_SCHEMA, database='out_of_order')
    monkeypatch.setattr(event_tail, 'SETTLE', 0.5)
    reader = PostgresReader(url)
    hooks = {relation.name: relation for relation in await reader.relations()}['eyelet_hooks']
    past = RecordsPast(0)

    async def read() -> list[int]:
        return [row[0] for rows in [rows async for rows in past.batches(reader.fetch, hooks, 2)] for row in rows]

    def record(id_: int) -> str:
        return ("INSERT INTO eyelet_hooks (machine, source, id, timestamp, session_id, hook_type, data) "
                f"VALUES ('m', 's', {id_}, 1.0, 'one', 'SessionStart', '{{}}')")

    try:
        with psycopg.connect(url) as slow:
            slow.execute(record(1))  # holds seq 1, not committed
            postgres.execute(record(2), database='out_of_order')
            assert await read() == [2]
            slow.commit()
        assert await read() == [1]
        postgres.execute(f'{record(3)}; {record(4)}; {record(5)}', database='out_of_order')
        assert await read() == [3, 4, 5]  # in batches of two
        await asyncio.sleep(0.6)
        assert (await read(), await read()) == ([], [])  # settled past 5: each once
        assert past.last == 5
    finally:
        await reader.close()


async def test_sessions_and_timelines_read_the_teams_records(postgres: PostgresServer, tmp_path: Path) -> None:
    cwd, _ = git_project(tmp_path)
    now = time.time()
    alpha = (Session('alpha', str(cwd)).prompt(now - 100, 'Fix the flaky test')
             .call(now - 90, now - 89, 'a1', 'Bash', BASH, error='Exit code 1').begin(now - 70, 'a3', 'Bash', BASH))
    path = log_payloads(cwd, alpha.events)  # eyelet's own logger, on this machine
    url = postgres.database('team_sessions')
    forward = Forward(str(path), '--to', url, '--machine', 'laptop-a').started()
    watcher = Watcher(Catalog(urls=[url]).databases[0], poll_interval=1.0, max_push_rate=10)  # another machine
    watcher.start()
    attention = Attention({watcher.database.id: watcher})
    attention.start()
    sessions = SessionList(attention)
    sessions.loop.start()
    timeline = SessionTimeline(watcher, 'alpha')
    try:
        # The forwarder starts, creates the team's table and copies the records: slow on a loaded machine.
        await eventually(lambda: len(sessions.rows) == 1, timeout=2 * DEADLINE)
        # state, project, branch, session, last prompt, prompts, calls, failures, running, duration
        assert [(key, row[:10]) for key, row in sessions.rows] == [
            (f'{watcher.database.id}:alpha', ('working', str(cwd), BRANCH, 'alpha', 'Fix the flaky test', 1, 2, 1, 1,
                                              30.0))]
        log_payloads(cwd, Session('alpha', str(cwd)).end(now - 5, 'a3', 'Bash', BASH).finish(now).events)
        await eventually(lambda: sessions.rows[0][1][0] == 'ended')
        assert sessions.rows[0][1][:10] == ('ended', str(cwd), BRANCH, 'alpha', 'Fix the flaky test', 1, 2, 1, 0,
                                            100.0)
        await timeline.refresh()
        assert (timeline.problem, timeline.story.counts) == (None, StoryCounts(events=6, prompts=1, calls=2,
                                                                               failed=1, running=0, abandoned=0))
    finally:
        await sessions.stop()
        await attention.stop()
        await watcher.stop()
        forward.stop()
