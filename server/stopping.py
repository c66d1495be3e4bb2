"""Open responses end as soon as the server begins to stop, so that Ctrl+C is never held by a client.

uvicorn stops in this order: it stops accepting connections, waits for every response under way to finish, and
only then runs the app's shutdown (Dashboard.stop). A change stream (`/api/v1/db/{id}/changes`) never finishes by
itself, so one `curl -N` would keep the app, the demo's writer and its folder alive. Nothing in ASGI tells a
response that the server is stopping, and uvicorn says it by one flag, `Server.should_exit`, which its own main
loop reads every POLL seconds; this reads it at the same pace and then ends what streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from nicegui import background_tasks
from nicegui.server import Server

POLL = 0.1
"""Seconds between two looks at the flag: uvicorn's own main loop looks as often."""
GRACEFUL_TIMEOUT = 2.0
"""Seconds uvicorn waits for responses under way once stopping, before it cancels them (and logs an error): a
backstop for a response that does not end by itself, which none should."""


def on_stopping(then: Callable[[], Awaitable[None]]) -> None:
    """Call `then` once the server begins to stop; call at startup, once NiceGUI has made its server."""
    background_tasks.create(_when_stopping(then), name='end open streams when the server stops')


async def _when_stopping(then: Callable[[], Awaitable[None]]) -> None:
    server = getattr(Server, 'instance', None)  # None under NiceGUI's simulated user: no server to stop
    if server is None:
        return
    while not server.should_exit:  # noqa: ASYNC110 (a plain attribute of uvicorn's: nothing to wait on)
        await asyncio.sleep(POLL)
    await then()
