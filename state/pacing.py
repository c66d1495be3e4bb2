"""How long a refresh loop rests: reading must never take the cores the database's writers need."""

from __future__ import annotations

BUSY_SHARE = 0.1
"""The most of its time a refresh loop (a live query's, the charts', the session list's) spends refreshing.
On a database written faster than a view can be read, the view falls behind by seconds instead."""


def pause_after(spent: float, interval: float) -> float:
    """Seconds to wait after a refresh that took `spent`: `interval`, or longer when refreshing got expensive."""
    return max(interval, spent * (1 - BUSY_SHARE) / BUSY_SHARE)
