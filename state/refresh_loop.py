"""Refresh something after any watched database changed: at most once per interval, the last change never lost."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable

from eyelet_gui.sources.events import wait_event
from eyelet_gui.state.pacing import pause_after
from eyelet_gui.state.watcher import Watcher


class RefreshLoop:
    """Calls `refresh` at start, after commits to any of `watchers` (databases added later too), and at least
    every `idle` seconds; never twice within `interval` (or `pause_after` it), so a burst of commits costs one
    call. It can be stopped and started again."""

    def __init__(self, watchers: dict[str, Watcher], refresh: Callable[[], Awaitable[None]], *, interval: float,
                 idle: float = 3600.0, name: str) -> None:
        self.watchers = watchers
        self.refresh = refresh
        self.interval = interval
        self.idle = idle
        self.name = name
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._watching: set[str] = set()

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        self._dirty.set()
        self._task = asyncio.create_task(self._loop(), name=self.name)

    async def stop(self) -> None:
        for database_id in self._watching:
            self.watchers[database_id].changed.unsubscribe(self._dirty.set)
        self._watching.clear()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await wait_event(self._dirty, self.idle)
            self._dirty.clear()
            for database_id, watcher in list(self.watchers.items()):
                if database_id not in self._watching:  # databases found after start join in
                    self._watching.add(database_id)
                    watcher.changed.subscribe(self._dirty.set, unsubscribe_on_delete=False)
            started = time.monotonic()
            await self.refresh()
            await asyncio.sleep(pause_after(time.monotonic() - started, self.interval))
