"""A session's timeline: each PreToolUse paired with its PostToolUse into one span per tool call."""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Span:
    """One tool call: from its PreToolUse to its PostToolUse (`end` None while it runs)."""

    tool: str
    start: float
    end: float | None
    status: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A moment without a duration: a prompt, a stop, a notification."""

    kind: str
    at: float


def pair_tool_calls(events: list[tuple[Any, ...]]) -> tuple[list[Span], list[Mark]]:
    """Spans and marks from (id, timestamp, hook_type, tool_name, status, duration_ms, error) rows in order.

    Calls of one tool pair first-in, first-out: a PostToolUse closes the oldest open PreToolUse of its tool,
    which is how Claude Code runs them (several calls of a tool may be open at once in parallel batches).
    """
    open_calls: dict[str, deque[int]] = defaultdict(deque)
    spans: list[Span] = []
    marks: list[Mark] = []
    for _, timestamp, hook_type, tool, status, _, error in events:
        if hook_type == 'PreToolUse':
            open_calls[tool or ''].append(len(spans))
            spans.append(Span(tool=tool or '', start=timestamp, end=None, status=None, error=None))
        elif hook_type == 'PostToolUse':
            pending = open_calls[tool or '']
            if pending:
                index = pending.popleft()
                begun = spans[index]
                spans[index] = Span(tool=begun.tool, start=begun.start, end=timestamp, status=status, error=error)
            else:  # its PreToolUse is older than what was read, or was never logged
                spans.append(Span(tool=tool or '', start=timestamp, end=timestamp, status=status, error=error))
        else:
            marks.append(Mark(kind=hook_type, at=timestamp))
    return spans, marks
