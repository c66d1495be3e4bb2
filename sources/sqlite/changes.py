"""Commit detection for one database: file events wake it, `PRAGMA data_version` decides, a poll backs up.

A file event is only a hint (readers touch the `-wal` too, and events can be lost or coalesced on network
filesystems and macOS); `data_version` on a dedicated connection outside any transaction is the truth: it
changes whenever another connection, in any process, commits. The poll makes a lost event cost at most one
`poll_interval` of latency, never a lost change. It is FileEvents' one poll of every file's size, time and
inode (a commit changes the database file or its WAL), so SQLite is asked only when they moved, when the
database has a problem (every `poll_interval`), or every FULL_CHECK_EVERY intervals whatever the files say:
idle, a hundred databases cost one wake and three hundred `stat`s a second, and ten queries. The `stat`s are
made in worker threads (see file_facts.py): on a network filesystem each can block for long.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from eyelet_gui.sources.events import wait_event
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.file_events import FileEvents
from eyelet_gui.sources.sqlite.file_facts import NO_FACTS, file_facts
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem, ProblemKind

DATA_VERSION = Statement('PRAGMA data_version')
SCHEMA_VERSION = Statement('PRAGMA schema_version')
FULL_CHECK_EVERY = 10
"""Poll intervals between two `data_version` checks when the files look unchanged."""


@dataclass(frozen=True, slots=True)
class Observation:
    """What one check of the database found; a new Observation is reported only when something moved."""

    version: tuple[int, int, int] | None
    """(connection generation, data_version, schema_version); None when the database could not be read."""
    problem: str | None
    """Why the database cannot be read, in words."""
    problem_kind: ProblemKind | None
    at: float
    """time.time() of the check."""

    @property
    def schema_version(self) -> int | None:
        return None if self.version is None else self.version[2]


class ChangeDetector:
    """Watches one database file and yields an Observation for each batch of commits or change of state."""

    def __init__(self, path: Path, poll_interval: float) -> None:
        self.path = path
        self.poll_interval = poll_interval
        self.checks = 0
        """How many times `data_version` was read: a measure of the work done while idle."""
        self._reader = Reader(path, connections=1)  # data_version compares only within one connection
        self._last_version: tuple[int, int, int] | None = None
        self.files = NO_FACTS
        """The files as the last check found them."""

    async def observe(self) -> AsyncIterator[Observation]:
        """Yield the first state at once, then one Observation per change; ends when the consumer stops."""
        hint = asyncio.Event()
        events = FileEvents.for_running_loop()
        self.files = await file_facts(self.path)  # the poll tells of any change since, the first check's included
        states = (self.files.database, self.files.wal, self.files.journal)
        leave = [events.listen(self.path.with_name(self.path.name + suffix), hint.set, self.poll_interval, state)
                 for suffix, state in zip(('', '-wal', '-journal'), states, strict=True)]
        last: Observation | None = None
        try:
            while True:
                hint.clear()
                self.files = await file_facts(self.path)  # before the check: a commit after it moves them again
                observation = await self._check()
                if last is None or (observation.version, observation.problem) != (last.version, last.problem):
                    yield observation
                last = observation
                await wait_event(hint, self.poll_interval * (1 if last.problem else FULL_CHECK_EVERY))
        finally:
            for stop_listening in leave:
                stop_listening()
            await self._reader.close()

    async def _check(self) -> Observation:
        self.checks += 1
        try:
            data_version = int(await self._reader.value(DATA_VERSION))  # (re)connects: generation after it
            if self._last_version is not None and self._last_version[:2] == (self._reader.generation, data_version):
                schema_version = self._last_version[2]  # no commit since, on the same connection: no schema change
            else:
                schema_version = int(await self._reader.value(SCHEMA_VERSION))
        except DatabaseProblem as problem:
            return Observation(version=None, problem=str(problem), problem_kind=problem.kind, at=time.time())
        self._last_version = (self._reader.generation, data_version, schema_version)
        return Observation(version=self._last_version, problem=None, problem_kind=None, at=time.time())
