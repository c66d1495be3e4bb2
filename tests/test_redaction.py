"""Secret-shaped strings and secret-named values are redacted, whole; ordinary commands, paths and ids are not."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.demo.claude_code import agent_payloads
from eyelet_gui.demo.writer import API_KEY, PROJECTS
from eyelet_gui.demo.writer import rows as eyelet_rows
from eyelet_gui.sources import redaction
from eyelet_gui.sources.query import Filter, Query, count_statement, window_statement
from eyelet_gui.sources.redaction import Redactor, is_secret_name, json_pieces, redact_text, redact_value
from eyelet_gui.sources.sqlite.reader import Reader

from .conftest import make_database

ANTHROPIC = 'sk-ant-api03-' + 'Xq7bN2vR9kLm4TzW8yHc3PdF6sJa1GeU5oIi0' * 2 + 'tYw-AA'
GITHUB = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'
JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7Zq9\nbXc1xV9=\n-----END RSA PRIVATE KEY-----'


@pytest.mark.parametrize(('text', 'redacted'), [
    (f'key is {ANTHROPIC}.', 'key is sk-ant-…[redacted, 93 chars].'),
    ('sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'sk-…[redacted, 40 chars]'),
    (f'git clone https://{GITHUB}@github.com/x/y', 'git clone https://ghp_…[redacted, 40 chars]@github.com/x/y'),
    ('github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_pat_…[redacted, 47 chars]'),
    ('AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A', 'AKIA…[redacted, 20 chars] and ASIA…[redacted, 20 chars]'),
    ('export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY && aws s3 ls',
     'export AWS_SECRET_ACCESS_KEY=…[redacted, 40 chars] && aws s3 ls'),
    ('xoxb-123456789012-abcdefghijkl', 'xoxb-…[redacted, 30 chars]'),
    ('AIzaSyA1234567890abcdefghijklmnopqrstuv', 'AIza…[redacted, 39 chars]'),
    (f'token {JWT}', 'token eyJ…[redacted, 92 chars]'),
    ('curl -H "Authorization: Bearer abc.def-123456789"', 'curl -H "Authorization: Bearer …[redacted, 17 chars]"'),
    (f'cat id_rsa\n{PEM}\n', 'cat id_rsa\n-----BEGIN PRIVATE KEY-----…[redacted, 91 chars]\n'),
    ('psql postgres://admin:hunter22@db.local/app', 'psql postgres://admin:…[redacted, 8 chars]@db.local/app'),
    ('https://x.test/cb?code=1&token=abc123def&next=/', 'https://x.test/cb?code=1&token=…[redacted, 9 chars]&next=/'),
    ('mysql --password=s3cr3t! -u root', 'mysql --password=…[redacted, 7 chars] -u root'),
    ('PGPASSWORD=hunter22 psql', 'PGPASSWORD=…[redacted, 8 chars] psql'),
    ('{"command": "mysql --password=\\"s3cret\\" -u root"}',
     '{"command": "mysql --password=\\"…[redacted, 6 chars]\\" -u root"}'),
    ('Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Authorization: Basic …[redacted, 20 chars]'),
    # A key after NAME=: one mark, whole (not a mark of the mark), and a typed `…` does not stop the rule.
    (f'ANTHROPIC_API_KEY={ANTHROPIC}', 'ANTHROPIC_API_KEY=sk-ant-…[redacted, 93 chars]'),
    ('TOKEN="xyz123…"', 'TOKEN="…[redacted, 7 chars]"'),
])
def test_credential_shaped_text_is_redacted(text: str, redacted: str) -> None:
    assert redact_text(text) == redacted


@pytest.mark.parametrize('text', [
    'uv run pytest -q tests/test_feed_records.py --maxfail=1 -k "not slow"',
    'git log --pretty=format:%H -n 5 && git checkout 4f1c2ab9e03d77b52e8104f1c2ab9e03d77b52e8',
    '/home/dev/code/acme-api/src/auth/tokens.py',
    '1e2feb89-414c-443c-9027-c4d1c386bbc4',
    'ls -la ~/.ssh && grep -rn "task-skipper" src/ && npm run build -- --mode=production',
    'Keep the session cookie on refresh; use the OAuth token endpoint',
    'aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQgYnV0IG5vdCBhIHNlY3JldA== dGFzay1za2lwcGVy',
    'sort --key=2 file && python -c "print(1)" && echo $GITHUB_TOKEN && export TOKEN=$(cat .token)',
    'https://github.com/acme/webapp.git',
    'desk-ant-farm sk-short ghp_short AKIA1234',
    'max_tokens=4096 input_tokens=12 monkey=banana author=dana',
    'npm run task-runner-integration-tests && cd desk-organization-management && disk-usage-report-2024',
    'Bearer tokens and Basic authentication are explained in the docs; laughs_at_everything_here_and_there',
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_json_values_under_secret_keys_and_eyelets_environment_are_redacted() -> None:
    document = {'environment': {'env_vars': {'ANTHROPIC_API_KEY': 'not-a-known-shape', 'CLAUDECODE': '1',
                                             'CLAUDE_PROJECT_DIR': '/home/dev/acme', 'EYELET_CUSTOM': 'private',
                                             'ANTHROPIC_AUTH_TOKEN': 'abc'}},
                'tool_input': {'apiKey': 'hunter22', 'password': 'pw', 'author': 'Dana', 'input_tokens': 12,
                               'x-auth-token': 'zzz', 'headers': {'Cookie': 'sid=42'}, 'key': 'k'}}
    redacted = json.loads(redact_text(json.dumps(document)))
    assert redacted == {
        'environment': {'env_vars': {'ANTHROPIC_API_KEY': '…[redacted, 17 chars]', 'CLAUDECODE': '1',
                                     'CLAUDE_PROJECT_DIR': '/home/dev/acme', 'EYELET_CUSTOM': '…[redacted, 7 chars]',
                                     'ANTHROPIC_AUTH_TOKEN': '…[redacted, 3 chars]'}},
        'tool_input': {'apiKey': '…[redacted, 8 chars]', 'password': '…[redacted, 2 chars]', 'author': 'Dana',
                       'input_tokens': 12, 'x-auth-token': '…[redacted, 3 chars]',
                       'headers': {'Cookie': '…[redacted, 6 chars]'}, 'key': '…[redacted, 1 chars]'}}


def test_redaction_is_idempotent_and_blobs_stay_blobs() -> None:
    once = redact_text(f'{ANTHROPIC} password=hunter22 {PEM}')
    assert redact_text(once) == once
    blob = json.dumps({'env_vars': {'ANTHROPIC_API_KEY': ANTHROPIC}}).encode() + b'\xff'
    assert redact_value(blob) == b'{"env_vars": {"ANTHROPIC_API_KEY": "\xe2\x80\xa6[redacted, 93 chars]"}}\xff'
    # Binary data holds pattern-like runs by chance (`…key=…`, `://a:b@`): it is not text, and stays as it is.
    noise = random.Random(7)
    binary = noise.randbytes(100_000) + b' password=hunter22 ' + noise.randbytes(100_000)
    assert redact_value(binary) is binary
    assert redact_value(12) == 12
    assert redact_value(None) is None


def test_eyelet_records_redacted_piece_by_piece_come_out_as_redacted_whole() -> None:
    """The Redactor cuts eyelet's `data` before its members and remembers the pieces that repeat; every record, new
    or sharing pieces with the ones before, comes out as redacting its whole text would, secrets in any member."""
    session, cwd = 'ab12cd34-0000-4000-8000-000000000001', PROJECTS[0].directory
    command = {'command': f'curl -H "Authorization: Bearer abc.def-123456789" -d token={GITHUB}', 'description': 'x'}
    planted = [cc.user_prompt(session, cwd, f'use {ANTHROPIC} and {JWT}'),
               cc.pre_tool_use(session, cwd, 'Bash', command, 'toolu_01planted'),
               cc.post_tool_use(session, cwd, 'Bash', command, 'toolu_01planted', {'stdout': PEM, 'stderr': ''}),
               cc.pre_tool_use(session, cwd, 'mcp__vault__read', {'apiKey': 'hunter22', 'path': 'a'}, 'toolu_01b')]
    simulated = [payload for _, payload in itertools.islice(agent_payloads(random.Random(3), 0.0, PROJECTS), 400)]
    records = [row['data'] for row in eyelet_rows((1796059779.0 + i, payload)
                                                  for i, payload in enumerate(planted + simulated + planted))]
    assert {len(json_pieces(data)) for data in records} >= {5, 7, 8}  # a prompt, a call's start, its end
    redactor = Redactor()
    assert [redactor.value(data) for data in records] == [redact_text(data) for data in records]
    shown = ' '.join(redactor.value(data) for data in records)
    for secret in (API_KEY[7:], ANTHROPIC[7:], JWT[3:], GITHUB[4:], 'hunter22', PEM[40:], 'abc.def-123456789'):
        assert secret not in shown


def test_a_redactor_remembers_a_bounded_number_of_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(redaction, 'REMEMBERED_CHARACTERS', 10_000)
    redactor = Redactor()
    for i in range(200):
        assert redactor.value(f'{i} ' + 'x' * 1000) == f'{i} ' + 'x' * 1000
        remembered = redactor._values.redacted  # the bound is the behaviour under test
        assert sum(map(len, remembered)) <= 10_000 + 1010


def test_columns_named_like_secrets_are_redacted_whole_but_keys_are_not() -> None:
    assert [is_secret_name(name) for name in ('api_key', 'GITHUB_TOKEN', 'apiKey', 'password', 'tool_use_id',
                                              'author', 'input_tokens', 'keyword', 'PGPASSWORD')] == [
        True, True, True, True, False, False, False, False, True]
    rows = Redactor().rows(('__key0', 'name', 'api_key', 'uses'), [(1, 'prod', 'hunter22', 3), (2, 'x', None, 4)])
    assert rows == [(1, 'prod', '…[redacted, 8 chars]', 3), (2, 'x', None, 4)]


async def test_searches_and_filters_never_find_a_row_by_a_secret(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'app.db', f"""
        CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT, api_key TEXT);
        INSERT INTO logs VALUES (1, 'deploy with {ANTHROPIC}', 'hunter22'), (2, 'ls -la', NULL);
    """)
    reader = Reader(path)
    try:
        relation = {relation.name: relation for relation in await reader.relations()}['logs']

        async def ids(**query: object) -> tuple[list[int], int]:
            chosen = Query(relation='logs', **query)  # type: ignore[arg-type]
            rows = (await reader.fetch(window_statement(relation, chosen))).rows
            return [row[0] for row in rows], await reader.value(count_statement(relation, chosen))

        assert await ids(search='deploy') == ([1], 1)
        assert await ids(search='sk-ant-') == ([1], 1)  # what the mark shows, it may find
        assert await ids(search=ANTHROPIC[20:32]) == ([], 0)
        assert await ids(search='hunter') == ([], 0)
        assert await ids(filters=(Filter('line', 'contains', ANTHROPIC[13:30]),)) == ([], 0)
        assert await ids(filters=(Filter('api_key', 'starts with', 'hun'),)) == ([], 0)
        assert await ids(filters=(Filter('api_key', '=', 'hunter22'),)) == ([], 0)
        assert await ids(filters=(Filter('line', '<', 'deploy with sk-ant-b'),)) == ([], 0)
        assert await ids(filters=(Filter('line', '=', 'ls -la'),)) == ([2], 1)
        assert await ids(filters=(Filter('id', '>', 0),)) == ([2, 1], 2)
    finally:
        await reader.close()


async def test_a_reader_that_shows_secrets_shows_and_finds_them(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'app.db', f"CREATE TABLE logs (line TEXT); INSERT INTO logs VALUES ('{ANTHROPIC}')")
    reader = Reader(path, show_secrets=True)
    try:
        relation = {relation.name: relation for relation in await reader.relations()}['logs']
        query = Query(relation='logs', search=ANTHROPIC[20:32])
        assert (await reader.fetch(window_statement(relation, query))).rows == [(1, ANTHROPIC)]
    finally:
        await reader.close()
