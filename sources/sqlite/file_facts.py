"""What the file system says of a database's files, read in batches off the event loop.

A `stat` is fast on a local disk but can block for seconds on a network filesystem, which eyelet-gui
supports: every `stat` here is made in a worker thread, all the files a caller needs in one trip.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

FileState = tuple[int, int, int]
"""(inode, size, modification time in ns) of one file."""
Identity = tuple[int, int]
"""(device, inode) of one file: a new identity means the file was replaced."""


@dataclass(frozen=True, slots=True)
class FileFacts:
    """What the file system says of the database file, its `-wal` and its `-journal` (None: absent).

    A commit changes the database file or its WAL, so equal facts mean, very nearly, no commit (see
    change_detector.py, which asks SQLite all the same every few polls)."""

    database: FileState | None
    wal: FileState | None
    journal: FileState | None

    @property
    def size(self) -> int | None:
        return self.database[1] if self.database else None

    @property
    def wal_size(self) -> int | None:
        return self.wal[1] if self.wal else None

    @property
    def modified_at(self) -> float | None:
        """When the database or its WAL was last written (time.time() scale)."""
        times = [state[2] for state in (self.database, self.wal) if state is not None]
        return max(times) / 1e9 if times else None


NO_FACTS = FileFacts(None, None, None)
"""Before the first look."""


def file_identity(path: Path) -> Identity | None:
    """(device, inode) of `path`, or None when it is missing. Blocking: call it in a worker thread."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def file_state(path: Path) -> FileState | None:
    """(inode, size, time) of `path`, or None when it is missing. Blocking: call it in a worker thread."""
    try:
        facts = os.stat(path)
    except OSError:
        return None
    return facts.st_ino, facts.st_size, facts.st_mtime_ns


async def file_states(paths: Iterable[Path]) -> dict[Path, FileState | None]:
    """The state of each of `paths`, all looked at in one worker thread."""
    listed = list(paths)  # taken here, in the event loop: the caller's collections may change meanwhile
    return await asyncio.to_thread(lambda: {path: file_state(path) for path in listed})


async def file_facts(path: Path) -> FileFacts:
    """The facts of the database at `path`, its `-wal` and `-journal`, in one worker thread."""
    wal, journal = Path(f'{path}-wal'), Path(f'{path}-journal')
    states = await file_states((path, wal, journal))
    return FileFacts(states[path], states[wal], states[journal])


async def folder_identities(folders: Iterable[Path]) -> dict[Path, int]:
    """The inode of each folder that exists (a replaced folder has another), in one worker thread."""
    listed = list(folders)

    def look() -> dict[Path, int]:
        found = {}
        for folder in listed:
            try:
                found[folder] = os.stat(folder).st_ino
            except OSError:
                continue
        return found

    return await asyncio.to_thread(look)
