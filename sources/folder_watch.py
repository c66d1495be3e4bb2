"""Watching the searched folders for new projects: a new `eyelet.db`, or a new sub-folder, searched at once.

A project starts logging in steps: `mkdir ~/code/new-app` (or a clone), later `new-app/.eyelet-logging/`, then
`eyelet.db` in it. Each step is heard from the folder above it: a new sub-folder of a watched folder is watched
itself and searched (to the depth the first search would have gone), so the database is found the moment it
is written, not at the next periodic search.

No event is lost between hearing of a folder and watching it: a folder is searched *after* its watch is set,
so what was made inside it before is found by the search, and what is made after is heard by the watch.

Bounded: watches are not recursive (a recursive one would also follow node_modules and every hidden folder);
at most MAX_WATCHED_FOLDERS folders are watched, the folders the search reads first (the roots and the
shallow folders; a walk is depth first, so, in practice, the first roots whole). A new folder beyond the bound
is still searched once when it appears, but what is made inside it later waits for the periodic search. Each
watch costs a thread that wakes every WATCH_STEP_MS: the watches of new folders are merged into one at the
periodic search, and at once when there are more than MAX_WATCHES.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, awatch

from eyelet_gui.sources.discovery import MAX_DEPTH, Search, worth_entering
from eyelet_gui.sources.events import cancel_and_wait
from eyelet_gui.sources.sqlite_files import EYELET_DB_NAME, is_sqlite_file

MAX_WATCHED_FOLDERS = 2000
"""Folders watched at most (inotify allows 8,192 watches per user by default on older Linux kernels)."""
MAX_WATCHES = 4
"""Watches (threads) at most before they are merged into one."""
WATCH_STEP_MS = 50
WATCH_DEBOUNCE_MS = 200
"""watchfiles groups events until `step` ms pass without one, for `debounce` ms at most: well within 2 s."""
START_ATTEMPTS = 3
"""Tries to set a watch while its folders are deleted under it (each try drops the folders that went)."""

Found = Callable[[list[Path]], None]
FileChange = tuple[Change, str]


def _may_matter(change: Change, path: str) -> bool:
    """A database written, or a folder made or gone (by name only: the filter runs on the event loop)."""
    name = os.path.basename(path)
    return name == EYELET_DB_NAME or (change != Change.modified and worth_entering(name))


def _read_changes(changes: set[FileChange]) -> tuple[list[Path], list[Path], list[Path]]:
    """(eyelet databases written, folders made, paths deleted) among `changes`. Blocking: run it in a thread."""
    databases, made, deleted = [], [], []
    for change, name in changes:
        path = Path(name)
        if change == Change.deleted:
            deleted.append(path)
        elif path.name == EYELET_DB_NAME and is_sqlite_file(path):
            databases.append(path.resolve())
        elif change == Change.added and path.is_dir() and not path.is_symlink():
            made.append(path)
    return databases, made, deleted


def _search(folders: Mapping[Path, int]) -> Search:
    search = Search(tuple(folders), root_depths=folders)
    search.run()
    return search


def _existing(folders: list[Path]) -> list[Path]:
    return [folder for folder in folders if folder.is_dir()]


@dataclass(frozen=True, slots=True)
class _Watch:
    task: asyncio.Task[None]
    stop: asyncio.Event
    """Set before the task is cancelled: watchfiles' thread returns within a step instead of at its timeout."""

    async def end(self) -> None:
        self.stop.set()
        await cancel_and_wait(self.task)


