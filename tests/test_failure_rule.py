"""The failure rule (sources/eyelet/failure.py) holds the same on every record in Python, in SQLite's SQL and in
PostgreSQL's: one table of records, each with whether its tool call failed, checked three ways."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from eyelet_gui.sources.eyelet.failure import failed, failed_sql
from eyelet_gui.sources.postgres.dialect import POSTGRES
from eyelet_gui.sources.sqlite.dialect import SQLITE
from eyelet_gui.state.eyelet.event_rows import record_facts
from eyelet_gui.state.eyelet.hook_events import failure_text

from .postgres_server import PostgresServer

BASH = {'command': 'make', 'description': 'Build'}
# (what the record is, hook_type, status, Claude Code's payload (`data.input_data`), failed)
RECORDS: list[tuple[str, str, str | None, dict[str, Any], bool]] = [
    ('a failed call', 'PostToolUseFailure', None, {'tool_input': BASH, 'error': 'Exit code 2'}, True),
    ('an interrupted call', 'PostToolUseFailure', None, {'error': '', 'is_interrupt': True}, True),
    ('a failure that says nothing', 'PostToolUseFailure', None, {}, True),
    ('a Bash command stopped', 'PostToolUse', None, {'tool_response': {'stdout': '', 'interrupted': True}}, True),
    ("an MCP tool's error", 'PostToolUse', None, {'tool_response': {'is_error': True, 'content': 'no table'}}, True),
    ('an error beside the response', 'PostToolUse', None, {'tool_response': {}, 'error': 'killed'}, True),
    ('an error that is an object', 'PostToolUse', None, {'error': {'message': 'killed'}}, True),
    ('a flag that is true', 'PostToolUse', None, {'is_interrupt': True}, True),
    ('a status that says so', 'PostToolUse', 'error', {}, True),
    ("another writer's failure", 'PreToolUse', 'failed', {}, True),
    ('a call that went well', 'PostToolUse', None, {'tool_response': {'interrupted': False, 'is_error': False}},
     False),
    ('an empty error', 'PostToolUse', None, {'error': ''}, False),
    ('a null error', 'PostToolUse', None, {'error': None}, False),
    ('a truthy string flag', 'PostToolUse', None, {'is_interrupt': 'true'}, False),
    ('a truthy number flag', 'PostToolUse', None, {'is_interrupt': 1}, False),
    ('a string is_error', 'PostToolUse', None, {'tool_response': {'is_error': 'yes'}}, False),
    ('a response that is text', 'PostToolUse', None, {'tool_response': 'is_error'}, False),
    ('signs on a call not yet made', 'PreToolUse', None, {'tool_response': {'is_error': True}, 'error': 'x'}, False),
    ('a prompt that names a sign', 'UserPromptSubmit', None, {'prompt': 'the error was "is_error": true'}, False),
    ("a writer's success", 'PostToolUse', 'success', {}, False),
]
EXPECTED = [expected for *_, expected in RECORDS]
NAMES = [name for name, *_ in RECORDS]


def _data(payload: dict[str, Any]) -> dict[str, Any]:
    """A record's `data`, as eyelet 0.3.5 keeps it: Claude Code's payload under `input_data`."""
    return {'input_data': payload, 'metadata': {}}


@pytest.mark.parametrize(('name', 'hook_type', 'status', 'payload', 'expected'), RECORDS, ids=NAMES)
def test_python(name: str, hook_type: str, status: str | None, payload: dict[str, Any], expected: bool) -> None:
    """The predicate, the facts a window of records shows, and whether a failure is put into words agree."""
    values = {'id': 1, 'hook_type': hook_type, 'status': status, 'data': json.dumps(_data(payload))}
    assert (failed(hook_type, status, payload), record_facts(values).event.failed) == (expected, expected)
    if hook_type == 'PostToolUse' and status is None:
        assert (failure_text(payload) is not None) == expected


def test_sqlite(tmp_path: Path) -> None:
    """json_extract and json_type on JSON text in a BLOB column, as eyelet writes it."""
    connection = sqlite3.connect(tmp_path / 'records.db')
    connection.execute('CREATE TABLE records (n INTEGER PRIMARY KEY, hook_type TEXT, status TEXT, data BLOB)')
    connection.executemany('INSERT INTO records VALUES (?, ?, ?, ?)',
                           [(n, hook_type, status, json.dumps(_data(payload)))
                            for n, (_, hook_type, status, payload, _) in enumerate(RECORDS)])
    found = [bool(value) for (value,) in connection.execute(f'SELECT {failed_sql(SQLITE)} FROM records ORDER BY n')]
    connection.close()
    assert dict(zip(NAMES, found, strict=True)) == dict(zip(NAMES, EXPECTED, strict=True))


def test_postgres(postgres: PostgresServer) -> None:
    """jsonb's operators on a jsonb column, as `eyelet-gui forward` fills eyelet_hooks."""
    url = postgres.database('failure_rule')
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute('CREATE TABLE records (n integer PRIMARY KEY, hook_type text, status text, data jsonb)')
        with connection.cursor() as cursor:
            cursor.executemany('INSERT INTO records VALUES (%s, %s, %s, %s)',
                               [(n, hook_type, status, Jsonb(_data(payload)))
                                for n, (_, hook_type, status, payload, _) in enumerate(RECORDS)])
        found = [bool(value) for (value,) in connection.execute(
            f'SELECT {failed_sql(POSTGRES)} FROM records ORDER BY n').fetchall()]
    assert dict(zip(NAMES, found, strict=True)) == dict(zip(NAMES, EXPECTED, strict=True))
