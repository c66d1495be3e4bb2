"""File events for every watched database from one watch and one poll, however many databases.

A watch per database cost a thread waking every few milliseconds each (0.05 % of a core per database here,
5 % for a hundred). One `awatch` over all their folders costs the same for one database as for a hundred.
The watch is made again when the set of folders changes, and when a folder is deleted or replaced: an
inotify watch follows the folder it was set on, so a folder deleted and made again would otherwise be deaf.

Events can be lost (network filesystems, macOS coalescing), so one poll also looks at every file's inode,
size and time, and tells the listeners of a file that moved: one wake a second for a hundred databases,
not a hundred. Events are hints only (see change_detector.py): a lost one costs latency, never a change.
Every `stat` is made in a worker thread, all of a poll's in one trip (see file_facts.py): on a network
filesystem one can block for seconds, and the event loop serves every tab.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, awatch

from eyelet_gui.sources.events import cancel_and_wait, wait_event
from eyelet_gui.sources.sqlite.file_facts import FileState, file_states, folder_identities

# watchfiles groups events for `step` ms after the last one, `debounce` ms at most: small, for latency.
EVENT_STEP_MS = 5
EVENT_DEBOUNCE_MS = 50
FOLDER_CHECK_INTERVAL = 2.0
"""Seconds between looks at whether a watched folder appeared, went or was replaced."""

Listener = Callable[[], None]
NOT_SEEN: FileState = (-1, -1, -1)
"""A state no file has: the first poll takes the file's real state, and tells of nothing."""


class FileEvents:
    """Calls each listener when its file changes; `for_running_loop()` gives the one shared instance."""

    def __init__(self) -> None:
        self._listeners: dict[Path, set[Listener]] = defaultdict(set)
        self._poll_intervals: dict[tuple[Path, Listener], float] = {}
        self._states: dict[Path, FileState | None] = {}
        """Each file as the poll last saw it; a file not seen yet is told of at its first poll."""
        self._changed = asyncio.Event()  # the folders to watch are not those watched
        self._intervals_changed = asyncio.Event()  # a file was listened to: perhaps poll more often
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @classmethod
    def for_running_loop(cls) -> FileEvents:
        loop = asyncio.get_running_loop()
        if loop not in _instances:
            _instances[loop] = cls()
        return _instances[loop]

    def listen(self, path: Path, listener: Listener, poll_interval: float,
               state: FileState | None = NOT_SEEN) -> Callable[[], None]:
        """Call `listener` (in the event loop) when `path` is written, created or deleted, as heard or as seen
        by a poll at least every `poll_interval` seconds; returns the way out.

        `state` is the file as the caller last looked at it (None: absent), so that a poll tells of a change
        since; without it, changes before the first poll go untold."""
        self._listeners[path].add(listener)
        self._poll_intervals[path, listener] = poll_interval
        self._states.setdefault(path, state)
        self._changed.set()
        self._intervals_changed.set()
        for name, run in (('file events', self._run), ('file poll', self._poll)):
            if name not in self._tasks or self._tasks[name].done():
                self._tasks[name] = asyncio.create_task(run(), name=name)

        def stop_listening() -> None:
            self._listeners[path].discard(listener)
            self._poll_intervals.pop((path, listener), None)
            if not self._listeners[path]:
                del self._listeners[path]
                self._states.pop(path, None)
                self._changed.set()
            if not self._listeners:
                for task in self._tasks.values():
                    task.cancel()
                self._tasks.clear()

        return stop_listening

    async def _folders(self) -> dict[Path, int]:
        """Each folder holding a listened-to file, with its inode (a replaced folder has another)."""
        return await folder_identities({path.parent for path in self._listeners})

    async def _run(self) -> None:
        while self._listeners:
            self._changed.clear()
            folders = await self._folders()
            stop = asyncio.Event()
            keeper = asyncio.create_task(self._stop_when_folders_change(folders, stop))
            try:
                if folders:
                    await self._watch(list(folders), stop)
                await stop.wait()
            except (OSError, RuntimeError):
                await wait_event(self._changed, FOLDER_CHECK_INTERVAL)  # a folder went as the watch began
            finally:
                await cancel_and_wait(keeper)
            self._notify_all()  # the watch was down a moment: let every database look for itself

    async def _watch(self, folders: list[Path], stop: asyncio.Event) -> None:
        def relevant(_change: Change, path: str) -> bool:
            return Path(path) in self._listeners or Path(path) in folders

        async for changes in awatch(*folders, watch_filter=relevant, recursive=False, stop_event=stop,
                                    step=EVENT_STEP_MS, debounce=EVENT_DEBOUNCE_MS, rust_timeout=1000,
                                    ignore_permission_denied=True):
            changed = {Path(path) for _, path in changes}
            for path in changed:
                if path in folders:
                    stop.set()  # a watched folder itself went (its inode may come back with a new folder)
                self._notify(path)
            # Told now: the next poll need not tell of them again.
            self._remember(await file_states(changed & self._states.keys()))

    async def _stop_when_folders_change(self, folders: dict[Path, int], stop: asyncio.Event) -> None:
        """Set `stop` when a file is listened to in another folder, or a folder appears, goes or is replaced."""
        while True:
            await wait_event(self._changed, FOLDER_CHECK_INTERVAL)
            self._changed.clear()
            if await self._folders() != folders:
                stop.set()
                return

    async def _poll(self) -> None:
        """Tell the listeners of every file whose inode, size or time moved since the last poll."""
        while self._listeners:
            interval = min(self._poll_intervals.values())
            self._intervals_changed.clear()
            if await wait_event(self._intervals_changed, interval) and min(self._poll_intervals.values()) < interval:
                continue  # a file was listened to with a shorter interval: wait that long instead
            for path in self._remember(await file_states(self._listeners)):
                self._notify(path)

    def _remember(self, states: dict[Path, FileState | None]) -> list[Path]:
        """Keep `states` of the files still listened to; return those that moved since they were last seen."""
        moved = []
        for path, state in states.items():
            if path in self._states and state != self._states[path]:
                if self._states[path] != NOT_SEEN:
                    moved.append(path)
                self._states[path] = state
        return moved

    def _notify(self, path: Path) -> None:
        for listener in list(self._listeners.get(path, ())):
            listener()

    def _notify_all(self) -> None:
        for path in list(self._listeners):
            self._notify(path)


_instances: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, FileEvents] = weakref.WeakKeyDictionary()
