"""What a session is doing, and whether it needs you: a small state machine fed the session's records in order.

Claude Code tells it through its hooks (eyelet stores each payload under `data.input_data`): a `Stop` ends Claude's
turn and it waits for your next prompt; a `Notification` says it needs your permission (`notification_type`
`permission_prompt`), has waited 60 s for input (`idle_prompt`) or an MCP server asks something
(`elicitation_dialog`); newer versions send `PermissionRequest` when the permission dialog shows; `SessionEnd` ends
it. Older Claude Code sends no `notification_type`: its `message` tells ("Claude needs your permission to use
Bash", "Claude is waiting for your input").

A stretch in one of the states that need you is an *episode*: it begins with the record that entered the state and
lasts while the session stays in it, so a `Stop` and the idle notice after it are one episode, as are a
`PermissionRequest` and the permission notice for the same dialog. Each episode is told once (state/eyelet/
attention.py). The machine is fed records only: how long ago something happened is applied when it is read
(`shown`), so that `quiet` and `idle` need no records to arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from eyelet_gui.state.eyelet.tool_calls import CALL_ENDS, HookEvent, ToolCall

State = Literal['working', 'needs_permission', 'waiting_for_input', 'failing', 'quiet', 'ended', 'idle']
NEEDS_YOU: tuple[State, ...] = ('needs_permission', 'waiting_for_input', 'failing')
"""The states a person is told about: the attention list, the tab's title, notifications."""
STATE_WORDS: dict[State, str] = {'working': 'working', 'needs_permission': 'needs your permission',
                                 'waiting_for_input': 'waiting for your input', 'failing': 'failing',
                                 'quiet': 'quiet', 'ended': 'ended', 'idle': 'idle'}
"""Each state as a person reads it."""
FAILING_STREAK = 3
"""Tool calls failed in a row from which a session is `failing`: an agent in a loop."""
QUIET_AFTER = 10 * 60.0
"""Seconds without a record after which a working session is `quiet`."""
ASKS_CHARACTERS = 200
"""Characters of what an episode asks: one line in a strip, a notification's body."""

Notice = Literal['permission', 'input', 'answered']
NOTICES: dict[str, Notice] = {'permission_prompt': 'permission', 'idle_prompt': 'input',
                              'elicitation_dialog': 'input', 'elicitation_complete': 'answered',
                              'elicitation_response': 'answered'}
"""`notification_type` values and what they mean here; others (`auth_success`) change nothing."""


def notice_of(event: HookEvent) -> Notice | None:
    """What a Notification says: by its `notification_type`, else (older Claude Code) by its message's words."""
    if event.notice:
        return NOTICES.get(event.notice)
    message = (event.message or '').lower()
    if 'permission' in message:
        return 'permission'
    if 'waiting for your input' in message:
        return 'input'
    return None


def one_line(text: str, limit: int = ASKS_CHARACTERS) -> str:
    words = ' '.join(text.split())
    return words if len(words) <= limit else words[:limit - 1] + '…'


