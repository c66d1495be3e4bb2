"""Each eyelet database's sessions of the last week, counted as their records arrive: what the session list shows
and what the attention list derives from each session's state."""

from __future__ import annotations

from dataclasses import dataclass, field

from eyelet_gui.state.eyelet.event_tail import EventTail
from eyelet_gui.state.eyelet.session_state import SessionState
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing
from eyelet_gui.state.live.watcher import Watcher

RECENT = 7 * 86400.0
"""Sessions with an event in the last week are counted."""


@dataclass(slots=True)
class SessionFacts:
    """One session as counted so far."""

    project: str | None
    first: float
    last: float = 0.0
    branch: str | None = None
    prompts: int = 0
    calls: int = 0
    failures: int = 0
    running: int = 0
    state: SessionState = field(default_factory=SessionState)
    """Its state, and its last prompt (what the agent is working on)."""


class SessionTally:
    """One eyelet database's sessions of the last week; `touched` names the sessions the last reads changed, for
    whoever derives something from them (the attention list) to look at those only."""

    def __init__(self, watcher: Watcher) -> None:
        self.tail = EventTail(watcher, RECENT, self._consume, self._reset)
        self.touched: set[str] = set()
        self.pairing = Pairing()
        self.sessions: dict[str, SessionFacts] = {}

    def _reset(self) -> None:
        self.touched.update(self.sessions)  # each is gone, or will be counted again
        self.pairing = Pairing()
        self.sessions = {}

    def _consume(self, events: list[HookEvent]) -> None:
        for event in events:
            facts = self.sessions.get(event.session)
            if facts is None:
                facts = self.sessions[event.session] = SessionFacts(project=event.project, first=event.at)
            self.touched.add(event.session)
            facts.first, facts.last = min(facts.first, event.at), max(facts.last, event.at)
            facts.project = event.project or facts.project
            facts.branch = event.branch or facts.branch
            if event.hook_type == 'UserPromptSubmit':
                facts.prompts += 1
            calls = self.pairing.add(event)
            facts.state.feed(event, calls)
            for call in calls:
                if call.outcome == 'running':
                    facts.calls += 1
                    facts.running += 1
                    continue
                if call.started_id is None:  # only its end was read: a call all the same
                    facts.calls += 1
                else:
                    facts.running -= 1
                facts.failures += call.outcome == 'failed'

    def forget_before(self, since: float) -> None:
        for session in [session for session, facts in self.sessions.items() if facts.last < since]:
            del self.sessions[session]
            self.touched.add(session)
        self.pairing.forget_before(since)
