"""The demo's simulated writer: realistic eyelet hook events from a few agent sessions, written live.

Runs as its own process (`python -m eyelet_gui.sources.demo_writer DB --parent PID`) so that the dashboard
watches a database changed by *another* process, exactly as with a real eyelet logger.
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import os
import random
import sqlite3
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from eyelet_gui.sources.eyelet_schema import INSERT_HOOK, connect_writer

HISTORY_SECONDS = 30 * 60
HOSTNAME = 'devbox'
IP_ADDRESS = '192.168.1.23'
READY = 'ready'


@dataclass(frozen=True, slots=True)
class Project:
    directory: str
    branch: str


PROJECTS = (
    Project('/home/dev/code/acme-api', 'feature/rate-limits'),
    Project('/home/dev/code/webapp', 'main'),
    Project('/home/dev/code/data-pipeline', 'fix/backfill'),
)

# (tool, weight, typical duration in ms, failure rate, error messages)
TOOLS: tuple[tuple[str, int, int, float, tuple[str, ...]], ...] = (
    ('Read', 30, 40, 0.03, ('File does not exist.',)),
    ('Bash', 22, 2500, 0.15, ('Command failed with exit code 1: pytest -q', 'Command timed out after 120000ms',
                              'Command failed with exit code 2: ruff check .')),
    ('Edit', 16, 60, 0.08, ('String to replace not found in file.', 'File has been modified since read.')),
    ('Grep', 10, 120, 0.0, ()),
    ('Glob', 7, 30, 0.0, ()),
    ('Write', 5, 50, 0.02, ('Permission denied.',)),
    ('TodoWrite', 5, 10, 0.0, ()),
    ('Task', 3, 45000, 0.05, ('Subagent exceeded its turn limit.',)),
    ('WebFetch', 2, 1800, 0.2, ('Request failed with status 404.',)),
)
FILES = ('src/app.py', 'src/api/routes.py', 'tests/test_api.py', 'README.md', 'src/models/user.py',
         'pyproject.toml', 'src/pipeline/backfill.py', 'web/components/Table.tsx')
COMMANDS = ('pytest -q', 'ruff check .', 'git status', 'git diff --stat', 'uv run mypy .', 'npm test', 'ls -la src')
PROMPTS = ('Add rate limiting to the public API', 'Why does test_backfill fail on CI?', 'Refactor the table component',
           'Write tests for the user model', 'Fix the flaky websocket test', 'Update the README with setup steps')


def _tool_input(rng: random.Random, tool: str) -> dict[str, Any]:
    if tool == 'Bash':
        return {'command': rng.choice(COMMANDS), 'description': 'Run a check'}
    if tool in {'Read', 'Write', 'Edit'}:
        return {'file_path': rng.choice(FILES)}
    if tool in {'Grep', 'Glob'}:
        return {'pattern': rng.choice(('def test_', 'TODO', '**/*.py', 'rate_limit'))}
    if tool == 'Task':
        return {'description': 'Investigate failing test', 'subagent_type': 'general-purpose'}
    if tool == 'WebFetch':
        return {'url': 'https://docs.example.org/api', 'prompt': 'Summarise the rate limit rules'}
    return {'todos': [{'content': 'Write tests', 'status': 'in_progress'}]}


def _event(ts: float, hook_type: str, session: str, project: Project, **fields: Any) -> dict[str, Any]:
    """One row for eyelet's INSERT, with `data` shaped like eyelet's HookData.model_dump()."""
    iso = datetime.fromtimestamp(ts, tz=timezone.utc).isoformat()
    tool, status, duration, error = (fields.get(k) for k in ('tool', 'status', 'duration', 'error'))
    data = {
        'timestamp': iso, 'timestamp_unix': ts, 'hook_type': hook_type, 'tool_name': tool,
        'session_id': session, 'transcript_path': f'/home/dev/.claude/projects/{session}.jsonl',
        'cwd': project.directory, 'environment': {'python_version': '3.11.7', 'eyelet_version': '0.3.5'},
        'input_data': fields.get('input', {}),
        'metadata': {'git_branch': project.branch, 'hostname': HOSTNAME},
        'execution': {'status': status, 'duration_ms': duration, 'output_data': {'action': 'logged'},
                      'error_message': error},
        'completed_at': iso,
    }
    return {'timestamp': ts, 'timestamp_iso': iso, 'session_id': session, 'hook_type': hook_type, 'tool_name': tool,
            'status': status, 'duration_ms': duration, 'hostname': HOSTNAME, 'ip_address': IP_ADDRESS,
            'project_dir': project.directory, 'data': json.dumps(data)}


def _tool_call(rng: random.Random, ts: float, session: str, project: Project,
               gap: float) -> Iterator[dict[str, Any]]:
    name, _, typical, failure_rate, errors = rng.choices(TOOLS, weights=[tool[1] for tool in TOOLS])[0]
    tool_input = {'tool_input': _tool_input(rng, name)}
    yield _event(ts, 'PreToolUse', session, project, tool=name, status='success', duration=1, input=tool_input)
    duration = max(1, int(rng.lognormvariate(0, 0.6) * typical))
    failed = rng.random() < failure_rate
    end = ts + min(duration / 1000, 8.0) + gap
    yield _event(end, 'PostToolUse', session, project, tool=name, status='error' if failed else 'success',
                 duration=duration, error=rng.choice(errors) if failed else None, input=tool_input)


def session_events(rng: random.Random, start: float, project: Project) -> Iterator[dict[str, Any]]:
    """One agent session: prompts, each followed by tool calls (sometimes a burst from a subagent), then a stop."""
    session = str(uuid.UUID(int=rng.getrandbits(128)))
    ts = start
    yield _event(ts, 'SessionStart', session, project, status='success', duration=2)
    for _ in range(rng.randint(2, 5)):
        ts += rng.uniform(1.0, 6.0)
        yield _event(ts, 'UserPromptSubmit', session, project, status='success', duration=3,
                     input={'prompt': rng.choice(PROMPTS)})
        for _ in range(rng.randint(3, 12)):
            burst = rng.random() < 0.08
            for _ in range(rng.randint(8, 20) if burst else 1):
                ts += rng.uniform(0.02, 0.1) if burst else rng.uniform(0.3, 3.0)
                for event in _tool_call(rng, ts, session, project, gap=0.0 if burst else 0.05):
                    ts = max(ts, event['timestamp'])
                    yield event
            if burst:
                yield _event(ts + 0.05, 'SubagentStop', session, project, status='success', duration=2)
            if rng.random() < 0.05:
                yield _event(ts + 0.1, 'Notification', session, project, status='success', duration=1,
                             input={'message': 'Claude needs your permission to use Bash'})
        ts += rng.uniform(0.5, 2.0)
        yield _event(ts, 'Stop', session, project, status='success', duration=2)
    yield _event(ts + 0.5, 'SessionEnd', session, project, status='success', duration=1)


def all_events(rng: random.Random, start: float) -> Iterator[dict[str, Any]]:
    """Endless merged stream of events, in time order, from one running session per project."""
    queue: list[tuple[float, int, dict[str, Any], Iterator[dict[str, Any]]]] = []
    for order, project in enumerate(PROJECTS):
        stream = session_events(rng, start + rng.uniform(0, 5), project)
        heapq.heappush(queue, (0.0, order, next(stream), stream))
    order = len(PROJECTS)
    while True:
        _, _, event, stream = heapq.heappop(queue)
        yield event
        following = next(stream, None)
        if following is None:  # the session ended: its project starts a new one a little later
            project = next(p for p in PROJECTS if p.directory == event['project_dir'])
            stream = session_events(rng, event['timestamp'] + rng.uniform(2.0, 20.0), project)
            following = next(stream)
        order += 1
        heapq.heappush(queue, (following['timestamp'], order, following, stream))


def write_history(connection: sqlite3.Connection, events: Iterator[dict[str, Any]], until: float) -> dict[str, Any]:
    """Insert every event before `until` in one transaction; return the first event at or after it."""
    with connection:
        connection.execute('BEGIN')
        for event in events:
            if event['timestamp'] >= until:
                return event
            connection.execute(INSERT_HOOK, event)
    raise AssertionError('the event stream is endless')


def run(path: Path, parent: int | None, seed: int | None = None) -> None:
    """Seed half an hour of history in one commit, then write each event when its time comes, one commit each."""
    rng = random.Random(seed)
    connection = connect_writer(path)
    now = time.time()
    events = all_events(rng, now - HISTORY_SECONDS)
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
