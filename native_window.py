"""The native desktop window (`--native`): pywebview, started by NiceGUI in a process of its own."""

from __future__ import annotations

import importlib.util
import multiprocessing
import sys
import threading

from nicegui import app

WINDOW_SIZE = (1280, 860)
STUCK_WINDOW_GRACE = 2.0
"""Seconds the window's process may outlive its window before it is ended."""


def linux_toolkit() -> str | None:
    """The GUI toolkit pywebview can draw with on Linux ('qt' preferred, then 'gtk'), or None."""
    qt = importlib.util.find_spec('qtpy') is not None and any(
        importlib.util.find_spec(binding) is not None for binding in ('PyQt6', 'PySide6', 'PyQt5'))
    if qt:
        return 'qt'
    return 'gtk' if importlib.util.find_spec('gi') is not None else None


def prepare() -> None:
    """Set up the window that `ui.run(native=True, window_size=WINDOW_SIZE)` opens."""
    if sys.platform.startswith('linux'):
        # Without it pywebview tries GTK first and logs a traceback when GTK's WebKit is not installed.
        app.native.start_args['gui'] = linux_toolkit()
    app.native.on('closed', _end_window_process_if_stuck)


def _end_window_process_if_stuck() -> None:
    """pywebview's Qt backend can keep the window's process alive when the window closes while NiceGUI's
    page-loaded handlers still wait for JavaScript (pywebview fixed it for GTK and Windows in #987, not for Qt):
    the app would then run on with no window. End that process; NiceGUI then shuts down as usual."""

    def end() -> None:
        for child in multiprocessing.active_children():  # NiceGUI's window process: the app starts no other
            child.terminate()

    timer = threading.Timer(STUCK_WINDOW_GRACE, end)
    timer.daemon = True
    timer.start()
