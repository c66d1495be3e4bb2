"""When an eyelet record ends a tool call that failed: one rule, from which the SQL of each dialect (the tail the
charts and sessions count) and the Python predicate (the windows the feed and the hooks table show) are made, so
the two can never disagree again.

What Claude Code sends (demo/claude_code.py writes the same): `PostToolUseFailure` is a failed call, with its
`error` and a boolean `is_interrupt`. A `PostToolUse` can still tell of one: its `tool_response` has `is_error:
true` (an MCP tool's error result) or `interrupted: true` (a Bash command stopped), and a payload may carry an
`error`. Writers other than eyelet 0.3.5 fill `status`. The flags count only when they are JSON `true`: Claude
Code sends booleans, and a string such as `"false"` or a `0` says no failure, though Python finds it truthy (the
old Python copy called a truthy `is_interrupt` a failure; the SQL did not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from eyelet_gui.sources.dialect import Dialect, JsonPath

PAYLOAD: JsonPath = ('input_data',)
"""Where eyelet 0.3.5 keeps Claude Code's payload in a record's `data`."""
FAILED_HOOK_TYPES = ('PostToolUseFailure',)
"""Records that are a failure by their kind."""
FAILED_STATUSES = ('error', 'failed', 'failure')
"""`status` values of writers that do fill the column (eyelet's own `executions`, other loggers)."""
SIGNS_ON = 'PostToolUse'
"""The kind of record whose payload's signs (SIGNS) say whether its call failed."""


@dataclass(frozen=True, slots=True)
class Sign:
    """A sign of failure in the payload: the value at `path` is JSON `true`, or is `text` (neither null nor '')."""

    path: JsonPath
    test: Literal['true', 'text']


SIGNS = (Sign(('error',), 'text'), Sign(('is_interrupt',), 'true'), Sign(('tool_response', 'interrupted'), 'true'),
         Sign(('tool_response', 'is_error'), 'true'))


def _quoted(values: tuple[str, ...]) -> str:
    return ', '.join("'" + value.replace("'", "''") + "'" for value in values)


def _sign_sql(dialect: Dialect, column: str, sign: Sign) -> str:
    path = PAYLOAD + sign.path
    if sign.test == 'true':
        return dialect.json_true(column, path)
    return f"coalesce({dialect.json_text(column, path)}, '') != ''"


def failed_sql(dialect: Dialect, data: str = 'data') -> str:
    """SQL that holds for a record (columns `hook_type`, `status` and `data`) whose tool call failed."""
    signs = ' OR '.join(_sign_sql(dialect, data, sign) for sign in SIGNS)
    return (f'(hook_type IN ({_quoted(FAILED_HOOK_TYPES)}) OR status IN ({_quoted(FAILED_STATUSES)}) '
            f"OR (hook_type = '{SIGNS_ON}' AND ({signs})))")


def _value_at(payload: Mapping[str, Any], path: JsonPath) -> Any:
    value: Any = payload
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _holds(payload: Mapping[str, Any], sign: Sign) -> bool:
    value = _value_at(payload, sign.path)
    return value is True if sign.test == 'true' else value is not None and value != ''


def payload_failed(payload: Mapping[str, Any]) -> bool:
    """Whether Claude Code's payload (a record's `data.input_data`) shows one of the SIGNS."""
    return any(_holds(payload, sign) for sign in SIGNS)


def failed(hook_type: str | None, status: str | None, payload: Mapping[str, Any]) -> bool:
    """`failed_sql` in Python, for a record whose payload is parsed already."""
    return hook_type in FAILED_HOOK_TYPES or status in FAILED_STATUSES \
        or (hook_type == SIGNS_ON and payload_failed(payload))
