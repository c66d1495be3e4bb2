"""eyelet 0.3.5 records of one Claude Code session, for the session page's tests, written by another process.

Each record is what eyelet's HookLogger stores for Claude Code's hook payload: `data.input_data` is the payload
verbatim, `status` is 'unknown' and `duration_ms` NULL (eyelet never writes its execution result to SQLite).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from eyelet_gui.demo import claude_code
from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, create_modern_database, eyelet_environment, eyelet_record

from .writer import write

CWD = '/home/dev/code/acme-api'
ENVIRONMENT = eyelet_environment({'CLAUDE_PROJECT_DIR': CWD})


def payload(session: str, hook: str, **fields: Any) -> dict[str, Any]:
    """Claude Code's hook payload for any event: the fields every hook gets, then the event's own."""
    return claude_code.hook_payload(hook, session, CWD, **fields)


def pre(session: str, tool: str, tool_use_id: str, **tool_input: Any) -> dict[str, Any]:
    return claude_code.pre_tool_use(session, CWD, tool, tool_input, tool_use_id)


def post(session: str, tool: str, tool_use_id: str, response: Any, **tool_input: Any) -> dict[str, Any]:
    return claude_code.post_tool_use(session, CWD, tool, tool_input, tool_use_id, response)


def failure(session: str, tool: str, tool_use_id: str, error: str, **tool_input: Any) -> dict[str, Any]:
    return claude_code.post_tool_use_failure(session, CWD, tool, tool_input, tool_use_id, error)


def record(at: float, event: dict[str, Any]) -> dict[str, Any]:
    """INSERT_HOOK's parameters for `event` received at `at`, as eyelet 0.3.5 writes them."""
    return eyelet_record(event, at, environment=ENVIRONMENT, metadata={'hostname': 'devbox', 'ip_address': '10.0.0.5'})


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
