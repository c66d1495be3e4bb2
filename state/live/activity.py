"""How busy a database is: changes per second over the last minute, per minute over the last half hour.

Counts in buckets, not timestamps, so that memory stays the same at 1 or 5,000 commits a second.
"""

from __future__ import annotations

import math
from collections import deque

HISTORY_MINUTES = 30


class Activity:
    def __init__(self) -> None:
        self.last_at: float | None = None
        """When the last change was seen (time.time())."""
        self._seconds: deque[list[int]] = deque()  # [second, count], the last 60 s
        self._minutes: deque[list[int]] = deque()  # [minute, count], the last HISTORY_MINUTES

    def record(self, at: float) -> None:
        self.last_at = at
        for buckets, size in ((self._seconds, 1), (self._minutes, 60)):
            slot = math.floor(at / size)
            if buckets and buckets[-1][0] == slot:
                buckets[-1][1] += 1
            else:
                buckets.append([slot, 1])
        self._forget(at)

    def last_minute(self, now: float) -> int:
        """Changes in the last minute (counted in whole seconds, so up to one second more)."""
        self._forget(now)
        return sum(count for _, count in self._seconds)

    def per_minute(self, now: float) -> list[int]:
        """Changes in each of the last HISTORY_MINUTES minutes, oldest first, the current minute last."""
        self._forget(now)
        current = math.floor(now / 60)
        counts = dict((minute, count) for minute, count in self._minutes)
        return [counts.get(minute, 0) for minute in range(current - HISTORY_MINUTES + 1, current + 1)]

    def _forget(self, now: float) -> None:
        while self._seconds and self._seconds[0][0] < math.floor(now) - 60:  # whole seconds: up to 61 s kept
            self._seconds.popleft()
        while self._minutes and self._minutes[0][0] <= math.floor(now / 60) - HISTORY_MINUTES:
            self._minutes.popleft()