@dataclass(slots=True)
class SessionState:
    """One session's state as of the last record fed, with the episode it is in.

    `asks` says what the episode asks in words. A permission prompt asks what its tool call does, which is in that
    call's `tool_input`; the machine only knows the record (`ask_record`) and the tool, and the attention list reads
    the record's payload once (state/eyelet/attention.py), so counting never reads the records' JSON."""

    state: State = 'idle'
    since: float = 0.0
    """When the state (the episode) began: the time of the record that entered it."""
    began: int = 0
    """The key of that record: with the session, it names the episode."""
    asks: str = ''
    ask_record: int | None = None
    """The record whose `tool_input` says what a permission prompt asks, until `asks` is read from it."""
    ask_tool: str | None = None
    asked_call: int | None = None
    """The running call a permission prompt is about (its PreToolUse's key): the session needs you until it ends,
    whatever other calls (parallel subagents') start and end meanwhile."""
    streak: int = 0
    """Tool calls failed in a row."""
    prompt: str | None = None
    """The last prompt: what the agent was asked to do."""
    open_calls: dict[int, ToolCall] = field(default_factory=dict)
    """Running tool calls, by their PreToolUse's key, oldest first."""

    def feed(self, event: HookEvent, calls: list[ToolCall]) -> None:
        """Take one record of the session (in key order) and the calls it began or ended (tool_calls.Pairing)."""
        kind = event.hook_type
        for call in calls:
            self._track(call)
        if kind == 'SessionEnd':
            self._enter('ended', event)
        elif kind == 'SessionStart':
            if self.state == 'ended':  # resumed
                self._enter('idle', event)
        elif kind == 'UserPromptSubmit':
            self.streak = 0  # a person answered: a loop before it is not this turn's
            self.prompt = event.prompt or self.prompt
            self._enter('working', event)
        elif kind == 'PreToolUse':
            if self.state != 'failing' and not self._still_asked():  # failing until a call succeeds
                self._enter('working', event)
        elif kind == 'PermissionRequest':
            self._ask_permission(event, event.id, event.tool, self._asked_call(event.tool or ''))
        elif kind in CALL_ENDS:
            self._call_ended(event, calls)
        elif kind == 'Notification':
            self._notified(event)
        elif kind == 'Stop':
            self._enter('waiting_for_input', event, asks=self._turn_done())

    def shown(self, now: float, last: float, idle_after: float) -> State:
        """The state as it reads at `now`, with `last` the session's last record: an episode that began over
        `idle_after` seconds ago is `idle` (a failing one, when it failed no more for as long: a loop that goes on
        is news), and a working session without a record for QUIET_AFTER is `quiet`."""
        if self.state in NEEDS_YOU and now - (last if self.state == 'failing' else self.since) > idle_after:
            return 'idle'
        if self.state == 'working' and now - last > QUIET_AFTER:
            return 'quiet'
        return self.state

    def _track(self, call: ToolCall) -> None:
        if call.started_id is None:
            return
        if call.outcome == 'running':
            self.open_calls[call.started_id] = call
        else:
            self.open_calls.pop(call.started_id, None)

    def _enter(self, state: State, event: HookEvent, *, asks: str = '', ask_record: int | None = None,
               ask_tool: str | None = None) -> None:
        if state != self.state:
            self.state, self.since, self.began = state, event.at, event.id
            self.asked_call = None
        elif not asks and ask_record is None:
            return  # the same episode, and nothing new to say about it
        self.asks, self.ask_record, self.ask_tool = asks, ask_record, ask_tool

    def _ask_permission(self, event: HookEvent, record: int | None, tool: str | None, call: ToolCall | None) -> None:
        if record is None:
            self._enter('needs_permission', event, asks=one_line(event.message or 'Permission to continue'))
        else:
            self._enter('needs_permission', event, ask_record=record, ask_tool=tool)
        if call is not None:
            self.asked_call = call.started_id

    def _still_asked(self) -> bool:
        """Whether a permission prompt's call still waits for your answer."""
        return self.state == 'needs_permission' and self.asked_call is not None \
            and self.asked_call in self.open_calls

    def _call_ended(self, event: HookEvent, calls: list[ToolCall]) -> None:
        failed = any(call.outcome == 'failed' for call in calls)
        self.streak = self.streak + 1 if failed else 0
        if self._still_asked():
            return  # another call ended (open_calls no longer holds those that did): the one asked about waits
        if self.state in ('ended', 'waiting_for_input'):
            return  # a late end changes no one's turn
        if self.streak >= FAILING_STREAK:
            self._enter('failing', event, asks=one_line(f'{self.streak} tool calls failed in a row, the last '
                                                        f'{event.tool or "a tool"}'))
        else:
            self._enter('working', event)

    def _notified(self, event: HookEvent) -> None:
        notice = notice_of(event)
        if notice == 'permission':
            call = self._asked_call(event.message or '')
            self._ask_permission(event, call.started_id if call else None, call.tool if call else None, call)
        elif notice == 'input' and self.state not in ('needs_permission', 'ended'):
            asks = one_line(event.message) if event.notice == 'elicitation_dialog' and event.message \
                else self.asks if self.state == 'waiting_for_input' else self._turn_done()
            self._enter('waiting_for_input', event, asks=asks)
        elif notice == 'answered' and self.state == 'waiting_for_input':
            self._enter('working', event)

    def _asked_call(self, message: str) -> ToolCall | None:
        """The running call a permission notice is about: the newest of the tool its message names, else the
        newest; None when no call runs (the permission was for something else)."""
        calls = list(self.open_calls.values())
        named = [call for call in calls if call.tool and f' {call.tool}' in f' {message}']
        return (named or calls)[-1] if calls else None

    def _turn_done(self) -> str:
        return one_line(f'Done: {self.prompt}') if self.prompt else 'Waiting for your input'
