"""The watched databases, each with a short stable id used in URLs instead of its path."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nicegui import Event, run

from eyelet_gui.demo.database import DemoDatabase
from eyelet_gui.sources.engine import DatabaseEngine
from eyelet_gui.sources.eyelet.discovery import GLOBAL_LOG_FOLDERS
from eyelet_gui.sources.eyelet.facts import PROJECT_FOLDER
from eyelet_gui.sources.postgres.connection import postgres_label, shown_url
from eyelet_gui.sources.postgres.engine import PostgresEngine
from eyelet_gui.sources.sqlite.engine import SqliteEngine

GLOBAL_PLACES = tuple(Path(place) for place in GLOBAL_LOG_FOLDERS)


@dataclass(frozen=True, slots=True)
class WatchedDatabase:
    id: str
    """Stable for a path across restarts, so URLs can be shared; never reveals the path itself."""
    path: Path
    label: str
    """What a person calls it: the project's name for eyelet's per-project logs, else the file's name."""
    engine: DatabaseEngine
    """Its reader, change detector and SQL dialect: chosen once, here, so nothing above `sources/` asks which."""

    @property
    def place(self) -> str:
        """Where it is, as it may be shown: the file's path, or the address without its password."""
        return self.engine.place


def sqlite_database(path: Path) -> WatchedDatabase:
    """The SQLite file at `path` as a watched database."""
    return WatchedDatabase(id=database_id(path), path=path, label=database_label(path), engine=SqliteEngine(path))


def postgres_database(url: str) -> WatchedDatabase:
    """The PostgreSQL database at `url` as a watched database. Not a file: `path` only keeps the type whole."""
    shown = shown_url(url)
    return WatchedDatabase(id=database_id(shown), path=Path(shown), label=postgres_label(url),
                           engine=PostgresEngine(url))


def database_id(path: Path | str) -> str:
    return hashlib.sha256(str(path).encode()).hexdigest()[:10]


def database_label(path: Path) -> str:
    if path.parent.name == PROJECT_FOLDER:
        return path.parent.parent.name or path.name
    for place in GLOBAL_PLACES:
        if path.parent.parts[-len(place.parts):] == place.parts:
            return f'global (~/{place})'
    return path.name


class Catalog:
    """Which databases are watched; the demo database joins when the demo starts."""

    def __init__(self, paths: Iterable[Path] = (), urls: Iterable[str] = ()) -> None:
        self.databases: list[WatchedDatabase] = []
        """In the order they were added; each path once."""
        self.added: Event[WatchedDatabase] = Event()
        """Fired with each database added after start-up."""
        self._demo = DemoDatabase()
        for path in paths:
            self.add(path)
        for url in urls:
            self.add_postgres(url)

    def add(self, path: Path) -> WatchedDatabase:
        """Watch `path` (once) and return its entry."""
        return self._watch(sqlite_database(path))

    def add_postgres(self, url: str) -> WatchedDatabase:
        """Watch the PostgreSQL database at `url` (once) and return its entry."""
        return self._watch(postgres_database(url))

    def _watch(self, database: WatchedDatabase) -> WatchedDatabase:
        found = self.find(database.id)
        if found is not None:
            return found
        self.databases.append(database)
        self.added.emit(database)
        return database

    def find(self, database_id_: str) -> WatchedDatabase | None:
        return next((database for database in self.databases if database.id == database_id_), None)

    @property
    def demo_running(self) -> bool:
        return self._demo.process is not None

    def start_demo(self) -> WatchedDatabase:
        """Create the demo database, start its writer process and watch it (blocks for under a second)."""
        if not self.demo_running:
            self._demo.start()
        return self.add(self._demo.path)

    async def start_demo_in_background(self) -> WatchedDatabase:
        """`start_demo` off the event loop, for a request from a page."""
        if not self.demo_running:
            await run.io_bound(self._demo.start)
        return self.start_demo()

    async def stop(self) -> None:
        """Stop what the catalog started (the demo writer) and delete its temporary files, off the event loop: the
        writer is given seconds to end, and a big folder takes a while to delete. Not `run.io_bound`, which does
        nothing once the app is stopping."""
        await asyncio.to_thread(self._demo.stop)
