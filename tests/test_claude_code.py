"""The simulated agents send what Claude Code sends: whole sessions, paired tool calls, several agents at once."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.state.eyelet.session_state import NEEDS_YOU, SessionState
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing

PROJECTS = (cc.Project('/home/dev/code/acme-api', 'main'), cc.Project('/home/dev/code/webapp', 'dev'),
            cc.Project('/home/dev/code/data-pipeline', 'fix/backfill'))
ENDS = {'PostToolUse', 'PostToolUseFailure'}
# What each tool's input and successful response hold at least (Claude Code's own field names).
TOOL_INPUTS = {'Bash': {'command', 'description'}, 'Read': {'file_path'}, 'Write': {'file_path', 'content'},
               'Edit': {'file_path', 'old_string', 'new_string'}, 'Grep': {'pattern', 'path'},
               'Glob': {'pattern', 'path'}, 'WebFetch': {'url', 'prompt'}, 'WebSearch': {'query'},
               'Task': {'description', 'prompt', 'subagent_type'}, 'TodoWrite': {'todos'},
               'mcp__github__get_issue': {'owner', 'repo', 'issue_number'}}
TOOL_RESPONSES = {'Bash': {'stdout', 'stderr', 'interrupted', 'isImage'}, 'Read': {'type', 'file'},
                  'Write': {'type', 'filePath', 'content'}, 'Edit': {'filePath', 'oldString', 'newString',
                                                                     'structuredPatch'},
                  'Grep': {'mode', 'filenames', 'numFiles'}, 'Glob': {'filenames', 'numFiles'},
                  'WebFetch': {'code', 'result', 'url'}, 'WebSearch': {'query', 'results'},
                  'Task': {'status', 'content', 'totalToolUseCount'}, 'TodoWrite': {'oldTodos', 'newTodos'}}
BASE = ['session_id', 'transcript_path', 'cwd', 'permission_mode', 'hook_event_name']


def unpaired(payloads: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """PreToolUse payloads (in order) that no later PostToolUse/PostToolUseFailure ends; an end without its start,
    or a second end, fails the test."""
    open_calls: dict[str, dict[str, Any]] = {}
    for payload in payloads:
        if payload['hook_event_name'] == 'PreToolUse':
            assert payload['tool_use_id'] not in open_calls
            open_calls[payload['tool_use_id']] = payload
        elif payload['hook_event_name'] in ENDS:
            start = open_calls.pop(payload['tool_use_id'])
            assert (payload['tool_name'], payload['tool_input']) == (start['tool_name'], start['tool_input'])
    return list(open_calls.values())


def agents(seed: int, hours: float) -> list[tuple[float, dict[str, Any]]]:
    stream = cc.agent_payloads(random.Random(seed), 0.0, PROJECTS)
    return list(itertools.takewhile(lambda event: event[0] < hours * 3600, stream))


def test_builders_give_claude_codes_fields_in_its_order() -> None:
    bash = {'command': 'ls', 'description': 'List files'}
    response = {'stdout': 'a', 'stderr': '', 'interrupted': False, 'isImage': False}
    cases = {
        'SessionStart': (cc.session_start('s', '/p'), ['source']),
        'UserPromptSubmit': (cc.user_prompt('s', '/p', 'Hi'), ['prompt']),
        'PreToolUse': (cc.pre_tool_use('s', '/p', 'Bash', bash, 't'), ['tool_name', 'tool_input', 'tool_use_id']),
        'PostToolUse': (cc.post_tool_use('s', '/p', 'Bash', bash, 't', response),
                        ['tool_name', 'tool_input', 'tool_response', 'tool_use_id']),
        'PostToolUseFailure': (cc.post_tool_use_failure('s', '/p', 'Bash', bash, 't', 'Exit code 1'),
                               ['tool_name', 'tool_input', 'tool_use_id', 'error', 'is_interrupt']),
        'Notification': (cc.notification('s', '/p', 'Claude is waiting for your input'), ['message']),
        'Notification typed': (cc.notification('s', '/p', 'Claude needs your permission to use Bash',
                                               'permission_prompt'), ['message', 'notification_type']),
        'PermissionRequest': (cc.permission_request('s', '/p', 'Bash', bash),
                              ['tool_name', 'tool_input', 'permission_suggestions']),
        'Stop': (cc.stop('s', '/p'), ['stop_hook_active']),
        'SubagentStop': (cc.stop('s', '/p', subagent=True), ['stop_hook_active']),
        'PreCompact': (cc.pre_compact('s', '/p'), ['trigger', 'custom_instructions']),
        'SessionEnd': (cc.session_end('s', '/p'), ['reason']),
    }
    for event, (payload, fields) in cases.items():
        assert list(payload) == BASE + fields
        assert (payload['hook_event_name'], payload['session_id'], payload['cwd']) == (event.split()[0], 's', '/p')
        assert payload['transcript_path'] == '/home/dev/.claude/projects/-p/s.jsonl'
    assert cases['PostToolUse'][0]['tool_response'] == response
    assert cases['SessionEnd'][0]['reason'] == 'other'
    assert cases['PermissionRequest'][0]['permission_suggestions'] == [
        {'type': 'addRules', 'rules': [{'toolName': 'Bash', 'ruleContent': 'ls:*'}], 'behavior': 'allow',
         'destination': 'localSettings'}]


def test_a_session_runs_from_start_to_end_with_every_call_ended() -> None:
    for seed in range(20):
        events = list(cc.session_payloads(random.Random(seed), 1000.0, PROJECTS[0]))
        payloads = [payload for _, payload in events]
        assert [at for at, _ in events] == sorted(at for at, _ in events)
        assert events[0][0] == 1000.0
        assert (payloads[0]['hook_event_name'], payloads[-1]['hook_event_name']) == ('SessionStart', 'SessionEnd')
        assert {(p['session_id'], p['cwd']) for p in payloads} == {(payloads[0]['session_id'], PROJECTS[0].directory)}
        assert unpaired(payloads) == []
        for payload in payloads:
            if payload['hook_event_name'] == 'PreToolUse':
                assert set(payload['tool_input']) >= TOOL_INPUTS[payload['tool_name']]
            if payload['hook_event_name'] == 'PostToolUse' and payload['tool_name'] in TOOL_RESPONSES:
                assert set(payload['tool_response']) >= TOOL_RESPONSES[payload['tool_name']]


def test_a_hanging_session_leaves_its_last_call_to_be_abandoned_at_its_end() -> None:
    for seed in range(5):
        payloads = [payload for _, payload in cc.session_payloads(random.Random(seed), 0.0, PROJECTS[1], hang=True)]
        (running,) = unpaired(payloads)
        assert running['tool_input'] == {'command': 'npm run dev', 'description': 'Start the development server'}
        assert [p['hook_event_name'] for p in payloads[-3:]] == ['UserPromptSubmit', 'PreToolUse', 'SessionEnd']


def test_agents_work_at_once_and_do_what_real_agents_do() -> None:
    events = agents(seed=7, hours=3)
    payloads = [payload for _, payload in events]
    assert [at for at, _ in events] == sorted(at for at, _ in events)
    sessions: dict[str, list[float]] = {}
    for at, payload in events:
        sessions.setdefault(payload['session_id'], []).append(at)
    spans = sorted((times[0], times[-1]) for times in sessions.values())
    most_at_once = max(sum(start <= at <= end for start, end in spans) for at, _ in spans)
    assert most_at_once == len(PROJECTS), 'one agent per project at once'
    per_project = Counter(payload['cwd'] for payload in payloads if payload['hook_event_name'] == 'SessionStart')
    assert min(per_project.values()) >= 5, 'each ended session is followed by a new one'

    ended = {p['session_id'] for p in payloads if p['hook_event_name'] == 'SessionEnd'}
    abandoned = [p for p in unpaired(payloads) if p['session_id'] in ended]
    assert abandoned, 'now and then a session leaves a call running until it ends'
    assert {p['tool_input']['command'] for p in abandoned} == {'npm run dev'}

    events_by_kind = Counter(p['hook_event_name'] for p in payloads)
    assert set(events_by_kind) == {'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse',
                                   'PostToolUseFailure', 'Notification', 'PermissionRequest', 'Stop', 'SubagentStop',
                                   'PreCompact', 'SessionEnd'}
    assert {p['tool_name'] for p in payloads if 'tool_name' in p} == set(TOOL_INPUTS)
    failures = [p for p in payloads if p['hook_event_name'] == 'PostToolUseFailure']
    assert {p['is_interrupt'] for p in failures} == {True, False}
    assert all(p['error'] for p in failures)
    bash = [p['tool_response'] for p in payloads if p['hook_event_name'] == 'PostToolUse' and p['tool_name'] == 'Bash']
    assert any(r.get('returnCodeInterpretation') == 'No matches found' for r in bash), 'grep without matches'
    assert any(r['interrupted'] for r in bash), 'a command that timed out'
    assert parallel_calls(payloads), 'read-only calls run in parallel batches'


def parallel_calls(payloads: list[dict[str, Any]]) -> int:
    """How many times a session started a call while another of its calls was running."""
    running: dict[str, dict[str, str]] = {}  # session → tool_use_id → tool name
    count = 0
    for payload in payloads:
        calls = running.setdefault(payload['session_id'], {})
        if payload['hook_event_name'] == 'PreToolUse':
            count += any(name != 'Task' for name in calls.values())  # a subagent's calls run inside its Task
            calls[payload['tool_use_id']] = payload['tool_name']
        elif payload['hook_event_name'] in ENDS:
            del calls[payload['tool_use_id']]
    return count


def test_an_interrupted_turn_ends_without_stop() -> None:
    payloads = [payload for _, payload in agents(seed=3, hours=3)]
    by_session: dict[str, list[str]] = {}
    for payload in payloads:
        name = payload['hook_event_name'] + ('!' if payload.get('is_interrupt') else '')
        by_session.setdefault(payload['session_id'], []).append(name)
    following = Counter(names[names.index('PostToolUseFailure!') + 1]
                        for names in by_session.values() if 'PostToolUseFailure!' in names)
    assert following
    assert set(following) <= {'UserPromptSubmit', 'PreCompact', 'Notification', 'SessionEnd'}


def test_the_agents_ask_for_permission_wait_for_input_and_fail_in_loops() -> None:
    """The demo shows the attention strip at work: permission dialogs the user answers seconds later, turns the
    user leaves waiting (the idle notice a minute after the Stop), failed calls in a row; and from the demo's start
    (after half an hour of history) some session needs the user within every minute."""
    for seed in range(5):
        events = agents(seed=seed, hours=3)
        by_session: dict[str, list[tuple[float, dict[str, Any]]]] = {}
        for at, payload in events:
            by_session.setdefault(payload['session_id'], []).append((at, payload))
        asked = idle = loops = 0
        for session in by_session.values():
            names = [payload['hook_event_name'] + (f":{payload.get('notification_type')}"
                                                   if payload['hook_event_name'] == 'Notification' else '')
                     for _, payload in session]
            for index, name in enumerate(names):
                if name == 'PermissionRequest':
                    asked += 1
                    request = session[index][1]
                    # the dialog's notice right after; the call (started just before) ends seconds later
                    assert names[index + 1] == 'Notification:permission_prompt'
                    end = next((at for at, p in session[index:] if p['hook_event_name'] in ENDS
                                and p['tool_input'] == request['tool_input']), None)  # None: after the 3 hours
                    assert end is None or end - session[index][0] >= 5.0
                if name == 'Notification:idle_prompt':
                    idle += 1
                    stop_at = max(at for at, p in session[:index] if p['hook_event_name'] == 'Stop')
                    assert round(session[index][0] - stop_at, 3) == 60.0
                    assert 'UserPromptSubmit' not in [p['hook_event_name'] for at, p in session if stop_at < at
                                                      < session[index][0]]
            failed_in_a_row = 0
            for _, payload in session:
                if payload['hook_event_name'] in ENDS:
                    failed_in_a_row = failed_in_a_row + 1 if payload['hook_event_name'] == 'PostToolUseFailure' else 0
                    loops += failed_in_a_row == 3
        assert (asked > 5, idle > 2, loops > 0) == (True, True, True), (seed, asked, idle, loops)
    for seed in range(20):
        # The demo writes 30 minutes of history, then writes live: within the first minute someone needs you.
        assert first_need(agents(seed=seed, hours=0.5 + 1 / 60), since=1800.0) is not None, seed


def first_need(events: list[tuple[float, dict[str, Any]]], since: float) -> float | None:
    """When the sessions' state machines (fed as the attention list feeds them) first show a session that needs
    you at or after `since`."""
    pairing, states = Pairing(), dict[str, SessionState]()
    for key, (at, payload) in enumerate(events, 1):
        name = payload['hook_event_name']
        event = HookEvent(id=key, at=at, session=payload['session_id'], hook_type=name, tool=payload.get('tool_name'),
                          tool_use_id=payload.get('tool_use_id'), failed=name == 'PostToolUseFailure',
                          prompt=payload.get('prompt'), notice=payload.get('notification_type'),
                          message=payload.get('message'))
        state = states.setdefault(event.session, SessionState())
        state.feed(event, pairing.add(event))
        if at >= since and any(state.state in NEEDS_YOU for state in states.values()):
            return at
    return None
