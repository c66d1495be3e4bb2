"""One session's timeline, live: its events read again after commits on a paced loop, shared by every tab.

A tab reading the session itself on each commit ran one unpaced read per tab per commit, and skipped a commit
that landed while its read was running; the paced loop reads once per burst for every tab and never loses
the last request.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from nicegui import Event

from eyelet_gui.sources.query import session_events_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.state.pacing import PacedLoop
from eyelet_gui.state.shared import Shared
from eyelet_gui.state.timeline import Mark, Span, pair_tool_calls
from eyelet_gui.state.watcher import Watcher


@dataclass(frozen=True, slots=True)
class Timeline:
    """What one read of a session found."""

    events: int = 0
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    last_at: float = 0.0
    """The time of the session's last event: where running calls end on screen."""
    problem: str | None = None
    """Why the session cannot be read right now, in words."""


class SessionTimeline:
    """A session's spans and marks as last read; `changed` fires when a read found something new."""

    def __init__(self, watcher: Watcher, session_id: str) -> None:
        self.watcher = watcher
        self.session_id = session_id
        self.latest = Timeline()
        self.read = False
        """Whether `latest` comes from a read yet."""
        self.changed: Event[Timeline] = Event()
        self._loop = PacedLoop(self.refresh, interval=1 / watcher.max_push_rate,
                               name=f'timeline of {session_id} in {watcher.database.id}')

    def start(self) -> None:
        self.watcher.changed.subscribe(self._loop.request, unsubscribe_on_delete=False)
        self._loop.start()

    async def stop(self) -> None:
        self.watcher.changed.unsubscribe(self._loop.request)
        await self._loop.stop()

    async def refresh(self) -> None:
        try:
            rows = (await self.watcher.reader.fetch(session_events_statement(self.session_id))).rows
            spans, marks = pair_tool_calls(rows)
            timeline = Timeline(events=len(rows), spans=spans, marks=marks, last_at=rows[-1][1] if rows else 0.0)
        except DatabaseProblem as problem:
            timeline = dataclasses.replace(self.latest, problem=str(problem))
        if timeline != self.latest or not self.read:
            self.latest, self.read = timeline, True
            self.changed.emit(timeline)


class SessionTimelines:
    """One SessionTimeline per (database id, session id), while some tab shows it."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        self.watchers = watchers
        self._timelines: Shared[tuple[str, str], SessionTimeline] = Shared(self._open, self._close)

    def acquire(self, database_id: str, session_id: str) -> SessionTimeline:
        """The session's timeline, read at once if nobody follows it yet; pair with one `release`."""
        return self._timelines.acquire((database_id, session_id))

    async def release(self, database_id: str, session_id: str) -> None:
        await self._timelines.release((database_id, session_id))

    def viewers(self, database_id: str, session_id: str) -> int:
        return self._timelines.users((database_id, session_id))

    def _open(self, key: tuple[str, str]) -> SessionTimeline:
        database_id, session_id = key
        timeline = SessionTimeline(self.watchers[database_id], session_id)
        timeline.start()
        return timeline

    @staticmethod
    async def _close(_: tuple[str, str], timeline: SessionTimeline) -> None:
        await timeline.stop()
