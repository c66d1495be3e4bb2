"""Refresh something after any watched database changed: paced, the last change never lost."""

from __future__ import annotations

from eyelet_gui.state.live.pacing import PacedLoop, Refresh
from eyelet_gui.state.live.watcher import Watcher


class RefreshLoop(PacedLoop):
    """A PacedLoop requested by commits to any of `watchers`, databases added later too, and run at least
    every `idle` seconds."""

    def __init__(self, watchers: dict[str, Watcher], refresh: Refresh, *, interval: float,
                 idle: float = 3600.0, name: str) -> None:
        super().__init__(self._follow_and_refresh, interval=interval, idle=idle, name=name)
        self.watchers = watchers
        self._refresh = refresh
        self._following: set[str] = set()

    async def stop(self) -> None:
        for database_id in self._following:
            self.watchers[database_id].changed.unsubscribe(self.request)
        self._following.clear()
        await super().stop()

    async def _follow_and_refresh(self) -> None:
        for database_id, watcher in list(self.watchers.items()):
            if database_id not in self._following:  # databases found after start join in
                self._following.add(database_id)
                watcher.changed.subscribe(self.request, unsubscribe_on_delete=False)
        await self._refresh()


class CommitLoop(PacedLoop):
    """A PacedLoop requested by one watcher's commits, paced as that watcher pushes: what follows one database
    (a row detail, a session's timeline, a database's newest records)."""

    def __init__(self, watcher: Watcher, refresh: Refresh, *, name: str) -> None:
        super().__init__(refresh, interval=1 / watcher.max_push_rate, name=name)
        self._watcher = watcher

    def start(self) -> None:
        self._watcher.changed.subscribe(self.request, unsubscribe_on_delete=False)
        super().start()

    async def stop(self) -> None:
        self._watcher.changed.unsubscribe(self.request)
        await super().stop()
