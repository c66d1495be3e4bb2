"""A session's story from eyelet 0.3.5 records committed by another process: entries in order, a running call
that ends later changed in place, calls abandoned at SessionEnd, and only the new records read on each commit."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.reader import Result
from eyelet_gui.state.eyelet.session_story import StoryChange, StoryEntry
from eyelet_gui.state.eyelet.session_timeline import SessionTimeline, SessionTimelines

from .session_records import failure, log, payload, post, pre, session_database
from .test_engine import eventually, watching
from .writer import write

S = 'a1b2c3d4-session'
TEST_FILE = '/home/dev/code/acme-api/tests/test_api.py'
PROMPT = 'Fix the failing test in tests/test_api.py.\nThen run the whole suite.'


def entry_facts(entry: StoryEntry) -> tuple[Any, ...]:
    return (entry.kind, entry.at, entry.tool or entry.hook_type,
            entry.text, entry.outcome, entry.duration_ms, entry.error)


def story(timeline: SessionTimeline) -> list[tuple[Any, ...]]:
    return [entry_facts(entry) for entry in timeline.story.entries]


@asynccontextmanager
async def followed(path: Path, session: str = S) -> AsyncIterator[tuple[SessionTimeline, list[StoryChange],
                                                                      list[int]]]:
    """The session's shared timeline, the changes it emitted, and the rows each of its session reads returned."""
    async with watching(path, poll_interval=0.2) as watcher:
        rows_read: list[int] = []
        fetch = watcher.reader.fetch

        async def counting_fetch(statement: Statement) -> Result:
            result = await fetch(statement)
            if 'session_id = ?' in statement.sql:
                rows_read.append(len(result.rows))
            return result

        watcher.reader.fetch = counting_fetch  # type: ignore[method-assign]
        timelines = SessionTimelines({watcher.database.id: watcher})
        timeline = timelines.acquire(watcher.database.id, session)
        changes: list[StoryChange] = []
        timeline.changed.subscribe(changes.append, unsubscribe_on_delete=False)
        try:
            await eventually(lambda: timeline.read)
            yield timeline, changes, rows_read
        finally:
            await timelines.release(watcher.database.id, session)


def a_session(now: float) -> list[tuple[float, dict[str, Any]]]:
    return [
        (now - 60, payload(S, 'SessionStart', source='startup')),
        (now - 59, payload(S, 'UserPromptSubmit', prompt=PROMPT)),
        (now - 58, pre(S, 'Bash', 'toolu_01', command='pytest -q', description='Run the tests')),
        (now - 57.5, pre(S, 'Read', 'toolu_02', file_path=TEST_FILE)),
        (now - 57.25, post(S, 'Read', 'toolu_02', {'type': 'text'}, file_path=TEST_FILE)),
        (now - 55, failure(S, 'Bash', 'toolu_01', 'Command failed with exit code 1: 2 failed',
                           command='pytest -q', description='Run the tests')),
        (now - 50, payload(S, 'Notification', message='Claude needs your permission to use Edit')),
        (now - 40, pre(S, 'Edit', 'toolu_03', file_path='/home/dev/code/acme-api/app.py', old_string='a',
                       new_string='b')),
        (now - 39, payload('other-session', 'UserPromptSubmit', prompt='not this one')),
    ]


async def test_a_session_is_told_in_order_with_each_call_once(tmp_path: Path) -> None:
    now = float(int(time.time()))  # whole seconds: the durations below are exact
    path = session_database(tmp_path / 'eyelet.db', *a_session(now))
    async with followed(path) as (timeline, changes, rows_read):
        assert story(timeline) == [
            ('session start', now - 60, 'SessionStart', 'startup', None, None, None),
            ('prompt', now - 59, 'UserPromptSubmit', PROMPT, None, None, None),
            ('call', now - 58, 'Bash', 'pytest -q — Run the tests', 'failed', 3000.0,
             'Command failed with exit code 1: 2 failed'),
            ('call', now - 57.5, 'Read', TEST_FILE, 'ok', 250.0, None),
            ('notification', now - 50, 'Notification', 'Claude needs your permission to use Edit', None, None, None),
            ('call', now - 40, 'Edit', '/home/dev/code/acme-api/app.py', 'running', None, None),
        ]
        counts = timeline.story.counts
        assert (counts.events, counts.prompts, counts.calls, counts.failed, counts.running, counts.abandoned) == \
            (8, 1, 3, 1, 1, 0)
        assert [rows for rows in rows_read if rows] == [8]  # the session's records only, in one read
        assert [len(change.appended) for change in changes] == [6]


async def test_a_running_call_that_ends_changes_its_entry_and_only_new_records_are_read(tmp_path: Path) -> None:
    now = float(int(time.time()))  # whole seconds: the durations below are exact
    path = session_database(tmp_path / 'eyelet.db', *a_session(now))
    async with followed(path) as (timeline, changes, rows_read):
        edit = timeline.story.entries[-1]
        log(path, (now - 38, payload('other-session', 'Stop', stop_hook_active=False)),
            (now - 37, post(S, 'Edit', 'toolu_03', {'filePath': '/home/dev/code/acme-api/app.py'},
                            file_path='/home/dev/code/acme-api/app.py', old_string='a', new_string='b')))
        await eventually(lambda: edit.outcome == 'ok')
        assert timeline.story.entries[-1] is edit, 'the call keeps its one entry'
        assert entry_facts(edit) == ('call', now - 40, 'Edit', '/home/dev/code/acme-api/app.py', 'ok', 3000.0, None)
        assert [(change.appended, change.updated) for change in changes[1:]] == [([], [edit])]
        assert rows_read[0] == 8
        assert sum(rows_read[1:]) == 1, 'a commit costs the records it added to the session, not the session again'
        counts = timeline.story.counts
        assert (counts.events, counts.calls, counts.running) == (9, 3, 0)


async def test_session_end_abandons_the_calls_still_running(tmp_path: Path) -> None:
    now = float(int(time.time()))  # whole seconds: the durations below are exact
    path = session_database(tmp_path / 'eyelet.db', *a_session(now))
    async with followed(path) as (timeline, changes, _):
        edit = timeline.story.entries[-1]
        log(path, (now - 30, payload(S, 'SessionEnd', reason='prompt_input_exit')))
        await eventually(lambda: len(changes) == 2)
        end = timeline.story.entries[-1]
        assert entry_facts(end) == ('session end', now - 30, 'SessionEnd', 'prompt_input_exit', None, None, None)
        assert (changes[1].appended, changes[1].updated) == ([end], [edit])
        assert (edit.outcome, edit.duration_ms) == ('abandoned', None)
        counts = timeline.story.counts
        assert (counts.calls, counts.failed, counts.running, counts.abandoned) == (3, 1, 0, 1)


async def test_a_rewritten_table_tells_the_session_anew(tmp_path: Path) -> None:
    """The largest id went down (the log was emptied and written again): what was read no longer exists."""
    now = float(int(time.time()))  # whole seconds: the durations below are exact
    path = session_database(tmp_path / 'eyelet.db', *a_session(now))
    async with followed(path) as (timeline, changes, _):
        write(path, 'DELETE FROM hooks', 'DELETE FROM sqlite_sequence')
        log(path, (now, payload(S, 'UserPromptSubmit', prompt='start again')))
        await eventually(lambda: [entry.text for entry in timeline.story.entries] == ['start again'])
        assert any(change.reset for change in changes[1:])
        assert timeline.story.counts.events == 1
