"""Discovery: search the roots once in the background, then watch them, and every folder made in them, for new
eyelet databases, and search them again now and then as a safety net."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nicegui import Event

from eyelet_gui.sources.events import cancel_and_wait, wait_event
from eyelet_gui.sources.eyelet.discovery import Search
from eyelet_gui.sources.eyelet.folder_watch import FolderWatch
from eyelet_gui.state.catalog import Catalog

RESCAN_INTERVAL = 30.0
"""Seconds at least between searches of every root: the safety net behind the folder watches, which find a new
project at once (see sources/eyelet/folder_watch.py)."""
SHOWN_UNREADABLE = 3
"""Unreadable folders named in the sentence that says so; the rest are counted."""


class Discovery:
    """Finds eyelet databases below `roots` and adds them to the catalog as they appear."""

    def __init__(self, roots: tuple[Path, ...], catalog: Catalog, rescan_interval: float = RESCAN_INTERVAL) -> None:
        self.roots = roots
        self.rescan_interval = rescan_interval
        self.catalog = catalog
        self.search = Search(roots)
        """The first search; its counters show the progress while it runs."""
        self.searching = bool(roots)
        self.finished: Event[[]] = Event()
        """Fired when the first search is done."""
        self.folders: FolderWatch | None = None
        """The watches on the searched folders, once the first search is done."""
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def problem(self) -> str | None:
        """What the first search could not read, in one sentence (for `/` and the terminal), or None."""
        unreadable = self.search.unreadable
        if self.searching or not unreadable:
            return None
        named = ', '.join(str(folder) for folder in unreadable[:SHOWN_UNREADABLE])
        more = len(unreadable) - SHOWN_UNREADABLE
        if more > 0:
            named += f' and {more:,} more'
        return (f'Could not look inside {named} (permission denied): eyelet databases there are not shown; '
                'start eyelet-gui with the path of a folder or database it may read.')

    def start(self) -> None:
        if self.roots:
            self._task = asyncio.create_task(self._run(), name='discovery')

    async def stop(self) -> None:
        self._stop.set()
        await cancel_and_wait(self._task)

    async def _run(self) -> None:
        self._add(await asyncio.to_thread(self.search.run))
        self.searching = False
        self.finished.emit()
        if not self.search.complete:
            return  # too large to search within the time limit: too large to search again and again
        self.folders = FolderWatch(self.roots, self._add)
        try:
            await self.folders.start(self.search)
            # Searching again is the safety net for what no watch told of: less often when a search is slow, so
            # that searching never costs more than about 1 % of a core.
            interval = max(self.rescan_interval, 100 * self.search.seconds)
            while not await wait_event(self._stop, interval):
                await self.folders.rescan()
        finally:
            await self.folders.stop()

    def _add(self, paths: list[Path]) -> None:
        for path in paths:
            self.catalog.add(path)
