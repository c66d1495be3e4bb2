"""The JSON API as a script uses it, on records eyelet wrote: lists, rows, the change stream, SQL, the token."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from eyelet_gui.demo import claude_code
from eyelet_gui.pages.api import COUNT_LIMIT, encoded
from eyelet_gui.sources.query import Query
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live import change_streams
from eyelet_gui.state.live.change_streams import ChangeStream
from eyelet_gui.state.live.live_query import LiveQuery

from .conftest import ServedApp, make_database
from .eyelet_logger import log_payloads
from .test_no_secret_leaves import SESSION, leaks, log_secrets, planted, random_parts

HOOKS_COLUMNS = ['id', 'timestamp', 'timestamp_iso', 'session_id', 'hook_type', 'tool_name', 'status', 'duration_ms',
                 'hostname', 'ip_address', 'project_dir', 'data', 'error_code', 'git_branch']
TOKEN = 'api-test-token-0123456789'
DEADLINE = 30.0


def logged(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """Six records eyelet wrote from Claude Code's payloads, with secrets in them."""
    secret = planted()
    return log_secrets(tmp_path / 'acme', secret), secret


def stop_record(project: Path) -> None:
    """One more record, through eyelet's own code path, in another process."""
    log_payloads(project, [(None, claude_code.stop(SESSION, str(project)))])


def api(path: Path) -> str:
    return f'/api/v1/db/{database_id(path.resolve())}'


@pytest.fixture(scope='module')
def acme(module_served_app: Callable[..., ServedApp],
         tmp_path_factory: pytest.TempPathFactory) -> tuple[ServedApp, Path, dict[str, str]]:
    """One app on the six records for the tests that only read them: the app, the database and its secrets."""
    path, secret = logged(tmp_path_factory.mktemp('api'))
    return module_served_app(str(path)), path, secret


async def test_lists_and_rows_as_the_pages_show_them(acme: tuple[ServedApp, Path, dict[str, str]]) -> None:
    app, path, secret = acme
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        listed = (await client.get('/api/v1/databases')).json()['databases']
        assert [{key: entry[key] for key in ('id', 'name', 'kind', 'path', 'page', 'tables')} for entry in listed] == [
            {'id': database_id(path.resolve()), 'name': 'acme', 'kind': 'eyelet', 'path': str(path.resolve()),
             'page': f'/db/{database_id(path.resolve())}', 'tables': f'{api(path)}/tables'}]
        tables = (await client.get(f'{api(path)}/tables')).json()['tables']
        hooks = next(table for table in tables if table['name'] == 'hooks')
        assert ([column['name'] for column in hooks['columns']], hooks['key'], hooks['rows'], hooks['kind']) == (
            HOOKS_COLUMNS, ['id'], 6, 'table')
        first = (await client.get(f'{api(path)}/table/hooks?limit=4')).json()
        assert (first['columns'], [row['id'] for row in first['rows']]) == (HOOKS_COLUMNS, [6, 5, 4, 3])
        assert first['next'] == f'{app.url}{api(path)}/table/hooks?limit=4&page=2'
        second = (await client.get(first['next'])).json()
        assert ([row['id'] for row in second['rows']], second['next']) == ([2, 1], None)
        arrays = (await client.get(f'{api(path)}/table/hooks?_shape=arrays&limit=1')).json()['rows']
        assert arrays == [[first['rows'][0][column] for column in HOOKS_COLUMNS]]
        lines = (await client.get(f'{api(path)}/table/hooks?_nl=1&filters=[["hook_type","=","PreToolUse"]]')).text
        assert [(row['id'], row['tool_name']) for row in map(json.loads, lines.splitlines())] == [(5, 'Read'),
                                                                                                   (3, 'Bash')]
        everything = [(await client.get(f'{api(path)}/table/hooks?limit=10')).text,
                      (await client.get(f'{api(path)}/sql', params={'sql': 'SELECT * FROM hooks'})).text]
    env = json.loads(first['rows'][-1]['data'])['environment']['env_vars']
    assert env['ANTHROPIC_API_KEY'] == f'…[redacted, {len(secret["anthropic"])} chars]'
    assert leaks(everything, random_parts(secret)) == []


