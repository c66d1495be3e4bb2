"""Waiting for an asyncio.Event with a timeout, and ending a task, without losing a cancellation."""

from __future__ import annotations

import asyncio
import contextlib


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


async def cancel_and_wait(task: asyncio.Task[None] | None) -> None:
    """Cancel `task` (if any) and wait until it has ended, its cleanup run."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
