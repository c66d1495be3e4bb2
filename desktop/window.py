"""The native desktop window (`--native`): pywebview, started by NiceGUI in a process of its own.

The window's process lives as long as the app's and no longer, whichever way the app ends:
- closing the window: NiceGUI notices the process end and stops the app;
- Ctrl+C or SIGTERM: the app stops its server, then leaves at once (`leave`), and the window process, which
  watches its parent (`_close_when_gone`), closes the window, which ends Qt WebEngine's helpers with it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import multiprocessing
import multiprocessing.util
import os
import signal
import socket
import sys
import threading
import time
import urllib.parse

from nicegui import app

APPLICATION = 'eyelet-gui'
WINDOW_SIZE = (1280, 860)
STUCK_WINDOW_GRACE = 2.0
"""Seconds the window's process may outlive its window before it is ended."""
QT_BINDINGS = {'pyqt5': 'PyQt5', 'pyside2': 'PySide2', 'pyqt6': 'PyQt6', 'pyside6': 'PySide6'}
"""The Qt bindings pywebview draws with through qtpy, by qtpy's `QT_API` names, in qtpy's order of preference."""
QUIET_QT_LOGGING = '*=false'
"""Qt's own messages (Vulkan, GPU vendor, sandbox), all categories off."""
QUIET_CHROMIUM = '--log-level=3'
"""Chromium's log (its D-Bus and GPU errors) down to fatal errors only."""


def linux_toolkit() -> str | None:
    """The GUI toolkit pywebview can draw with on Linux ('qt' preferred, then 'gtk'), or None."""
    qt = importlib.util.find_spec('qtpy') is not None and any(
        importlib.util.find_spec(binding) is not None for binding in QT_BINDINGS.values())
    if qt:
        return 'qt'
    return 'gtk' if importlib.util.find_spec('gi') is not None else None


def prepare(*, verbose: bool) -> None:
    """Set up the window that `ui.run(native=True, window_size=WINDOW_SIZE)` opens, before it runs."""
    if sys.platform.startswith('linux'):
        # Without it pywebview tries GTK first and logs a traceback when GTK's WebKit is not installed.
        app.native.start_args['gui'] = linux_toolkit()
        _configure_qt_webengine(verbose=verbose)
    # Qt names the application (the desktop's taskbar, X11's WM_CLASS) after argv[0], which the window's process
    # is given from this one: `python -m eyelet_gui` would show as "__main__.py".
    sys.argv[0] = APPLICATION
    # pywebview runs `func(*args)` in the window's process once its GUI loop runs.
    app.native.start_args['func'] = _in_window_process
    app.native.start_args['args'] = (verbose,)
    app.native.on('closed', _end_window_process_if_stuck)
    # Ctrl+C reaches every process of the terminal's group, SIGTERM may too. The window's process inherits these
    # SIG_IGN (it is spawned in ui.run; it then leaves the terminal's group, see `_in_window_process`) and stays
    # until the app has stopped and left. uvicorn installs its own handlers in the app moments later, and once
    # stopped re-raises the signal into these SIG_IGN, so that ui.run returns and the app leaves with status 0
    # (`leave`).
    for ending in (signal.SIGINT, signal.SIGTERM):
        signal.signal(ending, signal.SIG_IGN)


def _configure_qt_webengine(*, verbose: bool) -> None:
    """Environment for Qt WebEngine in the window's process, which inherits it."""
    if os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox; Qt documents this variable for that case.
        os.environ['QTWEBENGINE_DISABLE_SANDBOX'] = '1'
        print('Running as root: the native window\'s web engine runs without its sandbox, as Qt requires for root.',
              flush=True)
    if not verbose:
        os.environ.setdefault('QT_LOGGING_RULES', QUIET_QT_LOGGING)
        flags = os.environ.get('QTWEBENGINE_CHROMIUM_FLAGS', '')
        if '--log-level' not in flags:
            os.environ['QTWEBENGINE_CHROMIUM_FLAGS'] = f'{flags} {QUIET_CHROMIUM}'.strip()


