"""The newest records of one watched database, kept by an app-level object that pages subscribe to."""

from __future__ import annotations

from nicegui import Event

from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.sources.rows import Rows, read_newest
from eyelet_gui.state.catalog import WatchedDatabase


class NewestRecords:
    """Newest rows of a database's main table as last read; `refresh()` re-reads and fires `changed`."""

    def __init__(self, database: WatchedDatabase, limit: int) -> None:
        self.database = database
        self.limit = limit
        self.rows = Rows(relation=None, columns=(), rows=())
        """The rows as last read, newest first."""
        self.problem: str | None = None
        """Why the last read failed, in words; None when it succeeded."""
        self.changed: Event[[]] = Event()
        """Fired after every refresh, successful or not."""

    @property
    def summary(self) -> str:
        """One line for the connection list: which table is shown and how many of its rows."""
        relation = self.rows.relation
        if relation is None:
            return 'no tables yet'
        count = len(self.rows.rows)
        return f'{relation.name}: newest {count:,} row{"" if count == 1 else "s"}'

    async def refresh(self) -> None:
        try:
            self.rows = await read_newest(self.database.path, self.limit)
            self.problem = None
        except DatabaseProblem as problem:
            self.problem = str(problem)
        self.changed.emit()