class FolderWatch:
    """Watches searched folders, and those made in them later, for eyelet databases; tells `found` of each."""

    def __init__(self, roots: tuple[Path, ...], found: Found) -> None:
        self.roots = roots
        self.found = found
        self.depths: dict[Path, int] = {}
        """Each watched folder, with the depth left below it."""
        self._watches: list[_Watch] = []
        self._rescan_lock = asyncio.Lock()
        self._merging: asyncio.Task[None] | None = None

    @property
    def watches(self) -> int:
        """Watches running now (each one thread)."""
        return sum(not watch.task.done() for watch in self._watches)

    async def start(self, first: Search) -> None:
        """Watch what the first search read, then search again: what was made while it ran is found too."""
        await self._watch(dict(list(first.depths.items())[:MAX_WATCHED_FOLDERS]))
        await self.rescan()

    async def rescan(self) -> None:
        """Search every root again, with one watch over every watched folder set first (merging the watches of
        new folders): the safety net for a change no watch told of (network filesystems, a full watch list)."""
        async with self._rescan_lock:
            if len(self._watches) > 1:
                old, self._watches = self._watches, []
                await self._watch(dict(self.depths))
                for watch in old:
                    await watch.end()  # what they held but had not told of yet, the search below finds
            search = await asyncio.to_thread(_search, dict.fromkeys(self.roots, MAX_DEPTH))
            self.found(search.found)
            await self._grow({folder: depth for folder, depth in search.depths.items() if folder not in self.depths})

    async def stop(self) -> None:
        await cancel_and_wait(self._merging)
        for watch in self._watches:
            await watch.end()
        self._watches.clear()

    async def _grow(self, folders: dict[Path, int]) -> None:
        """Watch `folders` (new since the last search), then search them, and so on with the sub-folders found."""
        searched: set[Path] = set()
        while folders:
            room = max(0, MAX_WATCHED_FOLDERS - len(self.depths))
            await self._watch(dict(list(folders.items())[:room]))
            search = await asyncio.to_thread(_search, folders)  # all, watched or not: each is searched once
            self.found(search.found)
            searched.update(folders)
            folders = {folder: depth for folder, depth in search.depths.items()
                       if folder not in self.depths and folder not in searched and room}
        if len(self._watches) > MAX_WATCHES and (self._merging is None or self._merging.done()):
            self._merging = asyncio.create_task(self.rescan(), name='merge folder watches')

    async def _watch(self, folders: dict[Path, int]) -> None:
        """Set a watch on `folders` and return once it is set: an event from then on is heard."""
        names = list(folders)
        for _ in range(START_ATTEMPTS):
            if not names:
                return
            stop = asyncio.Event()
            changes = awatch(*names, watch_filter=_may_matter, stop_event=stop, recursive=False,
                             step=WATCH_STEP_MS, debounce=WATCH_DEBOUNCE_MS, ignore_permission_denied=True)
            first = asyncio.ensure_future(anext(changes))
            try:
                # awatch sets its inotify watches (RustNotify) synchronously in its first step, before its first
                # await; that step runs before this coroutine resumes. Events from then on wait in it until read.
                await asyncio.sleep(0)
                if first.done() and first.exception() is not None:
                    names = await asyncio.to_thread(_existing, names)  # a folder went since it was read
                    continue
            except BaseException:
                stop.set()  # cancelled: the watch must not outlive us
                raise
            self.depths.update({name: folders[name] for name in names})
            task = asyncio.create_task(self._follow(changes, first), name='folder watch')
            self._watches.append(_Watch(task, stop))
            return

    async def _follow(self, changes: AsyncGenerator[set[FileChange], None],
                      first: asyncio.Future[set[FileChange]]) -> None:
        try:
            batch = await first
            while True:
                await self._changed(batch)
                batch = await anext(changes)
        except StopAsyncIteration:
            return
        except (OSError, RuntimeError):
            return  # e.g. the system's limit of watched folders: the periodic search still finds new projects
        finally:
            with contextlib.suppress(RuntimeError):  # still running in `first`, cancelled: it ends by itself
                await changes.aclose()

    async def _changed(self, batch: set[FileChange]) -> None:
        databases, made, deleted = await asyncio.to_thread(_read_changes, batch)
        self.found(databases)
        for path in deleted:  # a folder made again later at the same path needs a new watch
            for folder in [folder for folder in self.depths if folder == path or path in folder.parents]:
                del self.depths[folder]
        # As deep as the first search would go, and no deeper.
        new = {folder: self.depths[folder.parent] - 1 for folder in made if self.depths.get(folder.parent, 0) > 0}
        for folder in new:
            self.depths.pop(folder, None)  # made again: its old watch followed the folder that went
        await self._grow(new)
