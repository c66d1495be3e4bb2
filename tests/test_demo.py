"""The demo database is eyelet's modern schema, and its writer is a separate, realistic, well-behaved process."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet.services.sqlite_logger import SQLiteLogger

from eyelet_gui.demo.database import DemoDatabase
from eyelet_gui.demo.writer import PROJECTS
from eyelet_gui.sources.events import cancel_and_wait
from eyelet_gui.sources.eyelet.schema import eyelet_record
from eyelet_gui.state.catalog import Catalog

from .conftest import DEADLINE, ServedApp, wait_for
from .test_claude_code import unpaired
from .test_real_records import rows as all_rows


def structure(path: Path) -> dict[str, Any]:
    """Everything about a database's schema that matters to a reader, in comparable form."""
    connection = sqlite3.connect(path)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        result: dict[str, Any] = {
            'user_version': connection.execute('PRAGMA user_version').fetchone()[0],
            'journal_mode': connection.execute('PRAGMA journal_mode').fetchone()[0],
        }
        for table in tables:
            result[table] = {
                'columns': connection.execute(f'PRAGMA table_xinfo("{table}")').fetchall(),
                'indexes': {name: (unique, partial, connection.execute(f'PRAGMA index_xinfo("{name}")').fetchall())
                            for _, name, unique, _, partial in connection.execute(f'PRAGMA index_list("{table}")')},
            }
        return result
    finally:
        connection.close()


def test_demo_schema_equals_eyelets(tmp_path: Path) -> None:
    SQLiteLogger(tmp_path / 'eyelet.db')  # eyelet's own logger creates its schema
    demo = DemoDatabase()
    try:
        path = demo.start()
        assert structure(path) == structure(tmp_path / 'eyelet.db')
        assert structure(path)['user_version'] == 1
        assert structure(path)['journal_mode'] == 'wal'
    finally:
        demo.stop()


def count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute('SELECT count(*) FROM hooks').fetchone()[0])
    finally:
        connection.close()


def test_demo_writes_real_shaped_records_live_and_stops_cleanly() -> None:
    demo = DemoDatabase()
    path = demo.start()
    try:
        seeded = count(path)
        assert seeded > 500, 'half an hour of history is there at once'
        # Agents pause to think, and now and then all three at once (up to a minute: Claude Code's idle notice).
        wait_for(lambda: count(path) > seeded, timeout=90, what='a record written live')
        rows = all_rows(path)
    finally:
        folder, process = demo.folder, demo.process
        demo.stop()
    assert process is not None
    assert process.poll() is not None
    assert folder is not None
    assert not folder.exists()

    payloads = []
    for row in rows:
        data = json.loads(row['data'])
        payload = data['input_data']
        # Each row is eyelet's record of a Claude Code payload, with the environment and metadata it recorded.
        record = eyelet_record(payload, row['timestamp'], environment=data['environment'], metadata=data['metadata'])
        assert {key: row[key] for key in record} == record
        assert (row['status'], row['duration_ms'], row['error_code'], row['git_branch']) == (
            'unknown', None, None, None)
        env_vars = data['environment']['env_vars']
        assert env_vars['ANTHROPIC_API_KEY'].startswith('sk-ant-api03-')
        assert (env_vars['CLAUDECODE'], env_vars['CLAUDE_PROJECT_DIR']) == ('1', row['project_dir'])
        assert set(data['metadata']['git']) >= {'branch', 'commit', 'dirty', 'repo_name'}
        payloads.append(payload)
    assert [row['timestamp'] for row in rows] == sorted(row['timestamp'] for row in rows)
    assert {row['project_dir'] for row in rows} == {project.directory for project in PROJECTS}
    assert {row['hook_type'] for row in rows} >= {'SessionStart', 'UserPromptSubmit', 'PreToolUse', 'PostToolUse',
                                                  'PostToolUseFailure', 'Stop', 'SubagentStop', 'SessionEnd'}
    assert {row['tool_name'] for row in rows} >= {'Bash', 'Read', 'Edit', 'Grep', 'Glob', 'Write', 'TodoWrite', 'Task'}

    # Every call ends (PostToolUse or PostToolUseFailure with its tool_use_id) unless it still runs, or its session
    # ended first (abandoned: the dev server left running).
    ended = {p['session_id'] for p in payloads if p['hook_event_name'] == 'SessionEnd'}
    open_calls = unpaired(payloads)
    assert {p['tool_input']['command'] for p in open_calls if p['session_id'] in ended} <= {'npm run dev'}
    assert len([p for p in open_calls if p['session_id'] not in ended]) <= 3 * 4, 'a few calls per running agent'
    spans: dict[str, tuple[float, float]] = {}
    for row in rows:
        first, _ = spans.get(row['session_id'], (row['timestamp'], 0.0))
        spans[row['session_id']] = (first, row['timestamp'])
    assert max(sum(start <= at <= end for start, end in spans.values()) for at, _ in spans.values()) >= 2, \
        'several agents at once'


