"""Recognising SQLite files by their header, without opening them as databases.

A file this process reads through SQLite is never opened here. Closing any descriptor of a file drops every
POSIX lock the process holds on it (SQLite's "How To Corrupt An SQLite Database File", 2.2), the shared lock
of its open connections included: the next writer then takes the file as no longer read, checkpoints and deletes
the `-wal` and `-shm` under them, and they go on reading a snapshot that no commit moves again. Opening the
header of each `eyelet.db` a folder watch heard being written did exactly that.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from eyelet_gui.sources.sqlite.file_facts import Identity, file_identity

SQLITE_HEADER = b'SQLite format 3\x00'

_read_by_sqlite: Counter[Identity] = Counter()
"""Files this process has connections open on, by (device, inode), with how many."""


def reading(identity: Identity) -> None:
    """A connection is about to open the file: from now on it is known to be a database, and not opened here."""
    _read_by_sqlite[identity] += 1


def done_reading(identity: Identity) -> None:
    """A connection to the file closed (or failed to open)."""
    _read_by_sqlite[identity] -= 1
    if _read_by_sqlite[identity] <= 0:
        del _read_by_sqlite[identity]


class PathProblem(Exception):
    """A path given by the user that cannot be watched; the message is a sentence for a person."""


def check_sqlite_file(path: Path) -> None:
    """Raise PathProblem unless `path` is a readable file that starts with SQLite's header."""
    if file_identity(path) in _read_by_sqlite:
        return  # SQLite reads it, so it is one: opening it here would drop SQLite's locks (see above)
    try:
        with path.open('rb') as file:
            header = file.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise PathProblem(f'{path} does not exist.') from None
    except PermissionError:
        raise PathProblem(f'{path} cannot be read: permission denied.') from None
    except OSError as error:
        raise PathProblem(f'{path} cannot be read: {error.strerror or error}.') from None
    if header != SQLITE_HEADER:
        what = 'is empty' if not header else 'is not a SQLite database (or it is encrypted)'
        raise PathProblem(f'{path} {what}.')


def is_sqlite_file(path: Path) -> bool:
    """Whether `path` is a readable SQLite database file."""
    try:
        check_sqlite_file(path)
    except PathProblem:
        return False
    return True
