"""People's own SQL on the watched databases: the SQL page and `/api/v1/db/{id}/sql`.

Each database gets a Reader of its own for this, made at the first statement: a slow statement never holds a
connection the live views read through, and its time limit is the SQL one (`--sql-time-limit`), not the views'.
"""

from __future__ import annotations

import functools

from eyelet_gui.sources.engine import Unsupported
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.sources.sqlite.sandbox import SqlProblem, SqlResult, run
from eyelet_gui.state.catalog import WatchedDatabase

CONNECTIONS = 2
"""Statements of one database that run at once; a third waits for one of them."""


class SqlQueries:
    """Runs statements in the sandbox (sources/sqlite/sandbox.py), each within `time_limit` seconds."""

    def __init__(self, *, time_limit: float, show_secrets: bool) -> None:
        self.time_limit = time_limit
        self._show_secrets = show_secrets
        self._readers: dict[str, Reader] = {}

    async def run(self, database: WatchedDatabase, sql: str) -> SqlResult:
        """The statement's columns and first rows; SqlProblem in one sentence when it cannot run or ran too long,
        DatabaseProblem when the file cannot be read."""
        reader = self._readers.get(database.id)
        if reader is None:
            try:
                reader = database.engine.sql_reader(time_limit=self.time_limit, connections=CONNECTIONS,
                                                    show_secrets=self._show_secrets)
            except Unsupported as refusal:
                raise SqlProblem(str(refusal)) from None
            self._readers[database.id] = reader
        try:
            return await reader.read(functools.partial(run, sql=sql))
        except DatabaseProblem as problem:
            if problem.kind == 'too slow':
                raise SqlProblem(f'The statement ran longer than the {self.time_limit:g} s time limit and was '
                                 'stopped: narrow it (a WHERE on an indexed column, a LIMIT), or start eyelet-gui '
                                 'with a longer --sql-time-limit.') from None
            raise

    async def close(self) -> None:
        readers, self._readers = self._readers, {}
        for reader in readers.values():
            await reader.close()