def test_writer_stops_when_its_parent_dies(tmp_path: Path) -> None:
    """Killed without ceremony (SIGKILL), the app cannot stop its writer: the writer notices and stops itself."""
    script = ('import sys, time; from eyelet_gui.demo.database import DemoDatabase; d = DemoDatabase(); '
              'd.start(); print(d.process.pid, flush=True); time.sleep(60)')
    parent = subprocess.Popen([sys.executable, '-c', script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    writer_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    parent.stdout.close()

    def writer_gone() -> bool:
        try:
            os.kill(writer_pid, 0)
        except ProcessLookupError:
            return True
        # A stopped child of a dead parent is a zombie until init reaps it; that counts as stopped.
        return Path(f'/proc/{writer_pid}/stat').read_text().split()[2] == 'Z'

    wait_for(writer_gone)


def test_ctrl_c_pressed_twice_still_stops_the_app_cleanly(served_app: Callable[..., ServedApp]) -> None:
    """A second Ctrl+C while the app stops (an impatient press, or a terminal that signals twice) must not skip
    the stop: uvicorn would leave the demo's folder behind and log the cancelled lifespan as a traceback."""
    app = served_app('--demo')
    app.process.send_signal(signal.SIGINT)
    time.sleep(0.05)
    app.process.send_signal(signal.SIGINT)
    output = app.stop()  # a third press, after which: exit status 0, no traceback
    found = re.search(r'^Watching (/\S+)/demo-project/\.eyelet-logging/eyelet\.db$', output, re.MULTILINE)
    assert found, output
    assert not Path(found[1]).exists(), 'the stop ran to its end: the demo folder is removed'


async def test_stopping_the_demo_leaves_the_event_loop_free() -> None:
    """A writer slow to end (here: paused, so it ends only when killed after `DemoDatabase.stop`'s 5 s) must not
    freeze every tab and stream meanwhile."""
    catalog = Catalog()
    demo = catalog.start_demo()
    process = catalog._demo.process  # the writer, to pause it
    assert process is not None
    os.kill(process.pid, signal.SIGSTOP)
    assert process.poll() is None, f'the writer had ended already (status {process.returncode}) before its stop'
    # SIGSTOP takes hold when the writer next runs. On a busy machine it may not have run yet when the stop's SIGTERM
    # comes, which then kills it at once (a process not yet stopped dies of it): wait until it is stopped.
    state = Path(f'/proc/{process.pid}/stat')
    deadline = time.monotonic() + DEADLINE
    while state.read_text().rsplit(')', 1)[1].split()[0] != 'T':
        assert time.monotonic() < deadline, 'the writer never stopped'
        await asyncio.sleep(0.01)
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(tick())
    started = time.monotonic()
    await catalog.stop()
    took = time.monotonic() - started
    await cancel_and_wait(ticking)
    assert took > 4, 'the writer was killed after its 5 s'
    assert max(gaps, default=took) < 2.5, 'the event loop ran on meanwhile'
    assert (catalog.demo_running, process.poll(), demo.path.parents[2].exists()) == (False, -signal.SIGKILL, False)
