"""Reads of a PostgreSQL database for the live views: what `Reader` is for an SQLite file.

Every session is read-only (`default_transaction_read_only`) with a `statement_timeout`, so a view can neither
write nor keep a slow statement running; a role with nothing but SELECT is enough, and nothing is installed in
the database. The statements are the ones the SQLite views use, built in PostgreSQL's dialect (sources/query.py),
with their `?` placeholders turned into psycopg's.

Values leave redacted, as from SQLite. PostgreSQL cannot call the Python `visible()` that SQLite's searches and
filters match on, so such a statement matches the stored text in SQL and the rows it finds are checked here, on
their redacted text, before they count: no search finds a row by a secret the browser is not shown.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import decimal
import json
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

from eyelet_gui.sources.events import time_limit
from eyelet_gui.sources.postgres.connection import PostgresProblem, connect, explain, shown_url
from eyelet_gui.sources.postgres.schema import RELATIONS, relations_from_rows
from eyelet_gui.sources.query import Shown, Statement
from eyelet_gui.sources.redaction import Redactor, is_secret_name
from eyelet_gui.sources.schema import Relation
from eyelet_gui.sources.sqlite.reader import DEFAULT_CONNECTIONS, Result
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem

if TYPE_CHECKING:
    import psycopg

APPLICATION_NAME = 'eyelet-gui'
ANSWER_GRACE = 10.0
"""Seconds past its time limit a read waits for PostgreSQL's answer: a server that stopped answering (stopped, or
cut off without a word, which TCP may take hours to notice) is then said to be, not watched in silence."""
BATCH_ROWS = 500
"""Rows fetched at a time when a search's rows are checked here."""
_PLACEHOLDER = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'|\?')


def psycopg_sql(sql: str) -> str:
    """SQL with `?` placeholders in psycopg's style: `%s` for each `?` outside quotes, and every `%` doubled
    (psycopg reads `%` everywhere, in a quoted name too)."""
    return _PLACEHOLDER.sub(lambda match: '%s' if match.group() == '?' else match.group(),
                            sql.replace('%', '%%'))


def plain(value: Any) -> Any:
    """A value as SQLite would hold it, which every view, export and the JSON API know how to show: numbers, text
    and bytes as they are; JSON and arrays as JSON text; dates, times, UUIDs, network addresses as text."""
    if value is None or isinstance(value, (int, float, str, bytes)):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value) if value.is_finite() else str(value)
    if isinstance(value, (memoryview, bytearray)):
        return bytes(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, default=str, ensure_ascii=False)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


