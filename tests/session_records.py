"""eyelet 0.3.5 records of one Claude Code session, for the session page's tests, written by another process.

Each record is what eyelet's HookLogger stores for Claude Code's hook payload: `data.input_data` is the payload
verbatim, `status` is 'unknown' and `duration_ms` NULL (eyelet never writes its execution result to SQLite).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from eyelet_gui.sources.eyelet_schema import INSERT_HOOK, create_modern_database

from .writer import write

CWD = '/home/dev/code/acme-api'


def payload(session: str, hook: str, **fields: Any) -> dict[str, Any]:
    """Claude Code's hook payload: the fields every hook gets, then the event's own."""
    transcript = f'/home/dev/.claude/projects/-home-dev-code-acme-api/{session}.jsonl'
    return {'session_id': session, 'transcript_path': transcript,
            'cwd': CWD, 'permission_mode': 'default', 'hook_event_name': hook, **fields}


def pre(session: str, tool: str, tool_use_id: str, **tool_input: Any) -> dict[str, Any]:
    return payload(session, 'PreToolUse', tool_name=tool, tool_input=tool_input, tool_use_id=tool_use_id)


def post(session: str, tool: str, tool_use_id: str, response: Any, **tool_input: Any) -> dict[str, Any]:
    return payload(session, 'PostToolUse', tool_name=tool, tool_input=tool_input, tool_response=response,
                   tool_use_id=tool_use_id)


def failure(session: str, tool: str, tool_use_id: str, error: str, **tool_input: Any) -> dict[str, Any]:
    return payload(session, 'PostToolUseFailure', tool_name=tool, tool_input=tool_input, tool_use_id=tool_use_id,
                   error=error, is_interrupt=False)


def record(at: float, event: dict[str, Any]) -> dict[str, Any]:
    """INSERT_HOOK's parameters for `event` received at `at`, as eyelet 0.3.5 writes them."""
    moment = datetime.fromtimestamp(at)
    data = {'timestamp': moment.isoformat(), 'timestamp_unix': at, 'hook_type': event['hook_event_name'],
            'tool_name': event.get('tool_name', ''), 'session_id': event['session_id'],
            'transcript_path': event['transcript_path'], 'cwd': event['cwd'],
            'environment': {'python_version': '3.12.3', 'platform': 'linux', 'eyelet_version': '0.2.0',
                            'env_vars': {'CLAUDE_PROJECT_DIR': CWD}},
            'input_data': event, 'metadata': {'hostname': 'devbox', 'ip_address': '10.0.0.5'},
            'execution': None, 'completed_at': None}
    return {'timestamp': at, 'timestamp_iso': moment.isoformat(), 'session_id': event['session_id'],
            'hook_type': event['hook_event_name'], 'tool_name': event.get('tool_name') or None, 'status': 'unknown',
            'duration_ms': None, 'hostname': 'devbox', 'ip_address': '10.0.0.5', 'project_dir': event['cwd'],
            'data': json.dumps(data)}


def _literal(value: Any) -> str:
    if value is None:
        return 'NULL'
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def insert_sql(parameters: dict[str, Any]) -> str:
    """INSERT_HOOK with its parameters written in: tests/writer.py takes statements as text."""
    return re.sub(r':(\w+)', lambda match: _literal(parameters[match[1]]), INSERT_HOOK)


def log(path: Path, *events: tuple[float, dict[str, Any]]) -> None:
    """Commit each event's record in another process, one commit each, as eyelet's hook processes do."""
    write(path, *(insert_sql(record(at, event)) for at, event in events))


def session_database(path: Path, *events: tuple[float, dict[str, Any]]) -> Path:
    create_modern_database(path)
    if events:
        log(path, *events)
    return path
