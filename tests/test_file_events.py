"""One file watch serves every database, and it follows a folder that is deleted and made again."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from eyelet_gui.sources.query import Query
from eyelet_gui.sources.sqlite.changes import FULL_CHECK_EVERY
from eyelet_gui.sources.sqlite.file_events import FileEvents
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.watcher import Watcher

from .conftest import make_database
from .test_engine import CLEARED, eventually, watching
from .writer import write

TABLE = 'PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, x); INSERT INTO t (x) VALUES (1);'


def file_watch_threads() -> int:
    """watchfiles waits for events in AnyIO worker threads, one per running watch."""
    return sum(thread.name == 'AnyIO worker thread' and thread.is_alive() for thread in threading.enumerate())


async def test_twenty_databases_share_one_file_watch(tmp_path: Path) -> None:
    paths = []
    for n in range(20):
        (tmp_path / str(n)).mkdir()
        paths.append(make_database(tmp_path / str(n) / 'data.db', TABLE))
    async with watching(paths[0]) as first:
        live = first.live.acquire(Query(relation='t'))
        await eventually(lambda: len(live.rows) == 1)
        assert file_watch_threads() == 1
        async with AsyncExitStack() as stack:
            watchers = [await stack.enter_async_context(watching(path)) for path in paths[1:]]
            views = [watcher.live.acquire(Query(relation='t')) for watcher in watchers]
            await eventually(lambda: all(len(view.rows) == 1 for view in views))
            assert file_watch_threads() <= 2  # 1, and the one before a remade watch may still be ending
            write(paths[7], 'INSERT INTO t (x) VALUES (2)')
            await eventually(lambda: len(views[6].rows) == 2)


async def test_a_folder_deleted_and_made_again_is_heard(tmp_path: Path) -> None:
    """With a 60 s poll only file events can tell of the deletion, and of the commit within the deadline."""
    folder = tmp_path / 'project'
    folder.mkdir()
    path = make_database(folder / 'data.db', TABLE)
    async with watching(path, poll_interval=60) as watcher:
        live = watcher.live.acquire(Query(relation='t'))
        await eventually(lambda: len(live.rows) == 1)
        shutil.rmtree(folder)
        await eventually(lambda: watcher.health.status == 'missing')  # the old watch heard its folder go
        folder.mkdir()  # often with the old folder's inode number
        make_database(path, TABLE.replace('VALUES (1)', 'VALUES (10)'))
        await eventually(lambda: values(live) == [10])  # the new file, found once the folder is watched again
        write(path, 'INSERT INTO t (x) VALUES (11)')
        await eventually(lambda: values(live) == [11, 10])


def values(live: LiveQuery) -> list[Any]:
    """The view's x values, newest first."""
    return [row[-1] for _, row in live.rows]


class Deaf(FileEvents):
    """A file system that reports no events, as network shares may: only the poll can tell of a commit."""

    async def _watch(self, folders: list[Path], stop: asyncio.Event) -> None:
        await stop.wait()


class Counted(FileEvents):
    """Real file events that count their watches: once `_watch` has begun, the inotify watches exist (`awatch`
    sets them before its first wait)."""

    watches = 0

    async def _watch(self, folders: list[Path], stop: asyncio.Event) -> None:
        self.watches += 1
        await super()._watch(folders, stop)


@asynccontextmanager
async def tellings(events: FileEvents, path: Path, poll_interval: float) -> AsyncIterator[list[float]]:
    """When `events` told of a change to `path`, for the block."""
    told: list[float] = []
    stop_listening = events.listen(path, lambda: told.append(time.monotonic()), poll_interval)
    try:
        yield told
    finally:
        stop_listening()


@asynccontextmanager
async def deaf_view(tmp_path: Path, poll_interval: float) -> AsyncIterator[tuple[Watcher, LiveQuery]]:
    """A watched view of a one-row table whose file system reports no events."""
    assert isinstance(Deaf.for_running_loop(), Deaf)
    async with watching(make_database(tmp_path / 'data.db', TABLE), poll_interval=poll_interval) as watcher:
        live = watcher.live.acquire(Query(relation='t'))
        await eventually(lambda: values(live) == [1])
        yield watcher, live


async def test_the_poll_tells_of_a_commit_no_event_told_of(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'data.db', TABLE + 'PRAGMA journal_mode = DELETE;')
    async with tellings(Deaf.for_running_loop(), path, poll_interval=0.1) as told:
        await asyncio.sleep(0.5)  # five polls of an unchanged file
        assert told == []
        write(path, 'INSERT INTO t (x) VALUES (2)')
        await eventually(lambda: told)  # at the next poll, or the one after: bench/faults.py
        await asyncio.sleep(0.5)
        assert len(told) == 1  # once per change


async def test_a_commit_no_event_told_of_is_shown(tmp_path: Path) -> None:
    async with deaf_view(tmp_path, poll_interval=0.2) as (watcher, live):
        write(watcher.database.path, 'INSERT INTO t (x) VALUES (2)')
        await eventually(lambda: values(live) == [2, 1], timeout=CLEARED)


async def test_the_poll_asks_sqlite_only_when_the_files_moved(tmp_path: Path) -> None:
    async with deaf_view(tmp_path, poll_interval=0.05) as (watcher, _):
        checks, started = watcher.detector.checks, time.monotonic()
        await asyncio.sleep(1.0)  # 20 polls of unchanged files
        checked = watcher.detector.checks - checks
        elapsed = time.monotonic() - started
    assert checked <= elapsed / (0.05 * FULL_CHECK_EVERY) + 1  # the full checks only


async def test_a_change_the_watch_told_of_is_not_told_again_by_the_poll(tmp_path: Path) -> None:
    """Each telling costs the listener a query. Ten commits 0.15 s apart, polled every 0.1 s: about ten tellings,
    not twenty (every change told by the watch, then the poll). The poll may still come first now and then, more
    often on a busy machine, and the watch tells all the same: on a file system with coarse times, a change the
    poll saw may hide a second one in the same tick, which only the watch's event reveals."""
    path = make_database(tmp_path / 'data.db', TABLE + 'PRAGMA journal_mode = DELETE;')
    events = Counted.for_running_loop()
    assert isinstance(events, Counted)
    async with tellings(events, path, poll_interval=0.1) as told:
        await eventually(lambda: events.watches == 1)  # the watch is up
        await asyncio.to_thread(write, path, 'INSERT INTO t (x) VALUES ({i})', repeat=10, pause=0.15)
        await eventually(lambda: len(told) >= 10)
        await asyncio.sleep(0.3)  # the polls after the last commit
        assert len(told) <= 17, told
