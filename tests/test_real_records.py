"""eyelet 0.3.5's own code path writes, for each Claude Code payload, exactly the row `eyelet_record` describes."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.sources.eyelet.schema import eyelet_environment, eyelet_record, git_metadata

from .eyelet_logger import eyelet_execute, log_payloads

ENV = {'ANTHROPIC_API_KEY': 'sk-ant-api03-test-only-not-a-key', 'CLAUDECODE': '1', 'CLAUDE_CODE_ENTRYPOINT': 'cli',
       'EYELET_DEBUG': '0', 'UNRELATED': 'left out'}
"""The hook process's variables; `log_payloads` and `eyelet_execute` drop the test runner's own CLAUDE* ones."""


def git(project: Path, *args: str) -> str:
    return subprocess.run(['git', *args], cwd=project, check=True, capture_output=True, text=True).stdout.strip()


def git_project(root: Path) -> tuple[Path, dict[str, Any]]:
    """A project in a git repository (one commit, an origin, a change not committed); eyelet's metadata for it."""
    project = root / 'acme-api'
    project.mkdir()
    git(project, 'init', '-q', '-b', 'feature/rate-limits')
    git(project, 'config', 'user.name', 'Dana Developer')
    git(project, 'config', 'user.email', 'dana@example.org')
    git(project, 'remote', 'add', 'origin', 'https://github.com/acme/acme-api.git')
    (project / '.gitignore').write_text('.eyelet-logging/\n')
    git(project, 'add', '.gitignore')
    git(project, 'commit', '-q', '-m', 'Ignore the hook logs')
    (project / 'notes.txt').write_text('not committed\n')
    hostname = socket.gethostname()
    return project, {'hostname': hostname, 'ip_address': socket.gethostbyname(hostname), 'git': git_metadata(
        'feature/rate-limits', git(project, 'rev-parse', '--short', 'HEAD'), 'acme-api', dirty=True,
        remote_url='https://github.com/acme/acme-api.git', user_name='Dana Developer',
        last_commit_message='Ignore the hook logs')}


def every_kind_of_payload(cwd: str) -> list[dict[str, Any]]:
    session, bash = 'b7e4c8f0-3a1d-4c5e-9f2a-6d8b1e0c7a93', {'command': 'uv run pytest -q', 'description': 'Run tests'}
    return [
        cc.session_start(session, cwd),
        cc.user_prompt(session, cwd, 'Add rate limiting to the public API'),
        cc.pre_tool_use(session, cwd, 'Bash', bash, 'toolu_01A'),
        cc.post_tool_use(session, cwd, 'Bash', bash, 'toolu_01A',
                         {'stdout': '42 passed', 'stderr': '', 'interrupted': False, 'isImage': False}),
        cc.post_tool_use_failure(session, cwd, 'Bash', bash, 'toolu_01B', 'Exit code 1\n1 failed'),
        cc.post_tool_use_failure(session, cwd, 'Bash', bash, 'toolu_01C', cc.INTERRUPTED, is_interrupt=True),
        cc.notification(session, cwd, 'Claude needs your permission to use Bash'),
        cc.stop(session, cwd, subagent=True),
        cc.pre_compact(session, cwd),
        cc.stop(session, cwd),
        cc.session_end(session, cwd, 'prompt_input_exit'),
    ]


def rows(database: Path) -> list[dict[str, Any]]:
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute('SELECT * FROM hooks ORDER BY id')]
    finally:
        connection.close()


def expected(row_id: int, payload: dict[str, Any], at: float, metadata: dict[str, Any]) -> dict[str, Any]:
    """The whole row: eyelet_record's parameters, the id, and the generated columns (always NULL for real data)."""
    environment = eyelet_environment(ENV, python_version=sys.version, platform=sys.platform)
    record = eyelet_record(payload, at, environment=environment, metadata=metadata)
    return {'id': row_id, **record, 'error_code': None, 'git_branch': None}


def test_eyelets_hook_logger_writes_what_eyelet_record_says(tmp_path: Path) -> None:
    project, metadata = git_project(tmp_path)
    payloads = every_kind_of_payload(str(project))
    start = 1_764_000_000.125
    events: list[tuple[float | None, dict[str, Any]]] = [(start + index * 0.5, p) for index, p in enumerate(payloads)]
    before = time.time()
    database = log_payloads(project, [*events, (None, payloads[2])], env=ENV)
    after = time.time()

    assert database == project / '.eyelet-logging' / 'eyelet.db'
    written = rows(database)
    assert written[:-1] == [expected(index + 1, payload, at, metadata)
                            for index, (at, payload) in enumerate(events) if at is not None]
    # An event logged "now" has eyelet's clock's time: the only value taken from the row.
    now = written[-1]['timestamp']
    assert before <= now <= after
    assert written[-1] == expected(len(written), payloads[2], now, metadata)


def test_eyelet_execute_writes_what_eyelet_record_says(tmp_path: Path) -> None:
    project, metadata = git_project(tmp_path)
    payloads = every_kind_of_payload(str(project))
    before = time.time()
    post = eyelet_execute(project, payloads[3], env=ENV)
    start = eyelet_execute(project, payloads[0], env=ENV)
    after = time.time()

    assert post.returncode == 0, post.stderr
    assert start.returncode == 1, 'eyelet 0.3.5 fails after logging an event its enum lacks'
    written = rows(project / '.eyelet-logging' / 'eyelet.db')
    # The command takes its own time (datetime.now()): the only values normalised, by building the expected row
    # at the time the row holds, after checking that time.
    assert [before <= row['timestamp'] <= after for row in written] == [True, True]
    assert written == [expected(1, payloads[3], written[0]['timestamp'], metadata),
                       expected(2, payloads[0], written[1]['timestamp'], metadata)]
