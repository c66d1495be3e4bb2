"""One watch over a set of folders (not recursive), in a thread of its own, that says when it is set.

`awatch` sets its inotify watches in its first step on the event loop (30 to 100 ms for 2,000 folders here,
during which no tab is served), and does not say when they are set. Discovery must know: it searches a new
folder only once the folder is watched, so that nothing made in between is missed. watchfiles' Rust backend
(`RustNotify`, in watchfiles' API reference) does both: made in a worker thread, its watches are set when it
returns, and events from then on wait in it until read.

Each watch waits in its own thread, not in the event loop's default executor, which has only a few threads
(5 on 2 cores) for every short job of the app.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change
from watchfiles._rust_notify import RustNotify

from eyelet_gui.sources.eyelet.discovery import worth_entering
from eyelet_gui.sources.eyelet.facts import DATABASE_FILE

WATCH_STEP_MS = 50
WATCH_DEBOUNCE_MS = 200
"""Events are grouped until `step` ms pass without one, for `debounce` ms at most: well within 2 s. The thread
wakes every `step` ms (about 0.02 % of a core here)."""
START_ATTEMPTS = 3
"""Tries to set a watch while its folders are deleted under it (each try drops the folders that went)."""

FileChange = tuple[Change, str]
Deliver = Callable[[set[FileChange]], None]


def may_matter(change: Change, path: str) -> bool:
    """A database written, or a folder made or gone (judged by name: no `stat` per event)."""
    name = os.path.basename(path)
    return name == DATABASE_FILE or (change != Change.modified and worth_entering(name))


def _existing(folders: list[Path]) -> list[Path]:
    return [folder for folder in folders if folder.is_dir()]


class FolderEvents:
    """Calls `deliver` in the event loop with each group of changes that `may_matter` in `folders`."""

    def __init__(self, folders: list[Path], notify: RustNotify, deliver: Deliver) -> None:
        self.folders = folders
        """The folders watched (those that still existed when the watch was set)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(notify, asyncio.get_running_loop(), deliver),
                                        name='folder events', daemon=True)
        self._thread.start()

    @classmethod
    async def start(cls, folders: list[Path], deliver: Deliver) -> FolderEvents | None:
        """The watch, once it is set; None when none of `folders` exists any more."""
        for _ in range(START_ATTEMPTS):
            if not folders:
                return None
            try:
                # (paths, debug, force_polling, poll_delay_ms, recursive, ignore_permission_denied)
                notify = await asyncio.to_thread(RustNotify, [str(folder) for folder in folders], False, False, 300,
                                                 False, True)
            except FileNotFoundError:  # a folder went since it was read: watch the others
                folders = await asyncio.to_thread(_existing, folders)
                continue
            return cls(folders, notify, deliver)
        return None

    @property
    def alive(self) -> bool:
        """False once stopped, or after an error in the watch (inotify's queue overflowed, for one)."""
        return self._thread.is_alive() and not self._stop.is_set()

    def stop(self) -> None:
        """End the watch; its thread ends within a step, by itself."""
        self._stop.set()

    def _run(self, notify: RustNotify, loop: asyncio.AbstractEventLoop, deliver: Deliver) -> None:
        try:
            while not self._stop.is_set():
                raw = notify.watch(WATCH_DEBOUNCE_MS, WATCH_STEP_MS, 0, self._stop)  # 0: no timeout
                if isinstance(raw, set):
                    changes = {(Change(change), path) for change, path in raw if may_matter(Change(change), path)}
                    if changes:
                        loop.call_soon_threadsafe(deliver, changes)
        except RuntimeError:
            pass  # the event loop closed, or the watch failed: the periodic search still finds new projects
        finally:
            notify.close()
