"""The loop every refresh runs in: a request after a quiet moment is served at once, bursts coalesce, the last
request is never lost, and reading never takes the cores the database's writers need; a refresh that fails is
logged and tried again later, never the end."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from eyelet_gui.sources.cpu_cost import Timed
from eyelet_gui.sources.events import cancel_and_wait, wait_event

BUSY_SHARE = 0.1
"""The most of its time a loop spends refreshing. On a database written faster than a view can be read, the
view falls behind by seconds instead."""
BURST = 3
"""Refreshes a loop may make back to back after a quiet moment, before its `interval` paces it: commits a little
closer together than the interval (a writer's jitter) are shown at once instead of each waiting for the last
one's rest. Over any longer stretch the loop still refreshes at most once per interval."""
LONGEST_BACK_OFF = 60.0
"""Seconds at most between two tries of a refresh that keeps failing."""

log = logging.getLogger(__name__)
Refresh = Callable[[], Coroutine[Any, Any, None]]


def rest_after(spent: float) -> float:
    """Seconds to rest at least after a refresh that cost `spent`, to keep refreshing within BUSY_SHARE."""
    return spent * (1 - BUSY_SHARE) / BUSY_SHARE


class Allowance:
    """When the next refresh may start: a leaky bucket that holds BURST refreshes and drains one per interval.
    A refresh starts at once while the bucket has room, else when it has."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._empty_at = 0.0
        """When the refreshes made so far have drained, at one per interval."""

    def spend(self, now: float) -> None:
        self._empty_at = max(self._empty_at, now) + self.interval

    def wait(self, now: float) -> float:
        """Seconds from `now` until the next refresh may start."""
        return max(0.0, self._empty_at - (BURST - 1) * self.interval - now)


def back_off(failures: int) -> float:
    """Seconds to wait after the `failures`-th failed refresh in a row: 1, 2, 4 … up to LONGEST_BACK_OFF."""
    return min(LONGEST_BACK_OFF, 2.0 ** (failures - 1))


class PacedLoop:
    """Calls `refresh` at start, after each `request()` and (with `idle`) at least every `idle` seconds: when the
    Allowance has room and the last call's `rest_after` is over, so requests meanwhile cost one call. A call that
    raises is logged in one line and followed by a longer rest (`back_off`): one bad record or one bug in a
    refresh must not end the loop, or every tab's view of it would stop changing without a word. It can be
    stopped and started again."""

    def __init__(self, refresh: Refresh, *, interval: float, idle: float | None = None,
                 name: str) -> None:
        self.refresh = refresh
        self.idle = idle
        self.name = name
        self._requested = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.failures = 0
        """Refreshes in a row that raised; 0 after one that did not."""
        self._least_spent = 0.0
        self._allowance = Allowance(interval)

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        self._requested.set()
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name=self.name)

    def request(self) -> None:
        """Refresh soon: at once if resting is over, else when it is."""
        self._requested.set()

    def count_at_least(self, spent: float) -> None:
        """Rest after the refresh running now as if it had cost `spent` seconds: a read stopped at its time limit
        held a connection and a snapshot that long, however little of a core it got."""
        self._least_spent = max(self._least_spent, spent)

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _loop(self) -> None:
        while True:
            if self.idle is None:
                await self._requested.wait()
            else:
                await wait_event(self._requested, self.idle)
            self._requested.clear()
            started = time.monotonic()
            self._allowance.spend(started)
            refresh = Timed(self.refresh())
            try:
                await refresh
                self.failures = 0
            except Exception as error:  # any bug in any refresh: the loop must go on
                self.failures += 1
                self._requested.set()  # tried again after the back-off, whether or not anything changes
                log.error('%s: a refresh failed (%s: %s); trying again in %.0f s', self.name, type(error).__name__,
                          error, back_off(self.failures))
            # What it cost: its own CPU time, not time it sat waiting (for a writer's lock, say), for which resting
            # longer would only show the change later, nor what other tasks ran meanwhile (sources/cpu_cost.py).
            ended = time.monotonic()
            spent = max(min(ended - started, refresh.cpu), self._least_spent)
            self._least_spent = 0.0
            rest = max(self._allowance.wait(ended), rest_after(spent))
            # A request during the rest sets the event again: the last one is never lost.
            await asyncio.sleep(max(rest, back_off(self.failures)) if self.failures else rest)
