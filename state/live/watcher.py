"""One watcher per database, shared by every viewer: detects commits, refreshes the live queries, keeps health."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from nicegui import Event

from eyelet_gui.settings import DEFAULT_READ_TIME_LIMIT
from eyelet_gui.sources.engine import Changes, Observation
from eyelet_gui.sources.events import cancel_and_wait, stop_each
from eyelet_gui.sources.query import Query
from eyelet_gui.sources.schema import Relation, SchemaKind, schema_kind
from eyelet_gui.state.catalog import WatchedDatabase
from eyelet_gui.state.live.activity import Activity
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.pacing import back_off
from eyelet_gui.state.live.shared import Shared

Status = Literal['starting', 'live', 'idle', 'stale', 'missing', 'locked', 'error']
LIVE_WINDOW = 60.0
"""Seconds after the last commit during which a database counts as live rather than idle."""
STALE_AFTER = 3600.0
"""Seconds without a commit after which a database counts as stale."""

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Health:
    """What the connection list shows about a database."""

    status: Status
    problem: str | None
    last_commit_at: float | None
    """The last commit seen, or before any was seen, when the database or its WAL was last written."""
    changes_per_minute: int
    file_size: int | None
    wal_size: int | None


class Watcher:
    """Watches one database for all viewers; identical queries share one LiveQuery (one read, one diff)."""

    def __init__(self, database: WatchedDatabase, *, poll_interval: float, max_push_rate: float,
                 pg_listen: str | None = None,
                 read_time_limit: float | None = DEFAULT_READ_TIME_LIMIT, show_secrets: bool = False) -> None:
        self.database = database
        self.max_push_rate = max_push_rate
        self._new_detector: Callable[[], Changes] = lambda: database.engine.changes(poll_interval=poll_interval,
                                                                                    listen=pg_listen)
        """A detector afresh: one that failed has closed its connection for good."""
        self.detector = self._new_detector()
        self.reader = database.engine.reader(time_limit=read_time_limit, show_secrets=show_secrets)
        """What every view of the database reads through: a few connections, each read within the time limit."""
        self.changed: Event[[]] = Event()
        """Fired once per batch of commits (and when the file's state changes), after live queries were told."""
        self.observation: Observation | None = None
        self.live: Shared[Query, LiveQuery] = Shared(self._start_live, lambda _, live: live.stop())
        """The live query of each query shown, shared by its viewers (one read, one diff): started at its first
        `acquire`, stopped after its last `release`."""
        self.activity = Activity()
        """Changes seen, per second and per minute."""
        self._relations: tuple[tuple[int, int, int] | None, Mapping[str, Relation]] | None = None
        self._relations_lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f'watcher for {self.database.place}')

    async def stop(self) -> None:
        """Stop watching, every live query and the reader, each even when another failed to stop."""
        await stop_each((('watching', lambda: cancel_and_wait(self._task)), ('live queries', self.live.close),
                         ('reading', self.reader.close)))
        self._task = None

    def _start_live(self, query: Query) -> LiveQuery:
        live = LiveQuery(query, self.reader, self.relations, self.max_push_rate)
        live.start()
        return live

    async def relations(self) -> Mapping[str, Relation]:
        """Tables and views by name, re-read only when the schema (or the file) changed."""
        async with self._relations_lock:
            version = self._schema_version()
            if self._relations is None or self._relations[0] != version:
                self._relations = version, {relation.name: relation for relation in await self.reader.relations()}
            return self._relations[1]

    async def schema_kind(self) -> SchemaKind:
        """Which schema the database holds now (eyelet's modern or legacy one, or another)."""
        return schema_kind(tuple((await self.relations()).values()))

    def _schema_version(self) -> tuple[int, int, int] | None:
        observed = self.observation.version if self.observation else None
        return None if observed is None else (observed[0], observed[2], self.reader.generation)

    @property
    def health(self) -> Health:
        now = time.time()
        observation = self.observation
        facts = self.detector.files  # as the detector last checked: no file system call per look
        last = self.activity.last_at or facts.modified_at
        problem = observation.problem if observation else None
        status: Status
        if observation is None:
            status = 'starting'
        elif observation.problem_kind in ('missing', 'locked'):
            status = observation.problem_kind
        elif problem is not None:
            status = 'error'
        else:
            age = now - last if last is not None else LIVE_WINDOW  # not known (PostgreSQL keeps no such time)
            status = 'live' if age < LIVE_WINDOW else 'idle' if age < STALE_AFTER else 'stale'
        return Health(status=status, problem=problem, last_commit_at=last,
                      changes_per_minute=self.activity.last_minute(now), file_size=facts.size, wal_size=facts.wal_size)

    async def _run(self) -> None:
        """Watch until stopped. A failure the detector does not turn into a problem to show (a bug, say) is said
        in one line and watching starts again after a rest that grows while it keeps failing: one unexpected
        exception must not end a database's watching without a word, every view of it frozen."""
        failures = 0
        while True:
            fresh = True  # a detector's first observation: the state it found, no commit
            try:
                async for observation in self.detector.observe():
                    self._observed(observation, commit=not fresh)
                    # A detector that failed at once must rest longer each time: only a second look shows it works.
                    failures, fresh = (failures if fresh else 0), False
            except Exception as error:  # any bug anywhere below: watching must go on
                failures += 1
                log.error('Watching %s failed (%s: %s); trying again in %.0f s', self.database.place,
                          type(error).__name__, error, back_off(failures))
                await asyncio.sleep(back_off(failures))
                self.detector = self._new_detector()

    def _observed(self, observation: Observation, *, commit: bool) -> None:
        """`commit`: the detector saw something change since its last look (its first look sees no commit, and its
        versions compare only with its own: a new detector reads on a new connection)."""
        last, self.observation = self.observation, observation
        if commit and last is not None and observation.problem is None and observation.version != last.version:
            self.activity.record(observation.at)
        for live in self.live.values():
            live.request_refresh()
        self.changed.emit()
