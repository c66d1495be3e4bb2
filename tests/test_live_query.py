"""A live view that takes longer than the read time limit says what to do, rests, and recovers by itself."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from eyelet_gui.sources.query import Query, Sort
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.live.watcher import Watcher

from .conftest import make_database
from .test_engine import converges, eventually, fresh, keyed_by_first
from .writer import write

EVENTS = '''
PRAGMA journal_mode = WAL;
CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT, n INTEGER);
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 300000)
INSERT INTO events (body, n) SELECT hex(randomblob(40)), i FROM c;
'''
HEAVY = '''
PRAGMA journal_mode = WAL;
CREATE TABLE t (id INTEGER PRIMARY KEY, x);
INSERT INTO t (x) VALUES (1);
CREATE VIEW heavy AS WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000000)
SELECT count(*) AS n FROM t, c;
'''
"""A view that takes about a minute to read."""


@asynccontextmanager
async def watching(path: Path, read_time_limit: float) -> AsyncIterator[Watcher]:
    watcher = Watcher(sqlite_database(path), poll_interval=1.0,
                      max_push_rate=10, read_time_limit=read_time_limit)
    watcher.start()
    try:
        yield watcher
    finally:
        await watcher.stop()


async def test_a_sort_over_the_limit_says_to_add_an_index_and_recovers_when_the_limit_allows(tmp_path: Path) -> None:
    """Sorting 300,000 rows by an unindexed column takes some 30 ms: far over a limit of 1 ms."""
    path = make_database(tmp_path / 'events.db', EVENTS)
    async with watching(path, read_time_limit=0.001) as watcher:
        live = watcher.live.acquire(Query(relation='events', sort=(Sort('body', descending=True),), limit=50))
        await eventually(lambda: live.problem is not None, timeout=15)
        assert live.problem == ('Sorting events by body took longer than 0.001 s, so reading this view was stopped: '
                                'add an index on body to the database, or narrow the filter or search; it is read '
                                'again at the next change.')
        assert live.rows == []
        watcher.reader.time_limit = 60.0
        await asyncio.to_thread(write, path, "INSERT INTO events (body, n) VALUES ('ZZ', 0)")
        await converges(live, lambda: keyed_by_first(fresh(path, 'SELECT * FROM events ORDER BY body DESC, id DESC '
                                                                  'LIMIT 50')), timeout=15)
        assert live.rows[0] == (str(300001), (300001, 'ZZ', 0))


async def test_a_view_over_the_limit_rests_and_recovers_when_it_becomes_cheap(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'heavy.db', HEAVY)
    async with watching(path, read_time_limit=0.3) as watcher:
        live = watcher.live.acquire(Query(relation='heavy'))
        await eventually(lambda: live.problem is not None, timeout=15)
        assert live.problem == ('Reading heavy took longer than 0.3 s, so reading this view was stopped: filter it '
                                'to fewer rows, or raise EYELET_GUI_READ_TIME_LIMIT; it is read again at the next '
                                'change.')
        refreshes, started = live.refreshes, time.monotonic()
        # Twenty commits in two seconds: a read stopped at 0.3 s rests 2.7 s (pacing.py), so one more try at most
        # (a try every 3 s: on a busy machine the commits take longer, and the tries are counted over their time).
        await asyncio.to_thread(write, path, 'INSERT INTO t (x) VALUES ({i})', repeat=20, pause=0.1)
        assert live.refreshes - refreshes <= 1 + math.ceil((time.monotonic() - started) / 3)
        await asyncio.to_thread(write, path, 'DROP VIEW heavy', 'CREATE VIEW heavy AS SELECT count(*) AS n FROM t')
        await eventually(lambda: live.problem is None and [row for _, row in live.rows] == [(21,)], timeout=15)
