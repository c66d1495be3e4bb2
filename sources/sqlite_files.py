"""Recognising SQLite files and finding eyelet databases in folders, without opening them for writing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SQLITE_HEADER = b'SQLite format 3\x00'
EYELET_DB_NAME = 'eyelet.db'
MAX_SEARCH_DEPTH = 4
# Folders that never hold a project's eyelet log but can hold millions of files.
SKIPPED_FOLDERS = frozenset({'.git', '.hg', '.svn', 'node_modules', '.venv', 'venv', '__pycache__', '.tox', '.cache',
                             '.mypy_cache', '.ruff_cache', '.pytest_cache', 'site-packages', 'dist', 'build'})


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


def find_eyelet_databases(folder: Path, max_depth: int = MAX_SEARCH_DEPTH) -> list[Path]:
    """Every `eyelet.db` SQLite file at most `max_depth` folders below `folder`, sorted by path.

    Unreadable folders are skipped silently: a search must not fail because of one private folder.
    """
    return sorted(path for path in _walk(folder, max_depth) if path.name == EYELET_DB_NAME and is_sqlite_file(path))


def _walk(folder: Path, depth: int) -> Iterator[Path]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file():
                yield Path(entry.path)
            elif depth > 0 and entry.is_dir(follow_symlinks=False) and entry.name not in SKIPPED_FOLDERS:
                yield from _walk(Path(entry.path), depth - 1)
        except OSError:
            continue


def resolve_paths(paths: Iterable[Path]) -> tuple[Path, ...]:
    """Turn the command line's files and folders into the databases to watch, or raise PathProblem.

    A file must be a SQLite database; a folder must hold at least one eyelet database.
    Duplicates (the same file named twice, or found through two folders) are dropped.
    """
    found: dict[Path, None] = {}
    for given in paths:
        path = given.expanduser()
        if path.is_dir():
            databases = find_eyelet_databases(path)
            if not databases:
                raise PathProblem(f'{given} is a folder with no eyelet database ({EYELET_DB_NAME}) in it.')
            found.update(dict.fromkeys(database.resolve() for database in databases))
        else:
            check_sqlite_file(path)
            found[path.resolve()] = None
    return tuple(found)


def discover_default_databases(roots: Iterable[Path]) -> tuple[Path, ...]:
    """Eyelet databases in the default places; an empty tuple when there are none."""
    found: dict[Path, None] = {}
    for root in roots:
        found.update(dict.fromkeys(database.resolve() for database in find_eyelet_databases(root, max_depth=3)))
    return tuple(found)
