"""Refresh something after any watched database changed: paced, the last change never lost."""

from __future__ import annotations

import functools

from eyelet_gui.state.live.pacing import PacedLoop, Refresh
from eyelet_gui.state.live.subscriptions import Subscriptions
from eyelet_gui.state.live.watcher import Watcher


class RefreshLoop(PacedLoop):
    """A PacedLoop requested by commits to any of `watchers`, databases added later too, and run at least
    every `idle` seconds. `take_committed` tells a refresh which databases committed since the last one took it."""

    def __init__(self, watchers: dict[str, Watcher], refresh: Refresh, *, interval: float,
                 idle: float = 3600.0, name: str) -> None:
        super().__init__(self._follow_and_refresh, interval=interval, idle=idle, name=name)
        self.watchers = watchers
        self._refresh = refresh
        self._following: set[str] = set()
        self._committed: set[str] = set()
        self._subscriptions = Subscriptions()

    def take_committed(self) -> set[str]:
        """The ids of the databases committed to (or first followed) since the last call."""
        committed, self._committed = self._committed, set()
        return committed

    def _commit(self, database_id: str) -> None:
        self._committed.add(database_id)
        self.request()

    async def stop(self) -> None:
        self._subscriptions.release()
        self._following.clear()
        await super().stop()

    async def _follow_and_refresh(self) -> None:
        for database_id, watcher in list(self.watchers.items()):
            if database_id not in self._following:  # databases found after start join in
                self._following.add(database_id)
                self._committed.add(database_id)
                self._subscriptions.add(watcher.changed, functools.partial(self._commit, database_id))
        await self._refresh()


class CommitLoop(PacedLoop):
    """A PacedLoop requested by one watcher's commits, paced as that watcher pushes: what follows one database
    (a row detail, a session's timeline, a database's newest records). With `follow=False` it runs on request
    only, and on commits while some `follow` has no matching `unfollow` (a SQL statement, run again on commits
    while some tab follows it)."""

    def __init__(self, watcher: Watcher, refresh: Refresh, *, name: str, follow: bool = True) -> None:
        super().__init__(refresh, interval=1 / watcher.max_push_rate, name=name)
        self._watcher = watcher
        self._always = follow
        self._followers = 0
        self._subscriptions = Subscriptions()

    def start(self) -> None:
        if self._always:
            self.follow()
        super().start()

    async def stop(self) -> None:
        self._followers = 0
        self._subscriptions.release()
        await super().stop()

    def follow(self) -> None:
        """Requested by commits from now on (the first follower also asks for what was committed meanwhile),
        until the matching `unfollow`."""
        self._followers += 1
        if self._followers == 1:
            self._subscriptions.add(self._watcher.changed, self.request)
            self.request()

    def unfollow(self) -> None:
        if self._followers == 0:
            return  # stopped meanwhile (the app stopping before the tab that followed is closed): nothing to end
        self._followers -= 1
        if self._followers == 0:
            self._subscriptions.release()
