"""Ctrl+C pressed again while eyelet-gui stops is the same request, not a stronger one.

uvicorn takes a second Ctrl+C as "stop now": it skips the app's shutdown, so the demo's folder stays behind, and
Starlette logs the cancelled lifespan as a traceback. People press Ctrl+C twice when the first seems slow, and a
terminal that signals both a command and its process group delivers one press twice (GNU `timeout` does). A stop
takes well under a second here, so a repeat within REPEAT_WINDOW of the first is let go; a later one still forces
uvicorn's way out of a stop that hangs.
"""

from __future__ import annotations

import signal
import threading
import time
from types import FrameType

REPEAT_WINDOW = 5.0
"""Seconds after the first Ctrl+C in which another is taken as the same."""


def install() -> None:
    """Wrap the Ctrl+C handler uvicorn has installed; call at startup, on the main thread (uvicorn's)."""
    handler = signal.getsignal(signal.SIGINT)
    if not callable(handler) or threading.current_thread() is not threading.main_thread():
        return  # not a Python handler: nothing to wrap
    first: list[float] = []

    def on_interrupt(number: int, frame: FrameType | None) -> None:
        now = time.monotonic()
        if first and now - first[0] < REPEAT_WINDOW:
            return
        first[:] = [now]
        handler(number, frame)

    signal.signal(signal.SIGINT, on_interrupt)
