"""What one eyelet record says happened, in words: the prompt, the command, the file, the failure.

eyelet 0.3.5 stores Claude Code's hook payload verbatim under `data.input_data`; its own `status` and
`duration_ms` columns stay `unknown` and NULL. Everything a person wants to read about an event is in that
payload, in fields that depend on the event and, for tool calls, on the tool.
"""

from __future__ import annotations

import json
from typing import Any

from eyelet_gui.sources.eyelet.failure import payload_failed
from eyelet_gui.state.live.values import CELL_CHARACTERS, cell_text, parse_json

WHAT_CHARACTERS = CELL_CHARACTERS
"""Characters of the one-line `what` a table cell shows; the row detail shows it whole."""

# Per tool: the tool_input fields that say what the call does, most telling first. Tools not named here
# (mcp__server__tool, new tools) show their first short text fields.
TOOL_FIELDS: dict[str, tuple[str, ...]] = {
    'Bash': ('command', 'description'),
    'BashOutput': ('bash_id',),
    'KillShell': ('shell_id',),
    'Read': ('file_path',),
    'Write': ('file_path',),
    'Edit': ('file_path',),
    'MultiEdit': ('file_path',),
    'NotebookEdit': ('notebook_path',),
    'Grep': ('pattern', 'path', 'glob'),
    'Glob': ('pattern', 'path'),
    'WebFetch': ('url', 'prompt'),
    'WebSearch': ('query',),
    'Task': ('description', 'subagent_type'),
    'SlashCommand': ('command',),
    'Skill': ('skill',),
}
# Per event without a tool: the payload fields that say what happened.
EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    'UserPromptSubmit': ('prompt',),
    'Notification': ('message',),
    'SessionStart': ('source',),
    'SessionEnd': ('reason',),
    'PreCompact': ('trigger', 'custom_instructions'),
    'SubagentStart': ('agent_type', 'description', 'prompt'),
    'SubagentStop': ('agent_type',),
}


def input_data(data: object) -> dict[str, Any]:
    """Claude Code's payload inside an eyelet record's `data` (a dict or its JSON text); {} when there is none."""
    document = data if isinstance(data, dict) else parse_json(data)
    payload = document.get('input_data') if isinstance(document, dict) else None
    return payload if isinstance(payload, dict) else {}


def _text(value: Any) -> str:
    """A payload value as text: strings as they are, anything else as compact JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _fields(source: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [_text(source[name]) for name in names if source.get(name) not in (None, '', [], {})]


def _todo(todos: Any) -> list[str]:
    """The todo in progress (else the first open one) and the count done: what TodoWrite says the agent is at."""
    if not isinstance(todos, list):
        return []
    items = [todo for todo in todos if isinstance(todo, dict)]
    current = next((t for t in items if t.get('status') == 'in_progress'), None) \
        or next((t for t in items if t.get('status') == 'pending'), None)
    done = sum(t.get('status') == 'completed' for t in items)
    described = _text(current.get('activeForm') or current.get('content') or '') if current else 'all done'
    return [f'{described} ({done}/{len(items)} done)']


def tool_what(tool: str | None, tool_input: Any) -> list[str]:
    """The parts that say what a tool call does, most telling first."""
    if not isinstance(tool_input, dict):
        return [_text(tool_input)] if tool_input not in (None, '') else []
    if tool == 'TodoWrite':
        return _todo(tool_input.get('todos'))
    names = TOOL_FIELDS.get(tool or '')
    if names is None:  # an MCP or unknown tool: its short text arguments
        names = tuple(name for name, value in tool_input.items() if isinstance(value, str | int | float))[:3]
    return _fields(tool_input, names)


def failure_text(payload: dict[str, Any]) -> str | None:
    """Why a tool call failed, from its PostToolUse(Failure) payload; None when it did not, as far as the payload
    says by the one rule (sources/eyelet/failure.py): this only puts the sign that rule found into words."""
    if not payload_failed(payload):
        return None
    if payload.get('error') not in (None, ''):
        return _text(payload['error'])
    response = payload.get('tool_response')
    if payload.get('is_interrupt') is True or (isinstance(response, dict) and response.get('interrupted') is True):
        return 'interrupted'
    return _text(response.get('content') or response.get('error') or 'error') if isinstance(response, dict) \
        else 'error'


def what_parts(hook_type: str | None, tool: str | None, payload: dict[str, Any]) -> list[str]:
    """Everything that says what the event was about, most telling first (whole, not cut)."""
    parts = tool_what(tool, payload.get('tool_input')) if tool or 'tool_input' in payload else []
    failure = failure_text(payload)
    if failure:
        parts.append(failure)
    parts.extend(_fields(payload, EVENT_FIELDS.get(hook_type or '', ())))
    return parts


def what(hook_type: str | None, tool: str | None, payload: dict[str, Any], limit: int = WHAT_CHARACTERS) -> str:
    """One line for a table cell: `pytest -q — Run the tests`, `src/app.py`, the prompt's first words."""
    return cell_text(' — '.join(' '.join(part.split()) for part in what_parts(hook_type, tool, payload)), limit=limit)
