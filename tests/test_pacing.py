"""Refresh loops pace themselves: an expensive refresh waits longer, so a loop never takes the writers' cores."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.state.live.pacing import BURST, BUSY_SHARE, Allowance, PacedLoop, back_off, rest_after

from .conftest import DEADLINE, make_database
from .test_engine import eventually


def test_rest_grows_with_the_cost_of_a_refresh() -> None:
    assert rest_after(0.2) == pytest.approx(0.2 * (1 - BUSY_SHARE) / BUSY_SHARE)


def starts(allowance: Allowance, requested: list[float]) -> list[float]:
    """When each refresh starts, requested at these times, each started as soon as the allowance lets it."""
    started: list[float] = []
    for at in requested:
        now = max(at, started[-1] if started else at)
        now += allowance.wait(now)
        allowance.spend(now)
        started.append(round(now, 6))
    return started


def test_after_a_quiet_moment_a_burst_goes_at_once_then_one_per_interval() -> None:
    allowance = Allowance(interval=0.1)
    assert starts(allowance, [10.0] * (BURST + 2)) == [10.0] * BURST + [10.1, 10.2]
    assert starts(allowance, [10.2 + BURST * 0.1]) == [10.5], 'quiet for a burst\'s length: at once again'


def test_commits_a_little_closer_than_the_interval_each_go_at_once() -> None:
    """A writer at the push rate, with jitter: 0.1 s apart on average, some 0.06 s apart."""
    requested = [0.0, 0.06, 0.2, 0.26, 0.4, 0.46, 0.6]
    assert starts(Allowance(interval=0.1), requested) == requested


def test_a_long_flood_is_served_once_per_interval() -> None:
    started = starts(Allowance(interval=0.1), [0.0] * 50)
    assert started[-1] == pytest.approx((50 - BURST) * 0.1)
    assert all(later - earlier == pytest.approx(0.1) for earlier, later in itertools.pairwise(started[BURST - 1:]))


async def starts_of_three_refreshes(refresh: Callable[[], Awaitable[None]],
                                    made: list[PacedLoop] | None = None, timeout: float = DEADLINE) -> list[float]:
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
        await eventually(lambda: len(starts) >= 3, timeout)
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


async def test_other_tasks_cpu_is_not_a_refresh_cost() -> None:
    """While each refresh waits, another task (sending to a thousand stream clients, say) takes 0.2 s of CPU: the
    next refresh follows at once, not 1.8 s after."""
    async def busy_meanwhile() -> None:
        started = time.process_time()
        while time.process_time() - started < 0.2:
            pass

    times: list[tuple[float, float]] = []

    async def waiting() -> None:
        started = time.monotonic()
        other = asyncio.create_task(busy_meanwhile())
        await asyncio.sleep(0.3)
        await other
        times.append((started, time.monotonic()))

    await starts_of_three_refreshes(waiting)
    rests = [later[0] - earlier[1] for earlier, later in itertools.pairwise(times)]
    assert max(rests) < 0.2 / BUSY_SHARE / 2, rests


async def test_a_read_in_its_connections_thread_is_a_refresh_cost(tmp_path: Path) -> None:
    """The read runs in another thread: its CPU time counts all the same."""
    reader = Reader(make_database(tmp_path / 'empty.db', 'CREATE TABLE t (x);'))
    counting = Statement('WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) '
                         'SELECT count(*) FROM n')
    spent: list[float] = []

    async def costly_read() -> None:
        started = time.thread_time()
        await reader.fetch(counting)
        spent.append(time.thread_time() - started)  # the event loop's thread waited, nearly idle

    try:
        # Each read's CPU, nine times over, is the rest after it: on a busy machine a few seconds each.
        gaps = await starts_of_three_refreshes(costly_read, timeout=120)
    finally:
        await reader.close()
    assert max(spent) < 0.05, spent
    assert min(gaps) >= 0.05 / BUSY_SHARE, gaps


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
