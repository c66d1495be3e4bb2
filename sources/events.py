"""Waiting for an asyncio.Event with a timeout, giving up on a block, and ending tasks and parts, without losing a
cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

log = logging.getLogger(__name__)

Stop = Callable[[], Awaitable[None] | None]
"""How a part is stopped: a call, awaited when it returns an awaitable."""


async def wait_event(event: asyncio.Event, timeout: float) -> bool:
    """Wait until `event` is set or `timeout` seconds pass; return whether it is set.

    Not `asyncio.wait_for`: on Python 3.10 and 3.11 it can swallow a cancellation that arrives while its
    timeout fires (fixed in 3.12), and a watcher whose task cannot be cancelled hangs the app's shutdown.
    """
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=timeout)
    finally:
        waiter.cancel()  # not awaited: awaiting it here could swallow our own cancellation in turn
    return event.is_set()


@contextlib.asynccontextmanager
async def time_limit(seconds: float) -> AsyncIterator[None]:
    """The block, cancelled after `seconds` and then raising TimeoutError (`asyncio.timeout` is Python 3.11's).
    A cancellation from elsewhere stays a cancellation."""
    task = asyncio.current_task()
    assert task is not None
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_later(seconds, expire)
    try:
        yield
    except asyncio.CancelledError:
        # Python 3.11+ counts cancellations: another one besides ours is not ours to turn into a timeout.
        uncancel = getattr(task, 'uncancel', None)
        if not expired or (uncancel is not None and uncancel() > 0):
            raise
        raise TimeoutError from None
    finally:
        timer.cancel()


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Cancel `task` (if any) and wait until it has ended, its cleanup run."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def stop_each(stops: Iterable[tuple[str, Stop]]) -> None:
    """Call every (name, stop) in order, each even when one before it failed (logged in one line): a part that
    failed must not leave the others running, nor the process unable to end."""
    for name, stop in stops:
        try:
            result = stop()
            if result is not None:
                await result
        except Exception as error:
            log.error('Stopping %s failed (%s: %s); stopping the rest', name, type(error).__name__, error)


class Stops:
    """What was started, each with its stop, stopped together in the reverse order of start (as an exit stack
    does: what started later may use what started before it), each even when another failed (`stop_each`)."""

    def __init__(self) -> None:
        self._stops: list[tuple[str, Stop]] = []

    def add(self, name: str, stop: Stop) -> None:
        """Stop `name` with `stop()` when `stop_all` runs, before everything added earlier."""
        self._stops.append((name, stop))

    async def stop_all(self) -> None:
        """Stop everything added, newest first; afterwards nothing is held (a second call stops nothing)."""
        stops, self._stops = self._stops[::-1], []
        await stop_each(stops)