async def test_every_refusal_of_the_api_and_the_exports_is_one_sentence_in_one_shape(
        served_app: Callable[..., ServedApp], tmp_path: Path) -> None:
    """A script reads the API and the exports alike: every refusal is `{"error": sentence}` with its status."""
    path, _ = logged(tmp_path)
    gone = make_database(tmp_path / 'gone.db', 'CREATE TABLE t (x);')
    app = served_app(str(path), str(gone))
    export = f'/export/{database_id(path.resolve())}'
    refused = {
        '/api/v1/db/nope/tables': (404, "No database has the id 'nope': GET /api/v1/databases lists them."),
        f'{api(path)}/table/nope': (404, "'nope' is not a table or view of this database."),
        f'{api(path)}/table/nope/changes': (404, "'nope' is not a table or view of this database."),
        f'{api(path)}/table/hooks?filters=[1': (400, '`filters` is not valid JSON.'),
        f'{api(path)}/table/hooks/changes?filters=[["nope","=",1]]': (400, "hooks has no column named 'nope'."),
        f'{api(path)}/table/hooks?sort=[["nope","asc"]]': (400, "hooks has no column named 'nope' to sort by."),
        f'{api(path)}/table/hooks?limit=ten': (400, '`page` and `limit` must be whole numbers.'),
        f'{api(path)}/sql?sql=selec 1': (400, 'SQLite cannot run this statement: near "selec": syntax error.'),
        f'{api(path)}/sql': (400, 'There is no statement to run: write a SELECT.'),
        f'{api(gone)}/tables': (503, f'{gone.resolve()} does not exist (it may have been deleted or moved); '
                                     'watching resumes when it is back.'),
        '/export/nope/csv/hooks': (404, "No database has the id 'nope': GET /api/v1/databases lists them."),
        f'{export}/xml/hooks': (404, "'xml' is not an export format: use csv or json."),
        f'{export}/csv/nope': (404, "'nope' is not a table or view of this database."),
        f'{export}/json/hooks?filters=[1': (400, '`filters` is not valid JSON.'),
        f'{export}/csv/hooks?sort=[["nope","asc"]]': (400, "hooks has no column named 'nope' to sort by."),
        f'/export/{database_id(gone.resolve())}/csv/t': (503, f'{gone.resolve()} does not exist (it may have been '
                                                              'deleted or moved); watching resumes when it is back.'),
    }
    gone.unlink()
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        answers = {url: ((response := await client.get(url)).status_code, response.headers['content-type'],
                         response.json()) for url in refused}
    assert answers == {url: (status, 'application/json', {'error': sentence})
                       for url, (status, sentence) in refused.items()}


async def test_a_table_count_stops_at_the_limit_and_says_so(served_app: Callable[..., ServedApp],
                                                              tmp_path: Path) -> None:
    """Listing the tables reads no table whole: a count beyond COUNT_LIMIT is said as capped, as Datasette's."""
    path = make_database(tmp_path / 'sizes.db', f"""
        CREATE TABLE big (id INTEGER PRIMARY KEY);
        INSERT INTO big WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {COUNT_LIMIT + 5})
            SELECT x FROM n;
        CREATE TABLE exact (id INTEGER PRIMARY KEY);
        INSERT INTO exact SELECT id FROM big WHERE id <= {COUNT_LIMIT};
        CREATE TABLE small (id INTEGER PRIMARY KEY);
        INSERT INTO small VALUES (1), (2), (3);""")
    app = served_app(str(path))
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        tables = (await client.get(f'{api(path)}/tables')).json()['tables']
    assert {table['name']: (table['rows'], table['rows_capped']) for table in tables} == {
        'big': (COUNT_LIMIT, True), 'exact': (COUNT_LIMIT, False), 'small': (3, False)}


