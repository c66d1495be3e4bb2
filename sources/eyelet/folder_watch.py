"""Watching the searched folders for new projects: a new `eyelet.db`, or a new sub-folder, searched at once.

A project starts logging in steps: `mkdir ~/code/new-app` (or a clone), later `new-app/.eyelet-logging/`, then
`eyelet.db` in it. Each step is heard from the folder above it: a new sub-folder of a watched folder is watched
itself and searched (to the depth the first search would have gone), so the database is found the moment it
is written, not at the next periodic search.

No event is lost between hearing of a folder and watching it: a folder is searched *after* its watch is set,
so what was made inside it before is found by the search, and what is made after is heard by the watch.

Bounded: watches are not recursive (a recursive one would also follow node_modules and every hidden folder),
and go no deeper than the search (MAX_DEPTH). At most MAX_WATCHED_FOLDERS folders are watched, the shallowest
first (the roots, then their sub-folders, and so on: new projects appear near the roots). A new folder beyond
the bound is still searched once when it appears, but what is made inside it later waits for the periodic
search. Each watch costs a thread (folder_events.py): the watches of new folders are merged into one at the
periodic search, and at once when there are more than MAX_WATCHES.

One thing at a time: events are handled in order, and a periodic search waits for the event being handled (and
the other way round), so two never watch the same folder twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from pathlib import Path

from watchfiles import Change

from eyelet_gui.sources.events import cancel_and_wait
from eyelet_gui.sources.eyelet.discovery import MAX_DEPTH, Search
from eyelet_gui.sources.eyelet.facts import DATABASE_FILE
from eyelet_gui.sources.eyelet.folder_events import FileChange, FolderEvents
from eyelet_gui.sources.sqlite.files import is_sqlite_file

MAX_WATCHED_FOLDERS = 2000
"""Folders watched at most (inotify allows 8,192 watches per user by default on older Linux kernels)."""
MAX_WATCHES = 4
"""Watches (threads) at most before they are merged into one."""

Found = Callable[[list[Path]], None]


def _read_changes(changes: set[FileChange]) -> tuple[list[Path], list[Path], list[Path]]:
    """(eyelet databases written, folders made, paths deleted) among `changes`. Blocking: run it in a thread."""
    databases, made, deleted = [], [], []
    for change, name in changes:
        path = Path(name)
        if change == Change.deleted:
            deleted.append(path)
        elif path.name == DATABASE_FILE and is_sqlite_file(path):
            databases.append(path.resolve())
        elif change == Change.added and path.is_dir() and not path.is_symlink():
            made.append(path)
    return databases, made, deleted


def _search(folders: Mapping[Path, int]) -> Search:
    search = Search(tuple(folders), root_depths=folders)
    search.run()
    return search


def _shallowest_first(depths: Mapping[Path, int], limit: int | None = None) -> dict[Path, int]:
    return dict(sorted(depths.items(), key=lambda item: -item[1])[:limit])


class FolderWatch:
    """Watches searched folders, and those made in them later, for eyelet databases; tells `found` of each."""

    def __init__(self, roots: tuple[Path, ...], found: Found) -> None:
        self.roots = roots
        self._tell = found
        self._known: set[Path] = set()
        """The databases told of: a commit to one (a `modified` event) says nothing new."""
        self.depths: dict[Path, int] = {}
        """Each watched folder, with the depth left below it."""
        self._events: list[FolderEvents] = []
        self._changes: asyncio.Queue[set[FileChange]] = asyncio.Queue()
        self._busy = asyncio.Lock()
        self._handler: asyncio.Task[None] | None = None

    @property
    def watches(self) -> int:
        """Watches running now (each one thread)."""
        return sum(events.alive for events in self._events)

    async def start(self, first: Search) -> None:
        """Watch what the first search read, then search again: what was made while it ran is found too."""
        self._handler = asyncio.create_task(self._handle(), name='folder watch')
        async with self._busy:
            await self._watch(_shallowest_first(first.depths, MAX_WATCHED_FOLDERS))
            await self._rescan()

    async def rescan(self) -> None:
        """Search every root again (the safety net for a change no watch told of: network filesystems, folders
        beyond the bound), with the watches merged into one first."""
        async with self._busy:
            await self._rescan()

    async def stop(self) -> None:
        await cancel_and_wait(self._handler)
        for events in self._events:
            events.stop()
        self._events.clear()

    async def _rescan(self) -> None:
        if len(self._events) > 1 or not all(events.alive for events in self._events):
            old, self._events = self._events, []
            wanted, self.depths = self.depths, {}
            await self._watch(wanted)
            for events in old:
                events.stop()  # what they held but had not told of yet, the search below finds
        search = await asyncio.to_thread(_search, dict.fromkeys(self.roots, MAX_DEPTH))
        self.found(search.found)
        unwatched = {folder: depth for folder, depth in search.depths.items() if folder not in self.depths}
        await self._grow(_shallowest_first(unwatched, max(0, MAX_WATCHED_FOLDERS - len(self.depths))))

    def found(self, databases: list[Path]) -> None:
        self._known.update(databases)
        self._tell(databases)

    async def _handle(self) -> None:
        while True:
            # eyelet commits many times a second to the databases in watched folders: each one is no news.
            changes = {(change, path) for change, path in await self._changes.get()
                       if change != Change.modified or Path(path) not in self._known}
            if not changes:
                continue
            async with self._busy:
                await self._changed(changes)
                if len(self._events) > MAX_WATCHES:
                    await self._rescan()

    async def _changed(self, changes: set[FileChange]) -> None:
        databases, made, deleted = await asyncio.to_thread(_read_changes, changes)
        self.found(databases)
        for path in deleted:
            if path in self.depths:  # a watched folder went: if it is made again, it needs a new watch
                for folder in [folder for folder in self.depths if folder == path or path in folder.parents]:
                    del self.depths[folder]
        # As deep as the first search would go, and no deeper.
        new = {folder: self.depths[folder.parent] - 1 for folder in made if self.depths.get(folder.parent, 0) > 0}
        for folder in new:
            self.depths.pop(folder, None)  # made again: its old watch followed the folder that went
        await self._grow(new)

    async def _grow(self, folders: dict[Path, int]) -> None:
        """Watch `folders` (new since the last search), then search them, and so on with the sub-folders found.

        Each is searched, watched or not (beyond the bound), so a project that appears whole is found at once."""
        searched: set[Path] = set()
        while folders:
            room = max(0, MAX_WATCHED_FOLDERS - len(self.depths))
            await self._watch(dict(list(folders.items())[:room]))
            search = await asyncio.to_thread(_search, folders)
            self.found(search.found)
            if not room:
                return
            searched.update(folders)
            folders = _shallowest_first({folder: depth for folder, depth in search.depths.items()
                                         if folder not in self.depths and folder not in searched})

    async def _watch(self, folders: dict[Path, int]) -> None:
        """Watch `folders`, and return once the watch is set: what is made in them from then on is heard."""
        if not folders:
            return
        events = await FolderEvents.start(list(folders), self._changes.put_nowait)
        if events is not None:
            self._events.append(events)
            self.depths.update({folder: folders[folder] for folder in events.folders})
