"""Discovery: search the roots once in the background, then keep watching them for new eyelet databases."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from nicegui import Event
from watchfiles import Change, awatch

from eyelet_gui.sources.discovery import Search
from eyelet_gui.sources.events import cancel_and_wait, wait_event
from eyelet_gui.sources.sqlite_files import EYELET_DB_NAME, is_sqlite_file
from eyelet_gui.state.catalog import Catalog

RESCAN_INTERVAL = 30.0
"""Seconds at least between searches for projects that started logging since the last one."""
MAX_WATCHED_FOLDERS = 2000
"""Searched folders watched for a new eyelet.db; beyond that, only the periodic search finds new ones."""
SHOWN_UNREADABLE = 3
"""Unreadable folders named in the sentence that says so; the rest are counted."""


def _is_eyelet_db(_: Change, path: str) -> bool:
    return Path(path).name == EYELET_DB_NAME


def _databases(changes: set[tuple[Change, str]]) -> list[Path]:
    return [Path(path).resolve() for _, path in changes if is_sqlite_file(Path(path))]


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
        watcher = asyncio.create_task(self._watch(self.search.visited[:MAX_WATCHED_FOLDERS]))
        try:
            # New projects create new folders, which no watch covers yet: search again now and then, less often
            # when a search is slow, so that searching never costs more than about 1 % of a core.
            interval = max(self.rescan_interval, 100 * self.search.seconds)
            while not self._stop.is_set():
                await wait_event(self._stop, interval)
                self._add(await asyncio.to_thread(Search(self.roots).run))
        finally:
            await cancel_and_wait(watcher)

    async def _watch(self, folders: list[Path]) -> None:
        """Catch an eyelet.db written in a folder already searched at once (not recursive: cheap and bounded)."""
        if not folders:
            return
        with contextlib.suppress(OSError, RuntimeError):  # e.g. the system's limit of watched folders
            async for changes in awatch(*folders, watch_filter=_is_eyelet_db, stop_event=self._stop,
                                        recursive=False, ignore_permission_denied=True):
                self._add(await asyncio.to_thread(_databases, changes))

    def _add(self, paths: list[Path]) -> None:
        for path in paths:
            self.catalog.add(path)
