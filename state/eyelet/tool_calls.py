"""Tool calls as the unit: each PreToolUse paired with the PostToolUse or PostToolUseFailure that ends it.

Claude Code gives both ends of a call the same `tool_use_id`; records without one (older Claude Code, other
writers) pair by session and tool, first in first out, which is how a batch of parallel calls of one tool
ends. A call is `running` until its end arrives, and `abandoned` when its session ends first.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any, Literal

Outcome = Literal['ok', 'failed', 'running', 'abandoned']
CALL_ENDS = frozenset({'PostToolUse', 'PostToolUseFailure'})


@dataclass(slots=True)  # not frozen: a frozen dataclass is built field by field through object.__setattr__
class HookEvent:
    """The facts of one record that pairing and counting need (TAIL_COLUMNS in sources/eyelet/tail.py)."""

    id: int
    at: float
    session: str
    hook_type: str
    tool: str | None
    project: str | None = None
    duration_ms: float | None = None
    """What the writer measured, when it fills `duration_ms` (eyelet 0.3.5 never does)."""
    tool_use_id: str | None = None
    failed: bool = False
    branch: str | None = None
    prompt: str | None = None
    notice: str | None = None
    """A Notification's `notification_type` (`permission_prompt`, `idle_prompt`, …; older Claude Code sends none)."""
    message: str | None = None
    """A Notification's `message`."""

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> HookEvent:
        event_id, at, session, hook_type, tool, project, duration, tool_use_id, failed, branch, prompt, notice, \
            message = row[:13]
        return cls(id=event_id, at=float(at or 0), session=str(session or ''), hook_type=str(hook_type or ''),
                   tool=tool or None, project=project, duration_ms=duration if isinstance(duration, int | float)
                   else None, tool_use_id=tool_use_id if isinstance(tool_use_id, str) and tool_use_id else None,
                   failed=bool(failed), branch=branch if isinstance(branch, str) else None,
                   prompt=prompt if isinstance(prompt, str) else None,
                   notice=notice if isinstance(notice, str) else None,
                   message=message if isinstance(message, str) else None)


@dataclass(slots=True)
class ToolCall:
    """One tool call; changed in place as its end (or its session's end) arrives."""

    tool: str
    session: str
    start: float | None
    """None when only the end was read (its PreToolUse is older than what was read, or was never logged)."""
    started_id: int | None
    end: float | None = None
    ended_id: int | None = None
    outcome: Outcome = 'running'
    measured_ms: float | None = None

    @property
    def duration_ms(self) -> float | None:
        """As the writer measured it, else from the two ends' times; None while running or with one end."""
        if self.measured_ms is not None:
            return self.measured_ms
        if self.start is None or self.end is None:
            return None
        return max(0.0, (self.end - self.start) * 1000)


class Pairing:
    """Pairs events fed in record order; `add` returns the call an event began, ended or abandoned."""

    def __init__(self) -> None:
        self.open: dict[str, ToolCall] = {}
        """Running calls by tool_use_id."""
        self._unnamed: dict[tuple[str, str], deque[ToolCall]] = defaultdict(deque)
        """Running calls without a tool_use_id, by (session, tool), oldest first."""
        self._sessions: dict[str, set[str]] = defaultdict(set)
        """tool_use_ids of running calls by session: what its SessionEnd abandons."""

    @property
    def running(self) -> int:
        """Calls begun and not ended (nor abandoned) yet."""
        return len(self.open) + sum(len(pending) for pending in self._unnamed.values())

    def add(self, event: HookEvent) -> list[ToolCall]:
        if event.hook_type == 'PreToolUse':
            call = ToolCall(tool=event.tool or '', session=event.session, start=event.at, started_id=event.id)
            if event.tool_use_id:
                self.open[event.tool_use_id] = call
                self._sessions[event.session].add(event.tool_use_id)
            else:
                self._unnamed[event.session, call.tool].append(call)
            return [call]
        if event.hook_type in CALL_ENDS:
            call = self._take(event) or ToolCall(tool=event.tool or '', session=event.session, start=None,
                                                 started_id=None)
            call.end, call.ended_id, call.measured_ms = event.at, event.id, event.duration_ms
            call.outcome = 'failed' if event.failed or event.hook_type == 'PostToolUseFailure' else 'ok'
            return [call]
        if event.hook_type == 'SessionEnd':
            return self.end_session(event.session)
        return []

    def _take(self, event: HookEvent) -> ToolCall | None:
        if event.tool_use_id:
            call = self.open.pop(event.tool_use_id, None)
            if call is not None:
                self._sessions[call.session].discard(event.tool_use_id)
                return call
        pending = self._unnamed.get((event.session, event.tool or ''))
        return pending.popleft() if pending else None

    def end_session(self, session: str) -> list[ToolCall]:
        """Abandon the session's running calls: they will never end."""
        abandoned = [self.open.pop(tool_use_id) for tool_use_id in self._sessions.pop(session, set())]
        for (owner, tool), pending in list(self._unnamed.items()):
            if owner == session:
                abandoned.extend(pending)
                del self._unnamed[owner, tool]
        for call in abandoned:
            call.outcome = 'abandoned'
        return abandoned

    def forget_before(self, at: float) -> None:
        """Drop running calls begun before `at`: a log whose sessions never end must not grow this forever."""
        for tool_use_id, call in list(self.open.items()):
            if call.start is not None and call.start < at:
                del self.open[tool_use_id]
                self._sessions[call.session].discard(tool_use_id)
        for key, pending in list(self._unnamed.items()):
            while pending and (pending[0].start or 0) < at:
                pending.popleft()
            if not pending:
                del self._unnamed[key]
