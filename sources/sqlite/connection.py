"""One SQLite connection on a thread of its own, which the event loop hands whole reads to, as Datasette does.

sqlite3 blocks, so every call on a connection runs in a worker thread. aiosqlite gives one, but its public calls
take one trip each (execute, fetch, close): a cancellation between two would leave a half-read cursor, and its
read transaction, open, so the Reader ran each read as one call through aiosqlite's private `_execute` and
`_conn`. Here the thread is ours: `run(call)` hands `call(connection)` to it as one trip, and nothing depends on
another library's internals.

The thread is a daemon: a read-only connection has nothing to finish, and one still open as the app stops (a
view whose read was opening when it was stopped) must not keep the process from ending after Ctrl+C. A result
that comes back after its event loop has closed is dropped, not raised in the thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar('T')

_Job = tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any], asyncio.AbstractEventLoop]


class ReadConnection(sqlite3.Connection):
    """A plain sqlite3 connection that weak references can point at, so that what is kept per connection
    (sources/sqlite/sandbox.py) goes with it."""


class ThreadedConnection:
    """A sqlite3 connection used only in its own thread; `run` is how the event loop reads through it."""

    def __init__(self, connection: sqlite3.Connection, thread: threading.Thread, jobs: queue.SimpleQueue[_Job | None]
                 ) -> None:
        self.thread = thread
        """The one thread that uses the connection (a daemon)."""
        self._connection = connection
        self._jobs = jobs
        self._closed = False

    def run(self, call: Callable[[sqlite3.Connection], T]) -> asyncio.Future[T]:
        """`call(connection)` in the connection's thread, after the calls queued before it; its result or exception.

        A Future, not a coroutine: it runs whether or not anyone awaits it, and cancelling it does not stop it
        (`interrupt` does)."""
        if self._closed:
            raise sqlite3.ProgrammingError('Cannot operate on a closed database.')
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._jobs.put((call, done, loop))
        return done

    def interrupt(self) -> None:
        """Stop the statement running now at its next step. sqlite3_interrupt is safe from any thread."""
        if not self._closed:
            self._connection.interrupt()

    async def close(self) -> None:
        """Close the connection, once the calls queued before have run, and end its thread. No worker of the
        event loop's is asked to wait for the thread: while the app stops, that pool may be gone already."""
        if self._closed:
            return
        closing = self.run(lambda connection: connection.close())
        self._closed = True
        self._jobs.put(None)  # the thread ends right after the close
        await asyncio.shield(closing)


async def open_threaded(opener: Callable[[], sqlite3.Connection], name: str) -> ThreadedConnection:
    """Start a thread and open a connection in it with `opener`; the opener's exception if it fails (and the
    thread ended)."""
    jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
    opened: asyncio.Future[sqlite3.Connection] = asyncio.get_running_loop().create_future()
    jobs.put((lambda _: opener(), opened, asyncio.get_running_loop()))
    thread = threading.Thread(target=_serve, args=(jobs,), name=name, daemon=True)
    thread.start()
    try:
        connection = await asyncio.shield(opened)
    except BaseException:
        jobs.put(None)  # the thread closes what it opened, if it did, and ends
        raise
    return ThreadedConnection(connection, thread, jobs)


def _serve(jobs: queue.SimpleQueue[_Job | None]) -> None:
    """The connection's thread: the first job opens it, every later one gets it; None closes it and ends the
    thread (also when the opening's caller was cancelled: the connection it opened is not left open)."""
    connection: sqlite3.Connection | None = None
    while (job := jobs.get()) is not None:
        call, done, loop = job
        try:
            result, error = call(connection), None  # type: ignore[arg-type]  # the opener ignores its argument
        except BaseException as raised:  # handed to the awaiting task, whatever it is
            result, error = None, raised
        if connection is None and error is None:
            connection = result
        _report(loop, done, result, error)
        del job, call, result, error  # nothing of a finished job stays alive in this thread's frame
    if connection is not None:
        connection.close()


def _report(loop: asyncio.AbstractEventLoop, done: asyncio.Future[Any], result: Any, error: BaseException | None
            ) -> None:
    def settle() -> None:
        if done.cancelled():
            return
        if error is None:
            done.set_result(result)
        else:
            done.set_exception(error)

    with contextlib.suppress(RuntimeError):  # the event loop has closed: nobody waits any more
        loop.call_soon_threadsafe(settle)
