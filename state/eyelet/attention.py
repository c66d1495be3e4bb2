"""The sessions that need you, across every eyelet database, live: the one reader of the week's sessions.

Each database's sessions are counted from the records past the last one read (state/eyelet/event_tail.py), so a
commit costs what it added. Only the sessions a read touched are looked at again, and only the episodes that need
you are kept in a list, so a refresh costs O(new records + episodes), whatever the number of sessions. The list
runs from the app's start to its stop, with or without a tab: notifications go out with nobody looking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import quote

from nicegui import Event

from eyelet_gui.settings import DEFAULT_IDLE_AFTER
from eyelet_gui.sources.eyelet.facts import event_table
from eyelet_gui.sources.eyelet.tail import records_statement
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.eyelet.event_tail import read_tails
from eyelet_gui.state.eyelet.hook_events import input_data, what
from eyelet_gui.state.eyelet.session_state import NEEDS_YOU, STATE_WORDS, SessionState, State, one_line
from eyelet_gui.state.eyelet.session_tally import RECENT, SessionFacts, SessionTally
from eyelet_gui.state.live.refresh_loop import RefreshLoop
from eyelet_gui.state.live.watcher import Watcher

EXPIRY_CHECK = 15.0
"""Seconds at most between two looks without commits: an episode turns idle on time, and a database that could
not be read (locked, say) is read again."""


def session_page(session_key: str) -> str:
    """The path of a session's page, from its key in the session list (`<database id>:<session id>`)."""
    database_id, session_id = session_key.split(':', 1)
    return f'/sessions/{database_id}/{quote(session_id, safe="")}'


@dataclass(frozen=True, slots=True)
class Episode:
    """A session in a state that needs you, from the record that began it."""

    database: str
    """The database's id."""
    session_id: str
    project: str | None
    state: State
    since: float
    """When it began (the record's time, seconds since the epoch)."""
    asks: str
    """What it asks, in one line, redacted as every value read."""
    began: int
    """The key of the record that began it."""
    fresh: bool
    """Whether it began while eyelet-gui runs: only such episodes are notified, so a restart sends no past."""

    @property
    def session_key(self) -> str:
        """The session's name, as the session list keys it (a notification's tag: it replaces itself)."""
        return f'{self.database}:{self.session_id}'

    @property
    def key(self) -> str:
        """The episode's name: one per episode, whatever its records."""
        return f'{self.session_key}:{self.began}'

    @property
    def page(self) -> str:
        return session_page(self.session_key)

    @property
    def project_name(self) -> str:
        """The project's folder name (the whole path is in `project`)."""
        return (self.project or '').rstrip('/').rsplit('/', 1)[-1] or 'a session'

    @property
    def words(self) -> str:
        return STATE_WORDS[self.state]


