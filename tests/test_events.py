"""A poll loop built on `wait_event` stops as soon as it is cancelled, whenever the cancellation lands."""

from __future__ import annotations

import asyncio
import random

from eyelet_gui.sources.events import wait_event

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
