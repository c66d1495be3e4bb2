"""One session told in order: its prompts, tool calls, notifications and stops as entries a person reads.

Records arrive in id order, each parsed once. A tool call is one entry from its PreToolUse on, changed in place
when its PostToolUse(Failure) arrives or its session ends first: a page updates that entry rather than adding one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eyelet_gui.sources.eyelet.tail import TAIL_COLUMNS
from eyelet_gui.state.eyelet.hook_events import failure_text, input_data, tool_what, what_parts
from eyelet_gui.state.eyelet.tool_calls import CALL_ENDS, HookEvent, Outcome, Pairing, ToolCall

KINDS = {'UserPromptSubmit': 'prompt', 'PreToolUse': 'call', 'PostToolUse': 'call', 'PostToolUseFailure': 'call',
         'Notification': 'notification', 'Stop': 'stop', 'SubagentStop': 'subagent stop', 'PreCompact': 'compact',
         'SessionStart': 'session start', 'SessionEnd': 'session end'}
"""The entry kind of each hook type; others (SubagentStart, PermissionRequest, new ones) are plain `event`s."""
DATA = len(TAIL_COLUMNS)
"""Where `data` sits in a row of `session_tail_statement`."""


@dataclass(slots=True)
class StoryEntry:
    """One line of the story; a tool call's entry follows its ToolCall as the call ends."""

    id: int
    """The id of the entry's first record: its place in the story and its name on the page."""
    kind: str
    hook_type: str
    at: float
    text: str
    """What it was about, whole: the prompt, the command and its description, the file, the message."""
    tool: str | None = None
    call: ToolCall | None = None
    error: str | None = None
    """Why the call failed, as its end says."""

    @property
    def outcome(self) -> Outcome | None:
        return self.call.outcome if self.call else None

    @property
    def duration_ms(self) -> float | None:
        return self.call.duration_ms if self.call else None


@dataclass(slots=True)
class StoryCounts:
    """The summary line: records read, prompts and tool calls by how they went."""

    events: int = 0
    prompts: int = 0
    calls: int = 0
    failed: int = 0
    running: int = 0
    abandoned: int = 0


@dataclass(slots=True)
class StoryChange:
    """What one read changed: entries added at the end, and earlier entries changed in place (each once)."""

    appended: list[StoryEntry] = field(default_factory=list)
    updated: list[StoryEntry] = field(default_factory=list)
    reset: bool = False
    """The story started over (the table was rewritten): show it anew."""
    _named: set[int] = field(default_factory=set, repr=False, compare=False)

    def __bool__(self) -> bool:
        return bool(self.appended or self.updated or self.reset)

    def append(self, entry: StoryEntry) -> None:
        self.appended.append(entry)
        self._named.add(entry.id)

    def add(self, other: StoryChange) -> None:
        """Take in a later change."""
        self.reset = self.reset or other.reset
        for entry in other.appended:
            self.append(entry)
        for entry in other.updated:
            self.update(entry)

    def update(self, entry: StoryEntry) -> None:
        """An entry changed: listed once, and not at all when it is new in this change anyway."""
        if entry.id not in self._named:
            self.updated.append(entry)
            self._named.add(entry.id)


def _joined(parts: list[str]) -> str:
    return ' — '.join(parts)


class SessionStory:
    """A session's entries in record order, fed with `session_tail_statement` rows."""

    def __init__(self) -> None:
        self.entries: list[StoryEntry] = []
        self.counts = StoryCounts()
        self._by_id: dict[int, StoryEntry] = {}
        self._pairing = Pairing()

    def add(self, rows: list[tuple[Any, ...]]) -> StoryChange:
        """Read the next records (TAIL_COLUMNS then `data`, in id order) and say which entries they changed."""
        change = StoryChange()
        for row in rows:
            event = HookEvent.from_row(row)
            payload = input_data(row[DATA])
            self.counts.events += 1
            calls = self._pairing.add(event)
            if event.hook_type == 'PreToolUse':
                self._begin(event, calls[0], payload, change)
            elif event.hook_type in CALL_ENDS:
                self._end(event, calls[0], payload, change)
            else:
                self.counts.prompts += event.hook_type == 'UserPromptSubmit'
                self._append(StoryEntry(id=event.id, kind=KINDS.get(event.hook_type, 'event'),
                                        hook_type=event.hook_type, at=event.at, text=self._text(event, payload),
                                        tool=event.tool), change)
                for call in calls:  # a SessionEnd abandons the calls still running
                    self.counts.running -= 1
                    self.counts.abandoned += 1
                    self._changed(call, change)
        return change

    def _begin(self, event: HookEvent, call: ToolCall, payload: dict[str, Any], change: StoryChange) -> None:
        self.counts.calls += 1
        self.counts.running += 1
        self._append(StoryEntry(id=event.id, kind='call', hook_type=event.hook_type, at=event.at,
                                text=_joined(tool_what(event.tool, payload.get('tool_input'))), tool=event.tool,
                                call=call), change)

    def _end(self, event: HookEvent, call: ToolCall, payload: dict[str, Any], change: StoryChange) -> None:
        self.counts.failed += call.outcome == 'failed'
        error = (failure_text(payload) or 'failed') if call.outcome == 'failed' else None
        if call.started_id is None:  # its PreToolUse was never logged: the end alone tells the call
            self.counts.calls += 1
            self._append(StoryEntry(id=event.id, kind='call', hook_type=event.hook_type, at=event.at,
                                    text=_joined(tool_what(event.tool, payload.get('tool_input'))), tool=event.tool,
                                    call=call, error=error), change)
            return
        self.counts.running -= 1
        entry = self._changed(call, change)
        if entry is not None:
            entry.error = error

    def _append(self, entry: StoryEntry, change: StoryChange) -> None:
        self.entries.append(entry)
        self._by_id[entry.id] = entry
        change.append(entry)

    def _changed(self, call: ToolCall, change: StoryChange) -> StoryEntry | None:
        entry = self._by_id.get(call.started_id) if call.started_id is not None else None
        if entry is not None:
            change.update(entry)
        return entry

    @staticmethod
    def _text(event: HookEvent, payload: dict[str, Any]) -> str:
        prompt = payload.get('prompt')
        if event.hook_type == 'UserPromptSubmit' and isinstance(prompt, str):
            return prompt  # whole, its lines kept: the page wraps it
        return _joined(what_parts(event.hook_type, event.tool, payload))