async def show_page(page: str) -> None:
    """Lead the window to `page` (a path on the server) and bring it forward: what a click on one of its OS
    notifications does (notify/desktop.py). The page is opened from the window's own page, so the address and the
    token's cookie stay the window's."""
    window = app.native.main_window
    if window is None:  # no window (yet, or any more)
        return
    await window.evaluate_js(f'window.location.assign({json.dumps(page)})')
    window.restore()  # out of the task bar when minimized
    window.show()


def leave() -> None:
    """End the app's process now that its server has stopped (Ctrl+C, SIGTERM), without Python's exit.

    Python's exit would end the window's process from multiprocessing's atexit handler while the app still runs;
    NiceGUI's watch over that process would then stop the app a second time, from another thread, and fail
    (NiceGUI's `run.tear_down` asserts on a pool it already shut down). The window closes itself once this process
    is gone (`_close_when_gone`).
    """
    # What Python's exit would do first: release the semaphores of NiceGUI's window queues, which the resource
    # tracker would otherwise report as leaked.
    multiprocessing.util._run_finalizers(0)  # type: ignore[attr-defined]
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _in_window_process(verbose: bool) -> None:
    """In the window's process, on a thread of pywebview's that its process waits for: keep the log to what matters,
    and start the watch over the app's process, on a thread that never keeps the window's process alive."""
    if hasattr(os, 'setpgid'):
        # pywebview's Qt backend installs a Ctrl+C handler of its own here, which quits the window while the app
        # still stops; NiceGUI would then stop the app a second time (see `leave`). Out of the terminal's process
        # group, this process gets no Ctrl+C: it ends when the app is gone, as below.
        os.setpgid(0, 0)
    if not verbose:
        for logger in ('nicegui', 'pywebview'):
            logging.getLogger(logger).addFilter(_true_window_messages)
    threading.Thread(target=_close_when_gone, daemon=True, name='eyelet-gui-follow-app').start()


def _close_when_gone() -> None:
    """Close the window once the app's process is gone, however it ended."""
    import webview  # the window's process has it: pywebview runs it

    app_process = multiprocessing.parent_process()  # the window's process is multiprocessing's child
    if app_process is None:
        return
    app_process.join()  # waits on the process's sentinel (a pipe, or on Windows its handle): no polling
    for window in list(webview.windows):
        window.destroy()
    # pywebview's Qt backend can keep the process alive after its window closed (see below): end it.
    time.sleep(STUCK_WINDOW_GRACE)
    os._exit(0)


def _true_window_messages(record: logging.LogRecord) -> bool:
    """Whether a message of the window's process is worth showing: not one of those that are false here.

    - NiceGUI keeps every window call it ever ran (a page title set, say) as pending, and so warns at every
      shutdown that "shutdown is possibly blocked by opened dialogs", where this app opens none.
    - Once the app's server has stopped, the page in the window reloads into nothing, and NiceGUI's and pywebview's
      handlers of its `loaded` event fail ("Vue failed to load", a traceback): about the stopping, not the window.
    """
    return 'blocked by opened dialogs' not in record.getMessage() and _server_answers()


def _server_answers() -> bool:
    import webview

    windows = list(webview.windows)
    if not windows:
        return False  # the window has closed: the app is ending
    address = urllib.parse.urlsplit(windows[0].original_url or '')
    try:
        with socket.create_connection((address.hostname or '127.0.0.1', address.port or 80), timeout=1):
            return True
    except OSError:
        return False


def _end_window_process_if_stuck() -> None:
    """pywebview's Qt backend can keep the window's process alive when the window closes while NiceGUI's
    page-loaded handlers still wait for JavaScript (pywebview fixed it for GTK and Windows in #987, not for Qt):
    the app would then run on with no window. End that process; NiceGUI then shuts down as usual."""

    def end() -> None:
        for child in multiprocessing.active_children():  # NiceGUI's window process: the app starts no other
            child.kill()  # it ignores SIGTERM (see prepare)

    timer = threading.Timer(STUCK_WINDOW_GRACE, end)
    timer.daemon = True
    timer.start()
