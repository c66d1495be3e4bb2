"""The app-level state: the catalog of databases and the newest records of each, started and stopped with the app."""

from __future__ import annotations

from eyelet_gui.settings import Settings
from eyelet_gui.state.catalog import Catalog, WatchedDatabase
from eyelet_gui.state.newest_records import NewestRecords


class Dashboard:
    """Everything the pages show, owned once per app (never per page or per tab)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.databases)
        self.records: dict[str, NewestRecords] = {}
        """The newest records of each watched database, by database id."""
        self.catalog.added.subscribe(self._track)
        if settings.demo:  # before the server answers, so that the first page already lists it
            self.catalog.start_demo()
        for database in self.catalog.databases:
            self._track(database)

    def _track(self, database: WatchedDatabase) -> None:
        if database.id not in self.records:
            self.records[database.id] = NewestRecords(database, self.settings.visible_rows)

    async def start(self) -> None:
        """Read every database once."""
        for records in self.records.values():
            await records.refresh()

    async def start_demo(self) -> None:
        """Start the demo on request (the first page offers it when no database was found)."""
        database = await self.catalog.start_demo_in_background()
        await self.records[database.id].refresh()

    def stop(self) -> None:
        self.catalog.stop()
