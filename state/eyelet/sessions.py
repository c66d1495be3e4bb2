"""Live list of eyelet sessions across every database: project, branch, last prompt, prompts, tool calls, failures,
running calls, duration, last activity, and whether the session is running, quiet or ended."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from eyelet_gui.sources.query import Query
from eyelet_gui.state.eyelet.event_tail import EventTail, read_tails
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing
from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.grid_feed import GridFeed
from eyelet_gui.state.live.merged_rows import MergedRows
from eyelet_gui.state.live.refresh_loop import RefreshLoop
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.watcher import Watcher

SESSION_COLUMNS = ('state', 'project_dir', 'branch', 'session_id', 'prompt', 'prompts', 'calls', 'failures',
                   'running', 'duration', 'last')
RECENT = 7 * 86400.0
"""Sessions with an event in the last week are listed."""
QUIET_AFTER = 10 * 60.0
"""Seconds without an event after which a session that never ended is `quiet`, not `running`."""
REFRESH_INTERVAL = 1.0
"""Seconds at least between two refreshes of the list."""


@dataclass(slots=True)
class SessionFacts:
    """One session as counted so far."""

    project: str | None
    first: float
    last: float = 0.0
    branch: str | None = None
    prompt: str | None = None
    """The last prompt: what the agent is working on."""
    prompts: int = 0
    calls: int = 0
    failures: int = 0
    running: int = 0
    ended: bool = False

    def row(self, session: str, now: float) -> Row:
        state = 'ended' if self.ended else 'running' if now - self.last < QUIET_AFTER else 'quiet'
        return (state, self.project, self.branch, session, self.prompt, self.prompts, self.calls, self.failures,
                self.running, round(self.last - self.first, 1), self.last)


class SessionTally:
    """One eyelet database's sessions of the last week, counted as its records arrive."""

    def __init__(self, watcher: Watcher) -> None:
        self.tail = EventTail(watcher, RECENT, self._consume, self._reset)
        self._reset()

    def _reset(self) -> None:
        self.pairing = Pairing()
        self.sessions: dict[str, SessionFacts] = {}

    def _consume(self, events: list[HookEvent]) -> None:
        for event in events:
            facts = self.sessions.get(event.session)
            if facts is None:
                facts = self.sessions[event.session] = SessionFacts(project=event.project, first=event.at)
            facts.first, facts.last = min(facts.first, event.at), max(facts.last, event.at)
            facts.project = event.project or facts.project
            facts.branch = event.branch or facts.branch
            if event.hook_type == 'UserPromptSubmit':
                facts.prompts += 1
                facts.prompt = event.prompt or facts.prompt
            elif event.hook_type == 'SessionEnd':
                facts.ended = True
            for call in self.pairing.add(event):
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
        self.pairing.forget_before(since)


class SessionList(MergedRows):
    """Sessions as rows, keyed `<database id>:<session id>`, the most recently active first."""

    def __init__(self, watchers: dict[str, Watcher], limit: int = 200) -> None:
        super().__init__(SESSION_COLUMNS)
        self.watchers = watchers
        self.limit = limit
        self.loop = RefreshLoop(watchers, self.refresh, interval=REFRESH_INTERVAL, idle=60.0, name='session list')
        """Also once a minute without commits, so that a session falls quiet on screen."""
        self._tallies: dict[str, SessionTally] = {}

    async def refresh(self) -> None:
        """Count what every eyelet database committed since, merge the sessions newest first and emit the delta."""
        now = time.time()
        merged: list[tuple[Any, str, Row]] = []
        for database_id, tally in (await read_tails(self.watchers, self._tallies, SessionTally, now)).items():
            tally.forget_before(now - RECENT)
            merged.extend((facts.last, f'{database_id}:{session}', facts.row(session, now))
                          for session, facts in tally.sessions.items())
        listed = min(len(merged), self.limit)
        self.publish(merged, self.limit, len(merged), listed)


class SessionFeeds:
    """The one session list as a grid feed, running while some tab shows it."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        self.watchers = watchers
        self._feed: Shared[None, GridFeed] = Shared(self._open, self._close)

    def acquire(self, _: Query) -> GridFeed:
        """The list's feed (the grid's query does not change it: it is always the same list)."""
        return self._feed.acquire(None)

    async def release(self, _: Query) -> None:
        await self._feed.release(None)

    @property
    def viewers(self) -> int:
        return self._feed.viewers(None)

    async def close(self) -> None:
        """Stop the list whoever shows it: the app is stopping."""
        await self._feed.close()

    def _open(self, _: None) -> GridFeed:
        sessions = SessionList(self.watchers)
        feed = GridFeed(sessions)
        sessions.loop.start()
        return feed

    @staticmethod
    async def _close(_: None, feed: GridFeed) -> None:
        feed.close()
        assert isinstance(feed.live, SessionList)
        await feed.live.loop.stop()