async def test_a_large_answer_is_encoded_while_the_event_loop_serves_others() -> None:
    """20,000 rows of JSON take the event loop's thread for a second or more if encoded there: every page, socket
    and stream would wait. The loop keeps turning while they are encoded."""
    rows = [{'id': number, 'data': json.dumps({'tool_input': {'command': 'echo "x"' * 200}})}
            for number in range(20_000)]
    turns = 0
    encoding = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def ticker() -> None:
        nonlocal turns
        await encoding.wait()
        while True:
            turns += 1
            await asyncio.sleep(0)

    def text() -> str:
        # The ticker starts once encoding has: turns counted before it would prove nothing.
        loop.call_soon_threadsafe(encoding.set)
        return json.dumps({'rows': rows})

    ticking = asyncio.create_task(ticker())
    try:
        response = await encoded(text)
    finally:
        ticking.cancel()
    assert (len(json.loads(bytes(response.body))['rows']), turns > 0) == (20_000, True)


def file_state(path: Path) -> dict[str, str]:
    """The database's content: the file and its write-ahead log (which a reader of a WAL database opens empty)."""
    contents = {name: Path(f'{path}{name}').read_bytes() for name in ('', '-wal') if Path(f'{path}{name}').exists()}
    return {name: hashlib.sha256(content).hexdigest() for name, content in contents.items() if content}