class Attention:
    """Every eyelet database's sessions, their states, and the episodes that need you, longest waiting first.

    `episodes` is the list; `changed` is emitted when it changes, `began` and `ended` with each episode that joins
    or leaves it, and `read` after every read (what the session list redraws from)."""

    def __init__(self, watchers: dict[str, Watcher], *, idle_after: float = DEFAULT_IDLE_AFTER) -> None:
        self.watchers = watchers
        self.idle_after = idle_after
        self.tallies: dict[str, SessionTally] = {}
        """By database id: its sessions of the last week."""
        self.episodes: list[Episode] = []
        self.changed: Event[[]] = Event()
        self.began: Event[Episode] = Event()
        self.ended: Event[Episode] = Event()
        self.read: Event[[]] = Event()
        self.started_at = time.time()
        """When the app started (this is made as it starts): episodes that began since are `fresh`."""
        self._read_all_at = 0.0
        """When every database was last read, not only those that committed (time.monotonic())."""
        self._open: dict[str, Episode] = {}
        """By session key: the episodes in the list."""
        # Paced as a view is (a commit after a quiet moment is read at once), and looked at without commits too.
        self.loop = RefreshLoop(watchers, self.refresh, interval=1 / 30, idle=EXPIRY_CHECK, name='attention')

    def start(self) -> None:
        self.loop.start()

    async def stop(self) -> None:
        await self.loop.stop()

    def state_of(self, database_id: str, session_id: str, now: float) -> State | None:
        """A session's state as it reads at `now`; None for a session not counted (none in the last week)."""
        facts = self._facts_of(database_id, session_id)
        return None if facts is None else facts.state.shown(now, facts.last, self.idle_after)

    def _facts_of(self, database_id: str, session_id: str) -> SessionFacts | None:
        tally = self.tallies.get(database_id)
        return tally.sessions.get(session_id) if tally is not None else None

    async def refresh(self) -> None:
        """Count what every eyelet database committed since, and bring the list up to date."""
        now, committed = time.time(), self.loop.take_committed()
        # A commit costs a read of its own database, not of all twenty.
        if time.monotonic() - self._read_all_at >= EXPIRY_CHECK:
            self._read_all_at, reading = time.monotonic(), dict(self.watchers)
        else:
            reading = {database_id: self.watchers[database_id] for database_id in committed}
        touched: list[tuple[str, str, SessionFacts | None]] = []
        for database_id, tally in (await read_tails(reading, self.tallies, SessionTally, now)).items():
            tally.forget_before(now - RECENT)
            touched.extend((database_id, session, tally.sessions.get(session)) for session in tally.touched)
            tally.touched.clear()
        await self._read_asks(touched)
        listed = [(episode.database, episode.session_id) for episode in self._open.values()]
        for database_id, session in listed:  # one that waited so long that it is idle leaves
            self._look(database_id, session, self._facts_of(database_id, session), now)
        for database_id, session, facts in touched:
            self._look(database_id, session, facts, now)
        episodes = sorted(self._open.values(), key=lambda episode: (episode.since, episode.key))
        if episodes != self.episodes:
            self.episodes = episodes
            self.changed.emit()
        self.read.emit()

    def _look(self, database_id: str, session: str, facts: SessionFacts | None, now: float) -> None:
        key = f'{database_id}:{session}'
        if facts is None or facts.state.shown(now, facts.last, self.idle_after) not in NEEDS_YOU:
            self._leave(key)  # it no longer needs you, waited so long that it is idle, or its records went
            return
        state = facts.state
        episode = Episode(database=database_id, session_id=session, project=facts.project, state=state.state,
                          since=state.since, asks=state.asks, began=state.began,
                          fresh=state.since >= self.started_at)
        known = self._open.get(key)
        if known is not None and known.key != episode.key:
            self._leave(key)
        self._open[key] = episode
        if known is None or known.key != episode.key:
            self.began.emit(episode)

    def _leave(self, key: str) -> None:
        episode = self._open.pop(key, None)
        if episode is not None:
            self.ended.emit(episode)

    async def _read_asks(self, touched: list[tuple[str, str, SessionFacts | None]]) -> None:
        """Put into words what each new permission prompt asks: its tool call's `tool_input`, read once per prompt
        (the tail reads no record's JSON whole)."""
        by_database: dict[str, dict[int, SessionState]] = {}
        for database_id, _, facts in touched:
            if facts is not None and facts.state.ask_record is not None:
                by_database.setdefault(database_id, {})[facts.state.ask_record] = facts.state
        for database_id, waiting in by_database.items():
            watcher = self.watchers[database_id]
            try:
                hooks = (await watcher.relations()).get(event_table(watcher.database.engine))
                asked = records_statement(hooks, list(waiting)) if hooks is not None else None
                rows = (await watcher.reader.fetch(asked)).rows if asked is not None else []
            except DatabaseProblem:
                continue  # asked again at the next read that touches the session
            payloads = {key: (tool, data) for key, tool, data in rows}
            for record, state in waiting.items():
                tool, data = payloads.get(record, (None, None))
                payload = input_data(data)
                tool = tool or payload.get('tool_name') or state.ask_tool or 'A tool'
                said = what('PreToolUse', tool, payload)
                state.asks, state.ask_record = one_line(f'{tool}: {said}' if said else str(tool)), None
