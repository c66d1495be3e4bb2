"""Refresh loops pace themselves: an expensive refresh waits longer, so a loop never takes the writers' cores."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from eyelet_gui.state.pacing import BUSY_SHARE, PacedLoop, pause_after

from .test_engine import eventually


def test_pause_is_the_interval_until_refreshing_gets_expensive() -> None:
    assert pause_after(0.001, interval=0.1) == 0.1
    assert pause_after(0.2, interval=0.1) == pytest.approx(0.2 * (1 - BUSY_SHARE) / BUSY_SHARE)


async def test_an_expensive_refresh_is_followed_by_a_longer_rest() -> None:
    """Refreshing without pause (idle 0), each refresh taking 0.1 s: they start at least 1 s apart, not 0.15 s."""
    starts: list[float] = []

    async def refresh() -> None:
        starts.append(time.monotonic())
        await asyncio.sleep(0.1)

    loop = PacedLoop(refresh, interval=0.05, idle=0.0, name='expensive')
    loop.start()
    try:
        await eventually(lambda: len(starts) >= 3)
    finally:
        await loop.stop()
    assert not loop.running
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= 0.1 / BUSY_SHARE - 0.01, gaps
