"""`eyelet_hooks` in PostgreSQL: every machine's eyelet records in one table, each exactly once.

A record is known by (machine, source database, id): appending it again does nothing. How far each source has
been forwarded (its high-water mark, `eyelet_forwarded`) is written in the same transaction as its records, so a
forwarder killed at any moment restarts where the last committed batch ended: nothing lost, nothing twice.
`seq` numbers records in the order they arrived, across machines, for readers that follow the table's tail.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

import psycopg  # the `postgres` extra: only `eyelet-gui forward` imports this module, once it has checked
from psycopg.types.json import Jsonb

from eyelet_gui.sources.eyelet.facts import TEAM_TABLE
from eyelet_gui.sources.postgres.connection import PostgresProblem, connect, explain

TABLE = TEAM_TABLE
MARKS = 'eyelet_forwarded'
COLUMNS = ('id', 'timestamp', 'timestamp_iso', 'session_id', 'hook_type', 'tool_name', 'status', 'duration_ms',
           'hostname', 'ip_address', 'project_dir', 'data', 'error_code', 'git_branch')
"""eyelet's `hooks` columns, as the forwarder reads and appends them."""
SCHEMA = f'''
CREATE TABLE IF NOT EXISTS {TABLE} (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    machine text NOT NULL,
    source text NOT NULL,
    id bigint NOT NULL,
    timestamp double precision NOT NULL,
    timestamp_iso text,
    session_id text,
    hook_type text,
    tool_name text,
    status text,
    duration_ms bigint,
    hostname text,
    ip_address text,
    project_dir text,
    data jsonb,
    error_code text,
    git_branch text,
    PRIMARY KEY (machine, source, id)
);
CREATE INDEX IF NOT EXISTS {TABLE}_timestamp ON {TABLE} (timestamp);
CREATE INDEX IF NOT EXISTS {TABLE}_session ON {TABLE} (session_id);
CREATE TABLE IF NOT EXISTS {MARKS} (
    machine text NOT NULL,
    source text NOT NULL,
    last_id bigint NOT NULL,
    forwarded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (machine, source)
);
'''
SCHEMA_LOCK = 0x6579656C6574  # "eyelet": two forwarders creating the tables at once would collide
INSERT = (f'INSERT INTO {TABLE} (machine, source, {", ".join(COLUMNS)}) '
          f'VALUES ({", ".join(["%s"] * (len(COLUMNS) + 2))}) ON CONFLICT (machine, source, id) DO NOTHING')
MARK = (f'INSERT INTO {MARKS} (machine, source, last_id) VALUES (%s, %s, %s) ON CONFLICT (machine, source) '
        f'DO UPDATE SET last_id = greatest({MARKS}.last_id, excluded.last_id), forwarded_at = now()')


def _clean(value: Any) -> Any:
    """A value as PostgreSQL takes it: text holds no NUL character (SQLite's may), neither does JSON's."""
    if isinstance(value, str):
        return value.replace('\x00', '\ufffd')
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def jsonb(data: Any) -> Jsonb | None:
    """eyelet's `data` (JSON text in a BLOB) as a jsonb value; text that is no JSON is kept as a JSON string."""
    if data is None:
        return None
    text = data.decode('utf-8', 'replace') if isinstance(data, bytes) else str(data)
    try:
        document = json.loads(text)
    except ValueError:
        document = text
    return Jsonb(_clean(document))


def row_values(machine: str, source: str, record: Sequence[Any]) -> tuple[Any, ...]:
    """One record (values in COLUMNS order) as INSERT binds it."""
    values = dict(zip(COLUMNS, record, strict=True))
    return (machine, source, *(jsonb(value) if name == 'data' else _clean(value) for name, value in values.items()))


class TeamHooks:
    """The target database: one connection, made (again) when needed, used by one transaction at a time."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._lock = asyncio.Lock()

    async def mark(self, machine: str, source: str) -> int:
        """The id of the last record of `source` forwarded so far (0: none)."""
        async with self._lock:
            connection = await self._connected()
            try:
                cursor = await connection.execute(f'SELECT last_id FROM {MARKS} WHERE machine = %s AND source = %s',
                                                  (machine, source))
                row = await cursor.fetchone()
            except psycopg.Error as error:
                raise await self._failed(error) from None
            return int(row[0]) if row else 0  # type: ignore[call-overload]

    async def append(self, machine: str, source: str, records: Sequence[Sequence[Any]]) -> None:
        """Append `records` (each in COLUMNS order, ids increasing) and move the mark to the last, in one
        transaction."""
        if not records:
            return
        async with self._lock:
            connection = await self._connected()
            try:
                async with connection.transaction():
                    async with connection.cursor() as cursor:
                        await cursor.executemany(INSERT, [row_values(machine, source, record) for record in records])
                    await connection.execute(MARK, (machine, source, records[-1][0]))
            except psycopg.Error as error:
                raise await self._failed(error) from None

    async def prepare(self) -> None:
        """Connect, and make the tables if they are missing: a wrong address or missing rights is said now."""
        async with self._lock:
            await self._connected()

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _connected(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self._connection is None or self._connection.closed:
            connection = await connect(self.url, application_name='eyelet-gui forward')
            try:
                async with connection.transaction():
                    await connection.execute('SELECT pg_advisory_xact_lock(%s)', (SCHEMA_LOCK,))
                    await connection.execute(SCHEMA)  # no parameters: several statements in one call
            except psycopg.Error as error:
                await connection.close()
                raise explain(error, self.url) from None
            self._connection = connection
        return self._connection

    async def _failed(self, error: psycopg.Error) -> PostgresProblem:
        """The sentence for a failed statement; the connection is made anew next time."""
        await self.close()
        return explain(error, self.url)
