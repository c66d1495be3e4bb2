"""Reference counting for what app-level state makes on demand: made for its first user, closed after its last.

Live queries, grid feeds, the hook feed, the session list and the charts all cost reads on every commit, so
each exists only while some tab shows it. Every user pairs one `acquire` with one `release`; a release
without its acquire is a bug in the caller and raises, instead of silently stopping another tab's view.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from functools import partial
from typing import Generic, TypeVar

from eyelet_gui.sources.events import stop_each

K = TypeVar('K', bound=Hashable)
V = TypeVar('V')


class NotAcquired(RuntimeError):
    """A release that no acquire matches."""


class Shared(Generic[K, V]):
    """One value per key: `make(key)` on its first acquire, `close(key, value)` after its last release.

    The one holder of what app-level state shares between tabs: a class that holds such values is one (its
    `_open` and `_close` passed here), or has one, rather than counting its users again."""

    def __init__(self, make: Callable[[K], V], close: Callable[[K, V], Awaitable[None]]) -> None:
        self._make_value = make
        self._close_value = close
        self._values: dict[K, V] = {}
        self._users: Counter[K] = Counter()
        self._closed_all = False

    def acquire(self, key: K) -> V:
        """The value for `key`, made if nobody holds it; pair with exactly one `release(key)`."""
        if key not in self._values:
            self._values[key] = self._make_value(key)
        self._users[key] += 1
        return self._values[key]

    async def release(self, key: K) -> None:
        """One user of `key` fewer; the last one closes the value."""
        if self._closed_all:
            return  # the app stopped first: a tab closing after it holds nothing any more
        if self._users[key] <= 0:
            raise NotAcquired(f'{key!r} was released more often than it was acquired.')
        self._users[key] -= 1
        if self._users[key] == 0:
            del self._users[key]
            await self._close_value(key, self._values.pop(key))

    def viewers(self, key: K) -> int:
        """How many acquires of `key` are not yet released."""
        return self._users[key]

    def get(self, key: K) -> V | None:
        return self._values.get(key)

    def values(self) -> list[V]:
        """Every value held now (a copy: closing one while iterating is safe)."""
        return list(self._values.values())

    async def close(self) -> None:
        """Close every value whoever holds it, each even when another failed to close: the app is stopping, and
        the releases of the tabs it closes afterwards are let pass."""
        self._closed_all = True
        values, self._values = self._values, {}
        self._users.clear()
        await stop_each((repr(key), partial(self._close_value, key, value)) for key, value in values.items())


class Viewed:
    """Something that runs only while some tab shows it: `_start` at the first `acquire`, `_stop` after the last
    `release` (the charts, a database's newest records).

    Starts and stops never overlap: a tab that comes while the last one's stop is under way (its loop being
    cancelled) is shown a running one as soon as that stop ends, not a loop stopped under it."""

    def __init__(self) -> None:
        self._viewers: Shared[None, None] = Shared(lambda _: self._first_viewer(), lambda _, __: self._settle())
        self._running = False
        self._settling = asyncio.Lock()

    def acquire(self) -> None:
        """A tab shows it: run (at once, if nobody did) until the matching `release`."""
        self._viewers.acquire(None)

    async def release(self) -> None:
        await self._viewers.release(None)

    async def close(self) -> None:
        """Stop it whoever views it: the app is stopping (the tabs' releases afterwards are let pass)."""
        await self._viewers.close()

    @property
    def viewers(self) -> int:
        return self._viewers.viewers(None)

    def _first_viewer(self) -> None:
        if not self._settling.locked():  # else the stop under way starts it again when it ends
            self._running = True
            self._start()

    async def _settle(self) -> None:
        """Run while anybody views it, else not, however acquires and releases interleave with a stop's awaits."""
        async with self._settling:
            while self._running != (self.viewers > 0):
                self._running = not self._running
                if self._running:
                    self._start()
                else:
                    await self._stop()

    def _start(self) -> None:
        raise NotImplementedError

    async def _stop(self) -> None:
        raise NotImplementedError
