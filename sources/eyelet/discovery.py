"""Finding eyelet databases in folders: a walk bounded in depth and time that reports its progress.

eyelet writes `<project>/.eyelet-logging/eyelet.db` per project and may keep `~/.eyelet/eyelet.db`; both are
files named `eyelet.db`, so the walk looks for that name (and checks the SQLite header) instead of opening
every `.db` it meets.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from eyelet_gui.sources.eyelet.facts import DATABASE_FILE, PROJECT_FOLDER
from eyelet_gui.sources.sqlite.files import PathProblem, check_sqlite_file, is_sqlite_file

MAX_DEPTH = 4
TIME_LIMIT = 10.0
"""Seconds one search may take before it stops where it is (a home folder can hold millions of files)."""
# Folders that never hold a project's eyelet log but can hold millions of files. Hidden folders are skipped
# too, except those where eyelet writes.
SKIPPED_FOLDERS = frozenset({'node_modules', 'venv', '__pycache__', 'site-packages', 'dist', 'build', 'Library'})
KERNEL_FOLDERS = frozenset({Path('/proc'), Path('/sys'), Path('/dev')})
"""The kernel's views of processes and devices, not files: a search from `/` (eyelet-gui started there, in a
service or a container) must not read every process's private folders."""
EYELET_FOLDERS = frozenset({PROJECT_FOLDER, '.eyelet', '.claude'})
GLOBAL_LOG_FOLDERS = ('.eyelet', '.claude/eyelet-logging', '.local/share/eyelet')
"""Below the home folder, the folders of eyelet's global `eyelet.db` (see default_roots)."""
GLOBAL_FOLDERS = ('.eyelet', '.claude', '.local/share/eyelet')
"""Below the home folder, the roots searched for them (`.claude` whole: a global log made later is heard)."""
CODE_FOLDERS = ('code', 'src', 'projects', 'dev', 'work', 'git', 'repos', 'Documents/GitHub')


def default_roots(home: Path, cwd: Path) -> tuple[Path, ...]:
    """Where eyelet keeps logs when no PATH is given: its global places, this folder, code folders.

    eyelet's global places: `~/.eyelet/eyelet.db` (0.3.5's legacy `executions` table; in 0.4.0 the one database of
    every project, with its recall tables), `~/.claude/eyelet-logging/eyelet.db` (0.3.5's global scope) and
    `~/.local/share/eyelet/eyelet.db` (0.4.0's `executions` on Linux, XDG_DATA_HOME).
    A folder whose parent cannot be entered (an unreadable home) stays in: the search then says it could not
    read it, instead of passing over it in silence.
    """
    candidates = [*(home / place for place in GLOBAL_FOLDERS), cwd, *(home / name for name in CODE_FOLDERS)]
    return tuple(dict.fromkeys(path for path in candidates if _may_be_folder(path)))


def _may_be_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # Path.is_dir() raises PermissionError when a parent folder cannot be entered
        return True


@dataclass
class Search:
    """One walk over some folders; its counters may be read from another thread while it runs."""

    roots: tuple[Path, ...]
    max_depth: int = MAX_DEPTH
    time_limit: float = TIME_LIMIT
    folders: int = 0
    """Folders read so far."""
    current: Path | None = None
    """The folder being read now."""
    found: list[Path] = field(default_factory=list)
    visited: list[Path] = field(default_factory=list)
    """Every folder read, in order: what discovery watches afterwards."""
    depths: dict[Path, int] = field(default_factory=dict)
    """The depth left below each folder read: how deep a folder made in it later is searched."""
    root_depths: Mapping[Path, int] = field(default_factory=dict)
    """A depth per root, for roots that are not searched to `max_depth` (a new folder below a searched one)."""
    unreadable: list[Path] = field(default_factory=list)
    """Folders that refused to be read (permission denied), each once, in order: their databases are not found."""
    complete: bool = True
    """False when the time limit cut the walk short."""
    seconds: float = 0.0
    """How long the walk took."""

    def run(self) -> list[Path]:
        """Walk every root; return the eyelet databases found, resolved, sorted, each once."""
        started = time.monotonic()
        for root in self.roots:
            self._walk(root, self.root_depths.get(root, self.max_depth), started + self.time_limit)
        self.current = None
        self.seconds = time.monotonic() - started
        self.found = sorted(dict.fromkeys(self.found))
        return self.found

    def _walk(self, folder: Path, depth: int, deadline: float) -> None:
        if time.monotonic() > deadline:
            self.complete = False
            return
        self.current = folder
        self.folders += 1
        self.visited.append(folder)
        self.depths[folder] = depth
        try:
            entries = list(os.scandir(folder))
        except PermissionError:
            blocked = _blocking_folder(folder)  # skipped, and said: one private folder must not fail a search
            if blocked not in self.unreadable:
                self.unreadable.append(blocked)
            return
        except OSError:
            return  # gone since it was listed, or not a folder: nothing to say
        for entry in entries:
            try:
                if entry.name == DATABASE_FILE and entry.is_file() and is_sqlite_file(Path(entry.path)):
                    self.found.append(Path(entry.path).resolve())
                elif (depth > 0 and entry.is_dir(follow_symlinks=False) and worth_entering(entry.name)
                      and Path(entry.path) not in KERNEL_FOLDERS):
                    self._walk(Path(entry.path), depth - 1, deadline)
            except OSError:
                continue


def _blocking_folder(folder: Path) -> Path:
    """The folder that refused: `folder`, or the outer folder that does not let anyone reach it (an unreadable
    home, named once instead of each default place inside it)."""
    while folder.parent != folder:
        try:
            folder.stat()
            return folder
        except PermissionError:  # a folder on the way cannot be entered
            folder = folder.parent
        except OSError:
            return folder
    return folder


def worth_entering(name: str) -> bool:
    return name in EYELET_FOLDERS or not (name.startswith('.') or name in SKIPPED_FOLDERS)


def find_eyelet_databases(folders: Iterable[Path]) -> list[Path]:
    """The eyelet databases below `folders` (bounded like every search)."""
    return Search(tuple(folders)).run()


def resolve_paths(paths: Iterable[Path]) -> tuple[Path, ...]:
    """Turn the command line's files and folders into the databases to watch, or raise PathProblem.

    A file must be a SQLite database; a folder must hold at least one eyelet database.
    Duplicates (the same file named twice, or found through two folders) are dropped.
    """
    found: dict[Path, None] = {}
    for given in paths:
        path = given.expanduser()
        if path.is_dir():
            databases = find_eyelet_databases([path])
            if not databases:
                raise PathProblem(f'{given} is a folder with no eyelet database ({DATABASE_FILE}) in it.')
            found.update(dict.fromkeys(databases))
        else:
            check_sqlite_file(path)
            found[path.resolve()] = None
    return tuple(found)

