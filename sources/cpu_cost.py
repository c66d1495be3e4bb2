"""The CPU time a piece of async work costs itself: its own steps on the event loop's thread, and the reads it
waited for in their connections' threads.

`time.process_time()` around an awaited refresh also counts every other task that ran meanwhile: a refresh
that overlapped sending a snapshot to 500 stream clients was charged a whole second, and its loop rested nine
(state/live/pacing.py). Python offers no per-task CPU clock, so the work's coroutine is driven step by step here,
timing each step with the thread's clock; reads in other threads add their own time (Reader charges them).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Coroutine, Generator
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

T = TypeVar('T')

_reads: ContextVar[list[float] | None] = ContextVar('reads charged to the work being timed', default=None)


def charge_read(seconds: float) -> None:
    """Add a read's thread time to the work that awaits it (if that work is timed)."""
    charged = _reads.get()
    if charged is not None:
        charged[0] += seconds


class Timed(Generic[T]):
    """`await Timed(coroutine)` runs it; `cpu` is then its own CPU time so far, whether it returned or raised."""

    def __init__(self, coroutine: Coroutine[Any, Any, T]) -> None:
        self.coroutine = coroutine
        self.steps = 0.0
        self.reads = [0.0]

    @property
    def cpu(self) -> float:
        return self.steps + self.reads[0]

    def __await__(self) -> Generator[Any, Any, T]:
        token = _reads.set(self.reads)  # in this task's context: the coroutine's reads see it
        try:
            sent: Any = None
            thrown: BaseException | None = None
            while True:
                started = time.thread_time()
                try:
                    yielded = self.coroutine.throw(thrown) if thrown is not None else self.coroutine.send(sent)
                except StopIteration as returned:
                    return returned.value  # type: ignore[no-any-return]
                finally:
                    self.steps += time.thread_time() - started
                try:
                    sent, thrown = (yield yielded), None
                except BaseException as error:  # a cancellation, say: passed on to the coroutine
                    sent, thrown = None, error
        finally:
            with contextlib.suppress(ValueError):  # closed from another context (collected unfinished)
                _reads.reset(token)
