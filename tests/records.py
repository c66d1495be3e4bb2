"""One agent session's records, at chosen times, as tests want them: Claude Code payloads for eyelet to log."""

from __future__ import annotations

from typing import Any

from eyelet_gui.demo import claude_code

Timed = tuple[float, dict[str, Any]]
BASH = {'command': 'pytest -q', 'description': 'Run the tests'}


class Session:
    """Builds (time, payload) pairs of one session in one project folder."""

    def __init__(self, session_id: str, cwd: str) -> None:
        self.id, self.cwd = session_id, cwd
        self.events: list[Timed] = []

    def in_order(self) -> list[Timed]:
        """The events by time, as eyelet would have logged them."""
        return sorted(self.events, key=lambda event: event[0])

    def prompt(self, at: float, text: str) -> Session:
        self.events.append((at, claude_code.user_prompt(self.id, self.cwd, text)))
        return self

    def begin(self, at: float, use_id: str, tool: str, tool_input: dict[str, Any]) -> Session:
        self.events.append((at, claude_code.pre_tool_use(self.id, self.cwd, tool, tool_input, use_id)))
        return self

    def end(self, at: float, use_id: str, tool: str, tool_input: dict[str, Any], *, error: str | None = None,
            response: Any = None) -> Session:
        self.events.append((at, claude_code.post_tool_use(self.id, self.cwd, tool, tool_input, use_id, response or {})
                            if error is None else
                            claude_code.post_tool_use_failure(self.id, self.cwd, tool, tool_input, use_id, error)))
        return self

    def call(self, start: float, end: float, use_id: str, tool: str, tool_input: dict[str, Any], *,
             error: str | None = None) -> Session:
        return self.begin(start, use_id, tool, tool_input).end(end, use_id, tool, tool_input, error=error)

    def finish(self, at: float) -> Session:
        self.events.append((at, claude_code.session_end(self.id, self.cwd)))
        return self
