"""Refresh loops pace themselves: an expensive refresh waits longer, so a loop never takes the writers' cores."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable

import pytest

from eyelet_gui.state.pacing import BUSY_SHARE, PacedLoop, back_off, pause_after

from .test_engine import eventually


def test_pause_is_the_interval_until_refreshing_gets_expensive() -> None:
    assert pause_after(0.001, interval=0.1) == 0.1
    assert pause_after(0.2, interval=0.1) == pytest.approx(0.2 * (1 - BUSY_SHARE) / BUSY_SHARE)


async def starts_of_three_refreshes(refresh: Callable[[], Awaitable[None]],
                                    made: list[PacedLoop] | None = None) -> list[float]:
    """Seconds between the starts of a paced loop's first three refreshes, refreshing without pause (idle 0);
    the loop is added to `made`."""
    starts: list[float] = []

    async def timed() -> None:
        starts.append(time.monotonic())
        await refresh()

    loop = PacedLoop(timed, interval=0.05, idle=0.0, name='timed')
    if made is not None:
        made.append(loop)
    loop.start()
    try:
        await eventually(lambda: len(starts) >= 3)
    finally:
        await loop.stop()
    assert not loop.running
    return [later - earlier for earlier, later in itertools.pairwise(starts)]


async def test_an_expensive_refresh_is_followed_by_a_longer_rest() -> None:
    """Each refresh takes 0.1 s of CPU: they start at least 1 s apart, not 0.15 s."""
    async def expensive() -> None:
        started = time.process_time()
        while time.process_time() - started < 0.1:
            pass  # a large table's sort, say

    gaps = await starts_of_three_refreshes(expensive)
    assert min(gaps) >= 0.1 / BUSY_SHARE - 0.01, gaps


async def test_waiting_is_not_expensive() -> None:
    """Each refresh waits 0.3 s doing nothing (for a writer's lock, say): the next follows at once, not 2.7 s on."""
    gaps = await starts_of_three_refreshes(lambda: asyncio.sleep(0.3))
    assert max(gaps) < 0.3 / BUSY_SHARE / 3, gaps


async def test_a_failed_refresh_is_logged_and_tried_again(caplog: pytest.LogCaptureFixture) -> None:
    """One bad record or one bug must not end a producer: every tab's view of it would freeze without a word."""
    calls: list[float] = []

    async def failing_once() -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            raise IndexError('list index out of range')

    loop = PacedLoop(failing_once, interval=0.01, name='charts')
    loop.start()
    try:
        await eventually(lambda: len(calls) == 2)  # tried again without any request
        assert loop.running
        assert loop.failures == 0
        assert calls[1] - calls[0] >= back_off(1)
        loop.request()
        await eventually(lambda: len(calls) == 3)
    finally:
        await loop.stop()
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ('ERROR', 'charts: a refresh failed (IndexError: list index out of range); trying again in 1 s')]


def test_back_off_doubles_up_to_a_minute() -> None:
    assert [back_off(failures) for failures in (1, 2, 3, 7, 8, 50)] == [1, 2, 4, 60, 60, 60]


async def test_a_refresh_can_count_as_costly_whatever_its_cpu() -> None:
    """A read stopped at its time limit of 0.1 s may have had little of a core; it rests 0.9 s all the same."""
    made: list[PacedLoop] = []

    async def stopped_at_its_limit() -> None:
        await asyncio.sleep(0.1)
        made[0].count_at_least(0.1)

    gaps = await starts_of_three_refreshes(stopped_at_its_limit, made)
    assert min(gaps) >= 0.1 / BUSY_SHARE - 0.01, gaps