async def test_sql_reads_only_what_the_pages_show_and_writes_nothing(served_app: Callable[..., ServedApp],
                                                                    tmp_path: Path) -> None:
    path, secret = logged(tmp_path)
    app = served_app(str(path), '--sql-time-limit', '0.5')
    before = file_state(path)
    key = "json_extract(data, '$.environment.env_vars.ANTHROPIC_API_KEY')"
    pieces = ' || '.join(f'substr({key}, {start}, 4)' for start in range(1, 120, 4))
    statements = {
        f'SELECT {pieces} AS k FROM hooks WHERE id = 1': 200,
        f"SELECT id FROM hooks WHERE {key} LIKE 'sk-ant-%'": 200,
        'SELECT substr(data, 1, 4000) FROM main.hooks': 400,
        'WITH hooks AS (SELECT data FROM main.hooks) SELECT * FROM hooks': 400,
        'SELECT sql FROM sqlite_temp_master': 400,
        'DELETE FROM hooks': 400, 'DROP TABLE hooks': 400, "ATTACH 'x.db' AS x": 400,
        'PRAGMA journal_mode = DELETE': 400, "VACUUM INTO '/tmp/copy.db'": 400, 'SELECT 1; DELETE FROM hooks': 400,
        'SELECT * FROM pragma_database_list': 400,
    }
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        answers = {sql: await client.get(f'{api(path)}/sql', params={'sql': sql}) for sql in statements}
        slow = await client.get(f'{api(path)}/sql', params={
            'sql': 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n'})
        counted = (await client.get(f'{api(path)}/sql', params={
            'sql': 'SELECT hook_type, count(*) AS n FROM hooks GROUP BY hook_type ORDER BY hook_type'})).json()
        # SQLite reads no column of the table for these once the views are flattened: they were refused once.
        whole = [(await client.get(f'{api(path)}/sql', params={'sql': sql})).json()['rows'] for sql in (
            'SELECT count(*) AS n FROM hooks', 'SELECT max(id) AS newest FROM hooks',
            'SELECT count(*) AS n FROM main.hooks')]
    assert {sql: answer.status_code for sql, answer in answers.items()} == statements
    assert leaks([answer.text for answer in answers.values()], random_parts(secret)) == []
    assert answers['SELECT substr(data, 1, 4000) FROM main.hooks'].json() == {
        'error': 'hooks can be read here by its plain name only (`hooks`, not `main.hooks`): that is where its '
                 'secrets are redacted.'}
    assert answers['DELETE FROM hooks'].json() == {
        'error': 'Only reading runs here, and this statement is not allowed: eyelet-gui never changes a watched '
                 'database.'}
    assert answers["ATTACH 'x.db' AS x"].json()['error'].startswith('Only reading runs here, and ATTACH is not')
    assert answers[f"SELECT id FROM hooks WHERE {key} LIKE 'sk-ant-%'"].json()['rows'] == []
    assert (slow.status_code, slow.json()['error']) == (400, (
        'The statement ran longer than the 0.5 s time limit and was stopped: narrow it (a WHERE on an indexed '
        'column, a LIMIT), or start eyelet-gui with a longer --sql-time-limit.'))
    assert counted == {'columns': ['hook_type', 'n'], 'truncated': False, 'rows': [
        {'hook_type': 'PostToolUse', 'n': 2}, {'hook_type': 'PreToolUse', 'n': 2},
        {'hook_type': 'SessionStart', 'n': 1}, {'hook_type': 'UserPromptSubmit', 'n': 1}]}
    assert whole == [[{'n': 6}], [{'newest': 6}], [{'n': 6}]]
    assert file_state(path) == before
    assert not Path('/tmp/copy.db').exists()


async def events(response: httpx.Response) -> AsyncIterator[tuple[str, str, dict[str, Any]]]:
    """(id, event, data) of each server-sent event."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == '' and 'data' in fields:
            yield fields['id'], fields['event'], json.loads(fields['data'])
            fields = {}
        elif not line.startswith(':') and ': ' in line:
            name, value = line.split(': ', 1)
            fields[name] = value


async def test_the_change_stream_resumes_where_it_left_off(served_app: Callable[..., ServedApp],
                                                           tmp_path: Path) -> None:
    path, _ = logged(tmp_path)
    project = tmp_path / 'acme'
    app = served_app(str(path))
    changes = f'{api(path)}/table/hooks/changes?limit=3'
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        async with client.stream('GET', changes) as response:
            assert response.headers['content-type'].startswith('text/event-stream')
            stream = events(response)
            first_id, name, snapshot = await anext(stream)
            assert (name, [row['key'] for row in snapshot['rows']], snapshot['total']) == ('snapshot',
                                                                                            ['6', '5', '4'], 6)
            stop_record(project)
            seen_id, name, change = await anext(stream)
            assert (name, [(row['index'], row['key'], row['row']['hook_type']) for row in change['added']],
                    change['removed'], change['total']) == ('change', [(0, '7', 'Stop')], ['4'], 7)
        stop_record(project)  # while nobody listens
        async with client.stream('GET', changes, headers={'Last-Event-ID': seen_id}) as response:
            _, name, missed = await anext(events(response))
            assert (name, [row['key'] for row in missed['added']], missed['removed']) == ('change', ['8'], ['5'])
        async with client.stream('GET', changes, headers={'Last-Event-ID': 'from-another-life-1'}) as response:
            _, name, again = await anext(events(response))
            assert (name, [row['key'] for row in again['rows']]) == ('snapshot', ['8', '7', '6'])
        async with client.stream('GET', f'{changes}&format=ndjson&last_event_id={first_id}') as response:
            lines = response.aiter_lines()
            replayed = [json.loads(await anext(lines)) for _ in range(2)]
            assert [(line['event'], [row['key'] for row in line['data']['added']]) for line in replayed] == [
                ('change', ['7']), ('change', ['8'])]


async def test_a_client_that_falls_behind_is_let_go_and_told_what_it_missed(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_streams, 'CLIENT_BUFFER', 3)
    path, _ = logged(tmp_path)
    reader = Reader(path)
    live = LiveQuery(Query(relation='hooks', limit=2), reader, lambda: _relations(reader), max_push_rate=100)
    try:
        await live.refresh()
        stream = ChangeStream(live)
        reading, _ = stream.connect(None)
        slow, slow_first = stream.connect(None)
        received = []
        for number in range(4):
            log_payloads(tmp_path / 'acme', [(time.time(), claude_code.stop(f'{SESSION}-{number}', 'x'))])
            await live.refresh()
            event = reading.get_nowait()  # LiveQuery's event calls its subscribers at once
            assert event is not None
            received.append(event)
        assert slow not in stream.clients
        sent = [slow.get_nowait() for _ in range(slow.qsize())]
        assert [event and event.name for event in sent] == ['change', 'change', 'change', None]
        _, missed = stream.connect(slow_first[0].id)
        assert [row['key'] for event in missed for row in json.loads(event.json)['added']] == ['7', '8', '9', '10']
        assert [event.id for event in received] == [event.id for event in missed]
        assert reading in stream.clients
        assert stream.connect(received[-1].id)[1] == []  # up to date: nothing to send until the next change
        stream.close()
    finally:
        await live.stop()
        await reader.close()


async def _relations(reader: Reader) -> dict[str, Any]:
    return {relation.name: relation for relation in await reader.relations()}


async def test_the_token_guards_the_api(served_app: Callable[..., ServedApp], tmp_path: Path) -> None:
    path, _ = logged(tmp_path)
    app = served_app(str(path), '--host', '0.0.0.0', '--token', TOKEN)
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        refused = [await client.get('/api/v1/databases'), await client.get('/api/v1/databases?token=wrong'),
                   await client.get('/api/v1/databases', headers={'Authorization': 'Bearer wrong'})]
        assert [(answer.status_code, answer.json()['error'].startswith('This dashboard needs its token'))
                for answer in refused] == [(401, True)] * 3
        allowed = [await client.get(f'/api/v1/databases?token={TOKEN}'),
                   await client.get('/api/v1/databases', headers={'Authorization': f'Bearer {TOKEN}'})]
        assert [(answer.status_code, len(answer.json()['databases'])) for answer in allowed] == [(200, 1)] * 2


async def test_the_attention_list_and_its_stream_for_scripts(served_app: Callable[..., ServedApp],
                                                             tmp_path: Path) -> None:
    """`/api/v1/attention` says who needs you in whole values; its stream says each episode's beginning and end,
    resumes from `Last-Event-ID`, and speaks JSON lines too."""
    project = tmp_path / 'acme'
    cwd = str(project)
    bash = {'command': 'rm -rf build', 'description': 'Remove the build folder'}
    path = log_payloads(project, [(None, claude_code.user_prompt('s-1', cwd, 'Clean up')),
                                  (None, claude_code.pre_tool_use('s-1', cwd, 'Bash', bash, 'toolu_1')),
                                  (None, claude_code.permission_request('s-1', cwd, 'Bash', bash))])
    app = served_app(str(path))
    key = database_id(path.resolve())
    asking = {'database': key, 'session_id': 's-1', 'project': cwd, 'state': 'needs_permission',
              'asks': 'Bash: rm -rf build — Remove the build folder', 'page': f'/sessions/{key}/s-1'}
    async with httpx.AsyncClient(base_url=app.url, timeout=DEADLINE) as client:
        listed = await _eventually_listed(client)
        since = listed['sessions'][0].pop('since')
        assert (listed, abs(since - time.time()) < 60) == ({'sessions': [asking]}, True)
        async with client.stream('GET', '/api/v1/attention/changes') as response:
            assert response.headers['content-type'].startswith('text/event-stream')
            stream = events(response)
            first_id, name, snapshot = await anext(stream)
            assert (name, snapshot) == ('snapshot', {'sessions': [{**asking, 'since': since}]})
            log_payloads(project, [(None, claude_code.post_tool_use('s-1', cwd, 'Bash', bash, 'toolu_1', {})),
                                   (None, claude_code.stop('s-1', cwd))])
            _, name, ended = await anext(stream)
            assert (name, ended) == ('ended', {**asking, 'since': since})
            seen_id, name, began = await anext(stream)
            stopped_at = began.pop('since')
            assert (name, began) == ('began', {**asking, 'state': 'waiting_for_input', 'asks': 'Done: Clean up'})
        assert (await client.get('/api/v1/attention')).json() == {'sessions': [{**began, 'since': stopped_at}]}
        missed = f'/api/v1/attention/changes?format=ndjson&last_event_id={first_id}'
        async with client.stream('GET', missed) as response:
            lines = response.aiter_lines()
            replayed = [json.loads(await anext(lines)) for _ in range(2)]
            assert [(line['event'], line['data']['state'], line['id']) for line in replayed] == [
                ('ended', 'needs_permission', following_id(first_id)),
                ('began', 'waiting_for_input', seen_id)]


def following_id(event_id: str) -> str:
    epoch, number = event_id.rsplit('-', 1)
    return f'{epoch}-{int(number) + 1}'


async def _eventually_listed(client: httpx.AsyncClient) -> dict[str, Any]:
    deadline = time.monotonic() + DEADLINE
    while True:
        listed: dict[str, Any] = (await client.get('/api/v1/attention')).json()
        if listed['sessions'] or time.monotonic() > deadline:
            return listed
        await asyncio.sleep(0.1)
