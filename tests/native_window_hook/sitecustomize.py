"""Test-only hook, loaded through PYTHONPATH by every Python process of the app under test.

When EYELET_TEST_CLOSE_WINDOW names a file, a daemon thread waits for that file and for a pywebview window in its
process, then closes the window with `Window.destroy()`: the same path as a click on the window's close button
(Qt's closeEvent, pywebview's `closing` and `closed` events). Only the native-window process ever has a window; in
every other process the thread waits in vain and dies with the process.

EYELET_TEST_CLOSE_WINDOW_WHEN chooses the moment:
- `settled` (default): once pywebview's `loaded` event has fired and none of pywebview's worker threads (the JS-bridge
  injection, the handlers NiceGUI hooks on `loaded`) has run for 200 ms — a user closing a window they have looked at;
- `loaded`: the instant `loaded` fires, while NiceGUI's `loaded` handlers still wait on `evaluate_js` — the race in
  which the window process can hang forever (see the report).
"""
import os
import sys
import threading
import time
from typing import Any

_TRIGGER = os.environ.get('EYELET_TEST_CLOSE_WINDOW')
_WHEN = os.environ.get('EYELET_TEST_CLOSE_WINDOW_WHEN', 'settled')
_WORKERS = ('(execute)', '(generate_js_object)')  # pywebview's thread targets, in thread names since Python 3.10


def _window() -> Any:
    windows = list(getattr(sys.modules.get('webview'), 'windows', ()))
    return windows[0] if windows else None


def _busy() -> bool:
    return any(thread.name.endswith(_WORKERS) for thread in threading.enumerate())


def _close_window_on_trigger(trigger: str) -> None:
    while not os.path.exists(trigger) or _window() is None:
        time.sleep(0.02)
    window = _window()
    window.events.loaded.wait()
    if _WHEN == 'settled':
        quiet_since = None
        while quiet_since is None or time.monotonic() - quiet_since < 0.2:
            time.sleep(0.02)
            quiet_since = None if _busy() else (quiet_since or time.monotonic())
    print(f'[test hook] closing native window {window.title!r} ({_WHEN})', file=sys.stderr, flush=True)
    window.destroy()


if _TRIGGER:
    threading.Thread(target=_close_window_on_trigger, args=(_TRIGGER,), daemon=True, name='test-close-window').start()
