"""Commit detection for one database: file events wake it, `PRAGMA data_version` decides, a slow poll backs up.

A file event is only a hint (readers touch the `-wal` too, and events can be lost or coalesced on network
filesystems and macOS); `data_version` on a dedicated connection outside any transaction is the truth: it
changes whenever another connection, in any process, commits. The poll makes a lost event cost at most one
`poll_interval` of latency, never a lost change.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, awatch

from eyelet_gui.sources.events import wait_event
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.reader import Reader
from eyelet_gui.sources.readonly import DatabaseProblem, ProblemKind

DATA_VERSION = Statement('PRAGMA data_version')
SCHEMA_VERSION = Statement('PRAGMA schema_version')
# watchfiles groups events for `step` ms after the last one, `debounce` ms at most: small, for latency.
EVENT_STEP_MS = 5
EVENT_DEBOUNCE_MS = 50


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
        self._reader = Reader(path)
        self._names = {path.name, f'{path.name}-wal', f'{path.name}-journal'}

    async def observe(self) -> AsyncIterator[Observation]:
        """Yield the first state at once, then one Observation per change; ends when the consumer stops."""
        hint = asyncio.Event()
        stop = asyncio.Event()
        listener = asyncio.create_task(self._listen(hint, stop), name=f'file events for {self.path}')
        last: tuple[tuple[int, int, int] | None, str | None] | None = None
        try:
            while True:
                hint.clear()
                observation = await self._check()
                if (observation.version, observation.problem) != last:
                    last = observation.version, observation.problem
                    yield observation
                await wait_event(hint, self.poll_interval)
        finally:
            stop.set()
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self._reader.close()

    async def _check(self) -> Observation:
        self.checks += 1
        try:
            data_version = await self._reader.value(DATA_VERSION)
            schema_version = await self._reader.value(SCHEMA_VERSION)
        except DatabaseProblem as problem:
            return Observation(version=None, problem=str(problem), problem_kind=problem.kind, at=time.time())
        version = (self._reader.generation, int(data_version), int(schema_version))
        return Observation(version=version, problem=None, problem_kind=None, at=time.time())

    def _relevant(self, _change: Change, path: str) -> bool:
        return Path(path).name in self._names

    async def _listen(self, hint: asyncio.Event, stop: asyncio.Event) -> None:
        """Turn file events on the database, its `-wal` and `-journal` into hints; outlive a vanished folder."""
        folder = self.path.parent
        while not stop.is_set():
            if folder.is_dir():
                try:
                    async for _ in awatch(folder, watch_filter=self._relevant, recursive=False, stop_event=stop,
                                          step=EVENT_STEP_MS, debounce=EVENT_DEBOUNCE_MS, rust_timeout=1000,
                                          ignore_permission_denied=True):
                        hint.set()
                except (OSError, RuntimeError):
                    pass  # the folder went away or became unreadable: the poll covers until it is back
            hint.set()  # the watch ended (folder gone?): check now rather than at the next poll
            await wait_event(stop, self.poll_interval)
