"""Recognising SQLite files by their header, without opening them as databases."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b'SQLite format 3\x00'
EYELET_DB_NAME = 'eyelet.db'


class PathProblem(Exception):
    """A path given by the user that cannot be watched; the message is a sentence for a person."""


def check_sqlite_file(path: Path) -> None:
    """Raise PathProblem unless `path` is a readable file that starts with SQLite's header."""
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