class PostgresReader:
    """Short read-only reads of one PostgreSQL database on a few connections, each within `time_limit` seconds.

    `generation` changes when the connections are opened anew after one was lost."""

    def __init__(self, url: str, *, time_limit: float | None = None, connections: int = DEFAULT_CONNECTIONS,
                 show_secrets: bool = False) -> None:
        self.url = url
        self.where = shown_url(url)
        self.show_secrets = show_secrets
        self._redactor = None if show_secrets else Redactor()
        self.time_limit = time_limit
        self.generation = 0
        self._free = asyncio.Semaphore(connections)
        self._idle: list[tuple[int, psycopg.AsyncConnection[Any]]] = []
        self._closed = False

    async def fetch(self, statement: Statement) -> Result:
        """Run one SELECT and return every row, redacted; DatabaseProblem in words on failure."""
        async with self._connection() as connection, self._answered():
            if statement.shown:
                result = await self._checked(connection, statement)
            else:
                cursor = await connection.execute(psycopg_sql(statement.sql), statement.parameters)
                columns = tuple(column.name for column in cursor.description or ())
                result = Result(columns, [tuple(map(plain, row)) for row in await cursor.fetchall()])
        return result if statement.counting else await self._redacted(result)

    async def value(self, statement: Statement) -> Any:
        """The first column of the first row of a query that returns exactly one."""
        return (await self.fetch(statement)).rows[0][0]

    async def relations(self) -> tuple[Relation, ...]:
        """The tables and views of the current schema that the role may read."""
        async with self._connection() as connection, self._answered():
            cursor = await connection.execute(psycopg_sql(RELATIONS.sql))
            return relations_from_rows(await cursor.fetchall())

    async def close(self) -> None:
        """Close every connection; a later read raises."""
        self._closed = True
        idle, self._idle = self._idle, []
        for _, connection in idle:
            await _close(connection)

    async def pages(self, statement: Statement, rows: int) -> AsyncIterator[Result]:
        """Every row of `statement` that passes its `Shown` conditions, redacted, about `rows` at a time (at least
        one page, for the column names): one cursor, so one snapshot, however long it takes to read them all. (On
        SQLite an export reads in short reads, to let the writer's checkpoint through; PostgreSQL's readers hold no
        writer back.)"""
        async with self._connection() as connection, contextlib.aclosing(
                self._passing(connection, statement, rows)) as passing:
            async for page in passing:
                yield await self._redacted(page)

    async def _checked(self, connection: psycopg.AsyncConnection[Any], statement: Statement) -> Result:
        """The rows of `statement` that pass its `Shown` conditions on their visible text: their number when it is
        counting, else its window of them, read within the time limit."""
        deadline = None if self.time_limit is None else time.monotonic() + self.time_limit
        kept: list[tuple[Any, ...]] = []
        passed = 0
        wanted = None if statement.counting or statement.limit is None else statement.offset + statement.limit
        async with contextlib.aclosing(self._passing(connection, statement, BATCH_ROWS)) as passing:
            async for page in passing:
                for values in page.rows:
                    passed += 1
                    if not statement.counting and passed > statement.offset:
                        kept.append(values)
                    if wanted is not None and passed >= wanted:
                        return Result(page.columns, kept)
                if deadline is not None and time.monotonic() > deadline:
                    raise self._too_slow()
        return Result(('count',), [(passed,)]) if statement.counting else Result(page.columns, kept)

    async def _passing(self, connection: psycopg.AsyncConnection[Any], statement: Statement,
                       batch: int) -> AsyncGenerator[Result, None]:
        """The rows of `statement` that pass its `Shown` conditions, as stored, `batch` read at a time through a
        server-side cursor, in a transaction of their own (read-only, as every one here); at least one page."""
        async with connection.transaction(), connection.cursor(name='eyelet_gui_rows') as cursor:
            await cursor.execute(psycopg_sql(statement.sql), statement.parameters)
            columns = tuple(column.name for column in cursor.description or ())
            passes = self._test(columns, statement.shown)
            first = True
            while (rows := await cursor.fetchmany(batch)) or first:
                first = False
                # Off the event loop: checking a search's rows redacts each of them, a whole table's worth at worst.
                yield Result(columns, await asyncio.to_thread(_passed, rows, passes))
                if len(rows) < batch:
                    return

    async def _redacted(self, result: Result) -> Result:
        if self._redactor is None:
            return result
        return Result(result.columns, await asyncio.to_thread(self._redactor.rows, result.columns, result.rows))

    def _test(self, columns: tuple[str, ...], conditions: Sequence[Shown]) -> Callable[[tuple[Any, ...]], bool]:
        """Whether a row's values pass every condition, as the browser sees them."""
        position = {name: index for index, name in enumerate(columns) if not name.startswith('__')}
        redactor = self._redactor

        def shown(value: Any, name: str) -> Any:
            return value if redactor is None else redactor.value(value, is_secret_name(name))

        def holds(condition: Shown, values: tuple[Any, ...]) -> bool:
            for name in condition.columns:
                stored = values[position[name]]
                if stored is None:
                    continue
                if condition.test == 'as stored':
                    return bool(shown(stored, name) == stored)
                text = str(shown(stored, name)).casefold()
                wanted = condition.text.casefold()
                if text.startswith(wanted) if condition.test == 'starts with' else wanted in text:
                    return True
            return False

        return lambda values: all(holds(condition, values) for condition in conditions)  # none: every row passes

    @contextlib.asynccontextmanager
    async def _answered(self) -> AsyncIterator[None]:
        """The block, given up when PostgreSQL has not answered ANSWER_GRACE seconds past the time limit."""
        waited = (self.time_limit or 0.0) + ANSWER_GRACE
        try:
            async with time_limit(waited):
                yield
        except TimeoutError:
            raise DatabaseProblem(f'PostgreSQL at {self.where} has not answered for {waited:g} s: what is shown may '
                                  'be out of date. Trying again.', 'unreachable') from None

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        """A connection of the pool for one read; one that failed is closed, and with it those opened before."""
        import psycopg

        if self._closed:
            raise DatabaseProblem(f'{self.where} is no longer read: eyelet-gui is stopping.', 'closed')
        async with self._free:
            while self._idle and self._idle[-1][0] != self.generation:
                await _close(self._idle.pop()[1])
            generation, connection = self._idle.pop() if self._idle else (self.generation, await self._open())
            try:
                yield connection
            except psycopg.errors.QueryCanceled:
                self._idle.append((generation, connection))
                raise self._too_slow() from None
            except psycopg.OperationalError as error:
                await self._retire(generation, connection)
                raise DatabaseProblem(str(explain(error, self.url)), 'unreachable') from None
            except psycopg.Error as error:
                await self._keep_if_usable(generation, connection)
                raise DatabaseProblem(str(explain(error, self.url)), 'unreadable') from None
            except BaseException:  # cancelled: psycopg cancelled the statement on the server
                await self._keep_if_usable(generation, connection)
                raise
            else:
                self._idle.append((generation, connection))

    async def _open(self) -> psycopg.AsyncConnection[Any]:
        from psycopg.types.string import TextLoader

        milliseconds = 0 if self.time_limit is None else max(1, round(self.time_limit * 1000))
        try:
            connection = await connect(self.url, application_name=APPLICATION_NAME,
                                       options=f'-c default_transaction_read_only=on '
                                               f'-c statement_timeout={milliseconds}')
        except PostgresProblem as problem:
            raise DatabaseProblem(str(problem), 'unreachable' if not problem.lasting else 'unreadable') from None
        for json_type in ('json', 'jsonb'):  # as the text it is: views show JSON text, as SQLite keeps it
            connection.adapters.register_loader(json_type, TextLoader)
        return connection

    async def _keep_if_usable(self, generation: int, connection: psycopg.AsyncConnection[Any]) -> None:
        from psycopg.pq import TransactionStatus

        if not connection.closed and connection.info.transaction_status == TransactionStatus.IDLE:
            self._idle.append((generation, connection))
        else:
            await self._retire(generation, connection)

    async def _retire(self, generation: int, connection: psycopg.AsyncConnection[Any]) -> None:
        """A connection was lost: it is closed, and so are the others of its generation (the server restarted)."""
        await _close(connection)
        if generation == self.generation:
            self.generation += 1
            stale, self._idle = self._idle, []
            for _, other in stale:
                await _close(other)

    def _too_slow(self) -> DatabaseProblem:
        return DatabaseProblem(f'Reading {self.where} took longer than {self.time_limit:g} s and was stopped: add an '
                               'index for the sort, or narrow the filter.', 'too slow')


def _passed(rows: list[tuple[Any, ...]], passes: Callable[[tuple[Any, ...]], bool]) -> list[tuple[Any, ...]]:
    """The plain values of the rows that pass (blocking: run it in a worker thread)."""
    return [values for values in (tuple(map(plain, row)) for row in rows) if passes(values)]


async def _close(connection: psycopg.AsyncConnection[Any]) -> None:
    with contextlib.suppress(Exception):
        await connection.close()
