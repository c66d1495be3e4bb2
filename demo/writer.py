"""The demo's simulated writer: Claude Code agents at work in three projects, logged as eyelet 0.3.5 logs them.

Runs as its own process (`python -m eyelet_gui.demo.writer DB --parent PID`) so that the dashboard
watches a database changed by *another* process, exactly as with a real eyelet logger.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from eyelet_gui.demo.claude_code import Project, Timed, agent_payloads
from eyelet_gui.sources.eyelet.schema import (
    INSERT_HOOK,
    connect_writer,
    eyelet_environment,
    eyelet_record,
    git_metadata,
)

HISTORY_SECONDS = 30 * 60
READY = 'ready'
PROJECTS = (
    Project('/home/dev/code/acme-api', 'feature/rate-limits'),
    Project('/home/dev/code/webapp', 'main'),
    Project('/home/dev/code/data-pipeline', 'fix/backfill'),
)
# What a real user's hook process sees: Claude Code's own variables and the user's API key (a fake one).
API_KEY = 'sk-ant-api03-' + 'Xq7bN2vR9kLm4TzW8yHc3PdF6sJa1GeU5oIi0' * 2 + 'tYw-AA'
PYTHON = '3.11.9 (main, Apr  6 2024, 17:59:24) [GCC 11.4.0]'


def _environment(project: Project) -> dict[str, Any]:
    return eyelet_environment({'ANTHROPIC_API_KEY': API_KEY, 'CLAUDECODE': '1', 'CLAUDE_CODE_ENTRYPOINT': 'cli',
                               'CLAUDE_PROJECT_DIR': project.directory}, python_version=PYTHON, platform='linux')


def _metadata(project: Project, commit: str) -> dict[str, Any]:
    name = project.directory.rsplit('/', 1)[-1]
    git = git_metadata(project.branch, commit, name, dirty=True, remote_url=f'https://github.com/acme/{name}.git',
                       user_name='Dana Developer', last_commit_message='Keep the session cookie on refresh')
    return {'hostname': 'devbox', 'ip_address': '192.168.1.23', 'git': git}


CONTEXT = {project.directory: (_environment(project), _metadata(project, commit))
           for project, commit in zip(PROJECTS, ('4f1c2ab', '9e03d77', 'b52e810'), strict=True)}


def rows(payloads: Iterator[Timed]) -> Iterator[dict[str, Any]]:
    """eyelet's INSERT parameters for each payload, at its time."""
    for at, payload in payloads:
        environment, metadata = CONTEXT[payload['cwd']]
        yield eyelet_record(payload, at, environment=environment, metadata=metadata)


def write_history(connection: sqlite3.Connection, events: Iterator[dict[str, Any]], until: float) -> dict[str, Any]:
    """Insert every row before `until` in one transaction; return the first row at or after it."""
    with connection:
        connection.execute('BEGIN')
        for event in events:
            if event['timestamp'] >= until:
                return event
            connection.execute(INSERT_HOOK, event)
    raise AssertionError('the event stream is endless')


def run(path: Path, parent: int | None, seed: int | None = None) -> None:
    """Seed half an hour of history in one commit, then write each row when its time comes, one commit each."""
    connection = connect_writer(path)
    now = time.time()
    events = rows(agent_payloads(random.Random(seed), now - HISTORY_SECONDS, PROJECTS))
    pending = write_history(connection, events, until=now)
    print(READY, flush=True)  # tells DemoDatabase.start() that the history is committed
    while parent is None or os.getppid() == parent:
        wait = pending['timestamp'] - time.time()
        if wait > 0:
            time.sleep(min(wait, 1.0))  # wake at least once a second to notice a vanished parent
            continue
        connection.execute(INSERT_HOOK, pending)
        pending = next(events)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description='Write simulated eyelet hook events into a database.')
    parser.add_argument('database', type=Path)
    parser.add_argument('--parent', type=int, help='stop when this process is gone')
    parser.add_argument('--seed', type=int)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C in the terminal reaches the writer too
        run(args.database, args.parent, args.seed)


if __name__ == '__main__':
    main()
