"""The demo database is eyelet's modern schema, and its writer is a separate, realistic, well-behaved process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from eyelet.services.sqlite_logger import SQLiteLogger

from eyelet_gui.sources.demo import DemoDatabase

from .conftest import wait_for


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


def test_demo_writes_realistic_events_live_and_stops_cleanly() -> None:
    demo = DemoDatabase()
    path = demo.start()
    try:
        seeded = count(path)
        assert seeded > 500, 'half an hour of history is there at once'
        wait_for(lambda: count(path) > seeded)
        connection = sqlite3.connect(path)
        hook_types = {name for (name,) in connection.execute('SELECT DISTINCT hook_type FROM hooks')}
        tools = {name for (name,) in connection.execute('SELECT DISTINCT tool_name FROM hooks')}
        failures = connection.execute("SELECT status, error_code, data FROM hooks "
                                      "WHERE hook_type = 'PostToolUse' AND status = 'error'").fetchall()
        projects, sessions = connection.execute(
            'SELECT count(DISTINCT project_dir), count(DISTINCT session_id) FROM hooks').fetchone()
        unpaired = connection.execute("""
            SELECT abs(sum(hook_type = 'PreToolUse') - sum(hook_type = 'PostToolUse')) FROM hooks""").fetchone()[0]
        connection.close()
        assert {'PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Stop', 'SessionStart'} <= hook_types
        assert {'Bash', 'Read', 'Edit', 'Grep', 'Glob', 'Write'} <= tools
        assert failures, 'some tool calls fail'
        for status, error_code, data in failures:
            assert error_code is not None
            assert (status, error_code) == ('error', json.loads(data)['execution']['error_message'])
        assert projects == 3
        assert sessions >= 3
        assert unpaired <= 3, 'each running session has at most one call in flight'
    finally:
        folder, process = demo.folder, demo.process
        demo.stop()
    assert process is not None
    assert process.poll() is not None
    assert folder is not None
    assert not folder.exists()


def test_writer_stops_when_its_parent_dies(tmp_path: Path) -> None:
    """Killed without ceremony (SIGKILL), the app cannot stop its writer: the writer notices and stops itself."""
    script = ('import sys, time; from eyelet_gui.sources.demo import DemoDatabase; d = DemoDatabase(); '
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
