"""Tool calls paired from both ends, and the `what` of every kind of record, from Claude Code's payloads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, connect_writer, create_modern_database, eyelet_record
from eyelet_gui.sources.eyelet.tail import tail_statement
from eyelet_gui.sources.query import Statement
from eyelet_gui.state.eyelet import event_rows
from eyelet_gui.state.eyelet.event_rows import record_facts
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing, ToolCall

from .test_engine import watching

NOW = 1_900_000_000.0
CWD = '/home/dev/code/acme'


def event(number: int, at: float, hook_type: str, tool: str | None = None, use_id: str | None = None, *,
          session: str = 's', failed: bool = False, duration: float | None = None) -> HookEvent:
    return HookEvent(id=number, at=NOW + at, session=session, hook_type=hook_type, tool=tool, tool_use_id=use_id,
                     failed=failed, duration_ms=duration)


def pair(events: list[HookEvent]) -> list[tuple[Any, ...]]:
    pairing, calls = Pairing(), {}
    for each in events:
        for call in pairing.add(each):
            calls[id(call)] = call
    return [summary(call) for call in calls.values()]


def summary(call: ToolCall) -> tuple[Any, ...]:
    duration = call.duration_ms
    return call.tool, call.outcome, None if duration is None else round(duration)


def test_parallel_calls_pair_by_tool_use_id_whatever_order_they_end_in() -> None:
    assert pair([event(1, 0, 'PreToolUse', 'Read', 'a'), event(2, 0.1, 'PreToolUse', 'Read', 'b'),
                 event(3, 0.2, 'PreToolUse', 'Grep', 'c'), event(4, 0.5, 'PostToolUse', 'Read', 'b'),
                 event(5, 0.9, 'PostToolUseFailure', 'Grep', 'c', failed=True),
                 event(6, 1.0, 'PostToolUse', 'Read', 'a')]) == [
        ('Read', 'ok', 1000), ('Read', 'ok', 400), ('Grep', 'failed', 700)]


def test_calls_without_ids_pair_by_session_and_tool_in_order() -> None:
    assert pair([event(1, 0, 'PreToolUse', 'Bash'), event(2, 0, 'PreToolUse', 'Bash', session='other'),
                 event(3, 1, 'PreToolUse', 'Bash'), event(4, 2, 'PostToolUse', 'Bash'),
                 event(5, 2.5, 'PostToolUse', 'Bash', session='other'), event(6, 3, 'PostToolUse', 'Bash')]) == [
        ('Bash', 'ok', 2000), ('Bash', 'ok', 2500), ('Bash', 'ok', 2000)]


def test_running_abandoned_unpaired_and_measured_calls() -> None:
    assert pair([event(1, 0, 'PreToolUse', 'Task', 'long'), event(2, 1, 'PreToolUse', 'Bash', 'left', session='x'),
                 event(3, 2, 'PostToolUse', 'Grep', 'unseen'),  # its PreToolUse was never read
                 event(4, 3, 'PreToolUse', 'Edit', 'timed'), event(5, 4, 'PostToolUse', 'Edit', 'timed', duration=42),
                 event(6, 5, 'SessionEnd', session='x')]) == [
        ('Task', 'running', None), ('Bash', 'abandoned', None), ('Grep', 'ok', None), ('Edit', 'ok', 42)]


def test_forgetting_old_running_calls_keeps_memory_bounded() -> None:
    pairing = Pairing()
    for number in range(100):
        pairing.add(event(number, number, 'PreToolUse', 'Bash', f'id{number}'))
    pairing.forget_before(NOW + 90)
    assert sorted(pairing.open) == [f'id{number}' for number in range(90, 100)]


def facts(payload: dict[str, Any]) -> tuple[str, bool]:
    """(what, failed) of the record eyelet writes for `payload`."""
    recorded = record_facts({'hook_type': payload['hook_event_name'], 'tool_name': payload.get('tool_name'),
                             'status': 'unknown', 'data': {'input_data': payload}, 'timestamp': NOW})
    return recorded.what, recorded.event.failed


def test_what_says_what_each_record_was_about() -> None:
    def pre(tool: str, tool_input: dict[str, Any]) -> str:
        return facts(cc.pre_tool_use('s', CWD, tool, tool_input, 'id'))[0]

    assert pre('Bash', {'command': 'pytest -q', 'description': 'Run the tests'}) == 'pytest -q — Run the tests'
    assert pre('Read', {'file_path': '/src/app.py', 'limit': 20}) == '/src/app.py'
    assert pre('Edit', {'file_path': '/src/app.py', 'old_string': 'a', 'new_string': 'b'}) == '/src/app.py'
    assert pre('Grep', {'pattern': 'TODO', 'path': 'src', 'glob': '*.py'}) == 'TODO — src — *.py'
    assert pre('WebFetch', {'url': 'https://x.org', 'prompt': 'Summarise'}) == 'https://x.org — Summarise'
    assert pre('WebSearch', {'query': 'sqlite wal'}) == 'sqlite wal'
    assert pre('Task', {'description': 'Find the bug', 'prompt': 'Look…', 'subagent_type': 'Explore'}) \
        == 'Find the bug — Explore'
    assert pre('TodoWrite', {'todos': [{'content': 'Write tests', 'status': 'completed', 'activeForm': 'Writing'},
                                       {'content': 'Run them', 'status': 'in_progress', 'activeForm': 'Running'}]}) \
        == 'Running (1/2 done)'
    assert pre('mcp__github__get_issue', {'owner': 'bdmorin', 'repo': 'eyelet', 'number': 7}) == 'bdmorin — eyelet — 7'
    assert pre('Bash', {'command': 'echo ' + 'x' * 300})[-1] == '…'
    assert facts(cc.user_prompt('s', CWD, 'Fix the\nflaky test')) == ('Fix the flaky test', False)
    assert facts(cc.notification('s', CWD, 'Claude needs your permission to use Bash')) \
        == ('Claude needs your permission to use Bash', False)
    assert facts(cc.session_end('s', CWD, 'logout')) == ('logout', False)


def test_failures_are_found_however_the_payload_says_so() -> None:
    bash = {'command': 'make', 'description': 'Build'}
    assert facts(cc.post_tool_use_failure('s', CWD, 'Bash', bash, 'id', 'Exit code 2')) \
        == ('make — Build — Exit code 2', True)
    assert facts(cc.post_tool_use('s', CWD, 'Bash', bash, 'id', {'stdout': '', 'interrupted': True})) \
        == ('make — Build — interrupted', True)
    assert facts(cc.post_tool_use('s', CWD, 'mcp__db__query', {'sql': 'x'}, 'id',
                                  {'is_error': True, 'content': 'no such table'})) == ('x — no such table', True)
    assert facts(cc.post_tool_use('s', CWD, 'Bash', bash, 'id', {'stdout': 'ok', 'interrupted': False})) \
        == ('make — Build', False)


def test_a_window_parses_only_the_records_it_did_not_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    parse = event_rows.record_facts

    def counted(values: dict[str, Any]) -> event_rows.RecordFacts:
        parsed.append(values['data'])
        return parse(values)

    monkeypatch.setattr(event_rows, 'record_facts', counted)
    columns = ('hook_type', 'tool_name', 'data')
    cache = event_rows.FactsCache()

    def window(*numbers: int) -> list[tuple[str, tuple[Any, ...]]]:
        return [(str(n), ('UserPromptSubmit', None, f'{{"input_data": {{"prompt": "p{n}"}}}}')) for n in numbers]

    assert [facts.what for facts in cache.facts(window(3, 2, 1), columns)] == ['p3', 'p2', 'p1']
    assert [facts.what for facts in cache.facts(window(4, 3, 2), columns)] == ['p4', 'p3', 'p2']
    assert parsed == [window(n)[0][1][2] for n in (3, 2, 1, 4)]  # 3 and 2 were not parsed again


async def test_sql_and_python_find_the_same_failures(tmp_path: Path) -> None:
    """The tail reads failures in SQL (sources/eyelet/tail.py), a window in Python (event_rows.record_facts), both
    from one rule (sources/eyelet/failure.py, its cases in test_failure_rule.py): the same records fail both ways."""
    bash = {'command': 'make', 'description': 'Build'}
    payloads = [
        cc.post_tool_use_failure('s', CWD, 'Bash', bash, 'a', 'Exit code 2'),
        cc.post_tool_use_failure('s', CWD, 'Bash', bash, 'b', '', is_interrupt=True),
        cc.post_tool_use('s', CWD, 'Bash', bash, 'c', {'stdout': '', 'interrupted': True}),
        cc.post_tool_use('s', CWD, 'mcp__db__query', {'sql': 'x'}, 'd', {'is_error': True, 'content': 'no table'}),
        {**cc.post_tool_use('s', CWD, 'Bash', bash, 'e', {}), 'error': 'killed'},
        cc.post_tool_use('s', CWD, 'Bash', bash, 'f', {'stdout': 'ok', 'interrupted': False, 'is_error': False}),
        cc.post_tool_use('s', CWD, 'Grep', {'pattern': 'x'}, 'g', {'returnCodeInterpretation': 'No matches found'}),
        cc.pre_tool_use('s', CWD, 'Bash', bash, 'h'),
        cc.user_prompt('s', CWD, 'the error was "is_error": true'),
    ]
    path = tmp_path / 'eyelet.db'
    create_modern_database(path)
    connection = connect_writer(path)
    for payload in payloads:
        connection.execute(INSERT_HOOK, eyelet_record(payload, NOW, environment={}, metadata={}))
    connection.close()
    async with watching(path) as watcher:
        rows = (await watcher.reader.fetch(tail_statement((await watcher.relations())['hooks'], 0, 100))).rows
        stored = (await watcher.reader.fetch(Statement('SELECT * FROM hooks ORDER BY id'))).rows
        columns = (await watcher.reader.fetch(Statement('SELECT * FROM hooks LIMIT 0'))).columns
    from_sql = [HookEvent.from_row(row).failed for row in rows]
    from_python = [record_facts(dict(zip(columns, row, strict=True))).event.failed for row in stored]
    assert from_sql == from_python == [True, True, True, True, True, False, False, False, False]
