"""One slow read does not hold up the others: reads have a time limit, and a cancelled read stops SQLite at once."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem

from .conftest import make_database
from .writer import write

TABLE = 'PRAGMA journal_mode = WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, x); INSERT INTO t (x) VALUES (1);'
COUNT = Statement('SELECT count(*) FROM t')
LONG = Statement('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000000) '
                 'SELECT count(*) FROM t, c')
"""A read of the table that lasts about a minute: it holds its snapshot all along."""
PROMPT = 5.0
"""Seconds within which what takes milliseconds must have happened (generous: CI shares its cores)."""


@asynccontextmanager
async def reading(reader: Reader, statement: Statement) -> AsyncIterator[asyncio.Task[object]]:
    """`statement` read in the background for the block, which it has already run for half a second."""
    task: asyncio.Task[object] = asyncio.ensure_future(reader.value(statement))
    await asyncio.wait({task}, timeout=0.5)
    assert not task.done(), 'the long read is running'
    try:
        yield task
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await reader.close()


async def test_a_short_read_completes_while_a_long_one_runs(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'data.db', TABLE)
    reader = Reader(path)
    async with reading(reader, LONG) as long:
        started = time.monotonic()
        assert await asyncio.wait_for(reader.value(COUNT), PROMPT) == 1
        assert time.monotonic() - started < PROMPT
        assert not long.done()
        assert reader.connections == 2


async def test_a_read_over_its_time_limit_is_stopped_and_says_what_to_do(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'data.db', TABLE)
    reader = Reader(path, time_limit=0.2)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseProblem) as raised:
            await asyncio.wait_for(reader.value(LONG), 0.2 + PROMPT)
        assert time.monotonic() - started < 0.2 + PROMPT
        assert (raised.value.kind, str(raised.value)) == (
            'too slow', f'Reading {path} took longer than 0.2 s and was stopped: add an index for the sort, or '
                        'narrow the filter.')
        assert await reader.value(COUNT) == 1
        assert reader.connections == 1, 'the connection is kept: it is not at fault'
    finally:
        await reader.close()


async def test_a_cancelled_read_stops_at_once_and_holds_no_snapshot(tmp_path: Path) -> None:
    """A read left running would keep the writer's TRUNCATE checkpoint waiting (30 s, then busy)."""
    path = make_database(tmp_path / 'data.db', TABLE)
    reader = Reader(path, connections=1)
    assert await reader.value(COUNT) == 1  # open now, so that the writer's close does not checkpoint
    write(path, 'INSERT INTO t (x) VALUES (2)')  # the WAL has frames: a reader's snapshot holds them
    async with reading(reader, LONG) as long:
        started = time.monotonic()
        long.cancel()
        with pytest.raises(asyncio.CancelledError):
            await long
        assert await asyncio.wait_for(reader.value(COUNT), PROMPT) == 2  # the same connection, usable at once
        assert time.monotonic() - started < PROMPT
        checkpoint = await asyncio.to_thread(write, path, 'PRAGMA wal_checkpoint(TRUNCATE)')
        assert time.monotonic() - started < PROMPT
        assert checkpoint == [[0, 0, 0]], '(busy, log frames, checkpointed frames): not busy, WAL emptied'
        assert os.path.getsize(f'{path}-wal') == 0
