"""One session's story and timeline, live: only the records past the last one read, on a paced loop shared by
every tab.

Reading the whole session again on every commit parsed every record's JSON again, so a long session cost more
with each event; the story keeps what it read and a refresh costs what was committed since. A tab reading the
session itself ran one unpaced read per tab per commit and skipped a commit that landed while its read ran; the
paced loop reads once per burst for every tab and never loses the last request.
"""

from __future__ import annotations

from nicegui import Event

from eyelet_gui.sources.eyelet.facts import event_table
from eyelet_gui.sources.query import max_key_statement
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.eyelet.event_tail import RecordsPast
from eyelet_gui.state.eyelet.session_story import SessionStory, StoryChange
from eyelet_gui.state.live.refresh_loop import CommitLoop
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.watcher import Watcher

BATCH = 1_000
"""Records per read: a long session's first read is a series of short reads (~20 ms each, with its parsing), so the
event loop stays free between them and no read nears the read time limit."""
NOT_EYELET = 'This database has no eyelet hooks table, so it holds no sessions.'


class SessionTimeline:
    """A session's story as read so far; `changed` fires with what a read changed in it."""

    def __init__(self, watcher: Watcher, session_id: str) -> None:
        self.watcher = watcher
        self.session_id = session_id
        self.story = SessionStory()
        self.past = RecordsPast(0, session_id)
        """What of the session was read."""
        self.read = False
        """Whether the story comes from a read yet."""
        self.problem: str | None = None
        """Why the session cannot be read right now, in words."""
        self.changed: Event[StoryChange] = Event()
        self._loop = CommitLoop(watcher, self.refresh, name=f'timeline of {session_id} in {watcher.database.id}')

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def refresh(self) -> None:
        change = StoryChange()
        try:
            problem = await self._read(change)
        except DatabaseProblem as error:
            problem = str(error)
        if change or problem != self.problem or not self.read:
            self.problem, self.read = problem, True
            self.changed.emit(change)

    async def _read(self, change: StoryChange) -> str | None:
        """Read what the session gained since the last read into the story, noting in `change` what changed;
        why it cannot, in words (or raise DatabaseProblem)."""
        hooks = (await self.watcher.relations()).get(event_table(self.watcher.database.engine))
        if hooks is None or hooks.increasing_key is None:
            return NOT_EYELET
        fetch = self.watcher.reader.fetch
        if self.past.last:
            newest = (await fetch(max_key_statement(hooks))).rows[0][0]
            if newest is None or newest < self.past.last:  # emptied or rewritten: tell the session again
                self.story, self.past, change.reset = SessionStory(), RecordsPast(0, self.session_id), True
        async for rows in self.past.batches(fetch, hooks, BATCH):
            change.add(self.story.add(rows))
        return None


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
        return self._timelines.viewers((database_id, session_id))

    async def close(self) -> None:
        """Stop every timeline whoever shows it: the app is stopping."""
        await self._timelines.close()

    def _open(self, key: tuple[str, str]) -> SessionTimeline:
        database_id, session_id = key
        timeline = SessionTimeline(self.watchers[database_id], session_id)
        timeline.start()
        return timeline

    @staticmethod
    async def _close(_: tuple[str, str], timeline: SessionTimeline) -> None:
        await timeline.stop()
