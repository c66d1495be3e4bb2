"""No cancellation is lost: a poll loop built on `wait_event` stops whenever the cancellation lands, and a
`time_limit` turns only its own cancellation into a timeout."""

from __future__ import annotations

import asyncio
import random

import pytest

from eyelet_gui.sources.events import time_limit, wait_event

from .conftest import DEADLINE


async def test_cancellation_is_never_lost_while_the_timeout_fires() -> None:
    rng = random.Random(3)
    for _ in range(300):
        event = asyncio.Event()

        async def poll(event: asyncio.Event = event) -> None:
            while True:  # as the change detector polls: a timeout of about a millisecond, again and again
                await wait_event(event, 0.001)

        task = asyncio.create_task(poll())
        await asyncio.sleep(rng.uniform(0, 0.003))
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=DEADLINE)
        assert task in done, 'the loop went on after it was cancelled'
        assert task.cancelled()


async def test_returns_whether_the_event_is_set() -> None:
    event = asyncio.Event()
    assert await wait_event(event, 0.01) is False
    asyncio.get_running_loop().call_later(0.01, event.set)
    assert await wait_event(event, 5) is True


async def test_a_time_limit_gives_up_on_its_block_and_only_on_it() -> None:
    with pytest.raises(TimeoutError):
        async with time_limit(0.05):
            await asyncio.sleep(DEADLINE)
    async with time_limit(0.05):  # done in time: nothing cancels what comes after
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)

    async def limited() -> None:
        async with time_limit(DEADLINE):
            await asyncio.sleep(DEADLINE)

    task = asyncio.create_task(limited())
    await asyncio.sleep(0.01)
    task.cancel()  # a cancellation from outside stays one
    done, _ = await asyncio.wait({task}, timeout=DEADLINE)
    assert task in done
    assert task.cancelled()
