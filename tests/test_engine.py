"""The live engine on real files changed by another process: after every change, a live query equals a fresh SELECT."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.sources.query import Filter, Query, Sort
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.live.diff import Delta
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.watcher import Watcher

from .conftest import DEADLINE, make_database
from .writer import write

ITEMS = """
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER);
INSERT INTO items (name, qty) VALUES ('apple', 3), ('pear', 7), ('plum', 1), ('fig', 9);
"""


CLEARED = DEADLINE
"""Seconds a test waits, from a fault's end, for a view equal to a fresh SELECT. The product's bound is 2 s
(issue 7): bench/faults.py measures it."""


def fresh(path: Path, sql: str) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        return [tuple(row) for row in connection.execute(sql)]
    finally:
        connection.close()


async def eventually(condition: Callable[[], object], timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f'not within {timeout} s: {condition.__doc__ or condition}')
        await asyncio.sleep(0.02)


@asynccontextmanager
async def watching(path: Path, poll_interval: float = 1.0) -> AsyncIterator[Watcher]:
    watcher = Watcher(sqlite_database(path),
                      poll_interval=poll_interval, max_push_rate=10)
    watcher.start()
    try:
        yield watcher
    finally:
        await watcher.stop()


def keyed_by_first(rows: list[tuple[Any, ...]]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(str(row[0]), row) for row in rows]


async def converges(live: LiveQuery, expected: Callable[[], list[tuple[str, tuple[Any, ...]]]],
                    timeout: float = DEADLINE) -> None:
    """Wait until the live window equals what a fresh SELECT returns now."""
    await eventually(lambda: live.problem is None and live.rows == expected(), timeout)


def database(tmp_path: Path, journal: str, sql: str = ITEMS) -> Path:
    return make_database(tmp_path / f'{journal}.db', f'PRAGMA journal_mode = {journal};' + sql)


@pytest.mark.parametrize('journal', ['wal', 'delete'])
async def test_insert_update_delete_by_another_process(tmp_path: Path, journal: str) -> None:
    path = database(tmp_path, journal)
    deltas: list[Delta] = []
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items'))
        live.delta.subscribe(deltas.append)

        def expected() -> list[tuple[str, tuple[Any, ...]]]:
            return keyed_by_first(fresh(path, 'SELECT * FROM items ORDER BY id DESC'))

        await converges(live, expected)
        assert live.columns == ('id', 'name', 'qty')
        assert (live.total, live.matching) == (4, 4)

        deltas.clear()
        write(path, "INSERT INTO items (name, qty) VALUES ('kiwi', 5)")
        await converges(live, expected)
        await eventually(lambda: live.total == 5)
        # Counts and window are two reads: a refresh already under way may count the new row before it shows it,
        # so the row may come in a second delta, after one that moved only the counts.
        assert [added for delta in deltas for added in delta.added] == [(0, '5', (5, 'kiwi', 5))]
        assert {(delta.updated, delta.removed) for delta in deltas} == {((), ())}

        deltas.clear()
        write(path, "UPDATE items SET qty = 70 WHERE name = 'pear'")
        await converges(live, expected)
        assert deltas == [Delta(updated=(('2', {2: 70}),), total=5, matching=5)]

        deltas.clear()
        write(path, "DELETE FROM items WHERE name = 'plum'")
        await converges(live, expected)
        await eventually(lambda: live.total == 4)
        assert [removed for delta in deltas for removed in delta.removed] == ['3']


async def test_burst_of_5000_commits_coalesces_and_ends_exact(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal')
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items', limit=50))
        await eventually(lambda: live.total == 4)
        refreshes_before = live.refreshes
        write(path, "INSERT INTO items (name, qty) VALUES ('burst {i}', {i})", repeat=5000)
        await converges(live, lambda: keyed_by_first(fresh(path, 'SELECT * FROM items ORDER BY id DESC LIMIT 50')))
        await eventually(lambda: (live.total, live.matching) == (5004, 5004))
        assert live.refreshes - refreshes_before < 500, 'bursts coalesce into a few reads per second'


async def test_schema_change_resets_columns(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal')
    deltas: list[Delta] = []
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items'))
        await eventually(lambda: live.total == 4)
        live.delta.subscribe(deltas.append)
        write(path, "ALTER TABLE items ADD COLUMN colour TEXT DEFAULT 'green'")
        await converges(live, lambda: keyed_by_first(fresh(path, 'SELECT * FROM items ORDER BY id DESC')))
        assert list(live.columns) == ['id', 'name', 'qty', 'colour']
        assert deltas[-1].columns == ('id', 'name', 'qty', 'colour')
        write(path, 'DROP TABLE items')
        await eventually(lambda: live.problem == "The table or view 'items' does not exist (any more).")
        write(path, 'CREATE TABLE items (sku TEXT PRIMARY KEY, label TEXT) WITHOUT ROWID',
              "INSERT INTO items VALUES ('b-2', 'second'), ('a-1', 'first')")
        await converges(live, lambda: keyed_by_first(fresh(path, 'SELECT * FROM items ORDER BY sku')), timeout=CLEARED)
        assert live.columns == ('sku', 'label')


async def test_file_replaced_deleted_truncated_garbage_and_recreated(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal')
    async with watching(path, poll_interval=0.2) as watcher:
        live = watcher.live.acquire(Query(relation='items'))

        def expected() -> list[tuple[str, tuple[Any, ...]]]:
            return keyed_by_first(fresh(path, 'SELECT * FROM items ORDER BY id DESC'))

        await converges(live, expected)

        replacement = make_database(tmp_path / 'next.db', ITEMS + "INSERT INTO items (name, qty) VALUES ('new', 1);")
        os.replace(replacement, path)
        await converges(live, expected, timeout=CLEARED)
        assert live.total == 5

        for suffix in ('', '-wal', '-shm'):
            Path(f'{path}{suffix}').unlink(missing_ok=True)
        await eventually(lambda: live.problem is not None and 'does not exist' in live.problem)
        assert watcher.health.status == 'missing'

        make_database(path, ITEMS)
        await converges(live, expected, timeout=CLEARED)
        assert watcher.health.status in ('live', 'idle')

        path.write_bytes(b'')  # truncated to nothing: an empty database has no table
        await eventually(lambda: live.problem == "The table or view 'items' does not exist (any more).")

        path.write_bytes(b'this is not a database at all' * 200)
        await eventually(lambda: live.problem == f'{path} is not a SQLite database, or it is encrypted or corrupt.')
        assert watcher.health.status == 'error'

        path.unlink()
        make_database(path, ITEMS)
        await converges(live, expected, timeout=CLEARED)


async def test_composite_key_without_rowid(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal', """
        CREATE TABLE stock (shop TEXT, sku INTEGER, count INTEGER, PRIMARY KEY (shop, sku)) WITHOUT ROWID;
        INSERT INTO stock VALUES ('north', 1, 10), ('north', 2, 20), ('south', 1, 5);
    """)
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='stock'))

        def expected() -> list[tuple[str, tuple[Any, ...]]]:
            rows = fresh(path, 'SELECT * FROM stock ORDER BY shop, sku')
            return [(f'["{shop}", {sku}]', (shop, sku, count)) for shop, sku, count in rows]

        await converges(live, expected)
        write(path, "UPDATE stock SET count = 11 WHERE shop = 'north' AND sku = 1",
              "DELETE FROM stock WHERE shop = 'south'", "INSERT INTO stock VALUES ('east', 7, 70)")
        await converges(live, expected)


async def test_view_rows_keyed_by_content(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal', ITEMS + 'CREATE VIEW plenty AS SELECT name, qty FROM items WHERE qty > 2;')
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='plenty', sort=(Sort('name'),)))

        def expected() -> list[tuple[Any, ...]]:
            return fresh(path, 'SELECT * FROM plenty ORDER BY name')

        await eventually(lambda: [row for _, row in live.rows] == expected())
        write(path, "INSERT INTO items (name, qty) VALUES ('kiwi', 4), ('kiwi', 4)", "UPDATE items SET qty = 0 "
              "WHERE name = 'fig'")
        await eventually(lambda: [row for _, row in live.rows] == expected())
        assert [row for _, row in live.rows] == [('apple', 3), ('kiwi', 4), ('kiwi', 4), ('pear', 7)]
        assert len({key for key, _ in live.rows}) == 4, 'identical rows still get distinct keys'


async def test_filter_is_a_live_query(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal')
    hostile = "'; DROP TABLE items; --"
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items', filters=(Filter('qty', '>', 2),)))
        other = watcher.live.acquire(Query(relation='items', filters=(Filter('name', '=', hostile),)))

        def expected() -> list[tuple[str, tuple[Any, ...]]]:
            return keyed_by_first(fresh(path, 'SELECT * FROM items WHERE qty > 2 ORDER BY id DESC'))

        await converges(live, expected)
        write(path, "INSERT INTO items (name, qty) VALUES ('kiwi', 5), ('lime', 0)")
        await converges(live, expected)
        write(path, "UPDATE items SET qty = 0 WHERE name = 'pear'")  # stops matching: leaves the view
        await converges(live, expected)
        await eventually(lambda: (live.total, live.matching) == (6, 3))
        assert [row[1] for _, row in live.rows] == ['kiwi', 'fig', 'apple']
        await eventually(lambda: (other.total, other.matching, other.rows) == (6, 0, []))
        assert fresh(path, 'SELECT count(*) FROM items') == [(6,)]


async def test_identical_queries_share_one_live_query(tmp_path: Path) -> None:
    path = database(tmp_path, 'wal')
    async with watching(path) as watcher:
        first = watcher.live.acquire(Query(relation='items', limit=2))
        second = watcher.live.acquire(Query(relation='items', limit=2))
        assert first is second
        await watcher.live.release(first.query)
        assert watcher.live.acquire(Query(relation='items', limit=2)) is first


async def test_checkpoint_truncate_completes_while_five_views_watch(tmp_path: Path) -> None:
    """No read transaction is left open: the writer's TRUNCATE checkpoints all complete and empty the WAL."""
    path = database(tmp_path, 'wal')
    async with watching(path, poll_interval=0.05) as watcher:
        views = [watcher.live.acquire(Query(relation='items', limit=20 * (n + 1))) for n in range(4)]
        views.append(watcher.live.acquire(Query(relation='items', filters=(Filter('qty', '>=', 0),))))
        await eventually(lambda: all(view.total == 4 for view in views))
        results = await asyncio.to_thread(
            write, path, "INSERT INTO items (name, qty) VALUES ('row {i}', {i})", 'PRAGMA wal_checkpoint(TRUNCATE)',
            repeat=100, pause=0.01)
        refreshes = sum(view.refreshes for view in views)
    assert results == [[0, 0, 0]] * 100, '(busy, log frames, checkpointed frames): not busy, WAL emptied'
    assert refreshes > 20, 'the views were reading all along'
    assert os.path.getsize(f'{path}-wal') == 0


async def test_counts_end_exact_after_a_burst_on_the_tail_path(tmp_path: Path) -> None:
    """Counts grow by the rows past the last key between exact counts; the last exact count always comes."""
    path = database(tmp_path, 'wal')
    async with watching(path) as watcher:
        live = watcher.live.acquire(Query(relation='items', limit=5))
        await eventually(lambda: live.total == 4)
        for _ in range(3):  # bursts spaced so that some land inside the interval between exact counts
            write(path, "INSERT INTO items (name, qty) VALUES ('burst {i}', {i})", "DELETE FROM items WHERE id = 1",
                  repeat=40)
            await asyncio.sleep(0.3)
        expected = fresh(path, 'SELECT count(*) FROM items')[0][0]
        await eventually(lambda: (live.total, live.matching) == (expected, expected))


async def test_health_reports_the_files_as_they_are(tmp_path: Path) -> None:
    """Sizes and the time of the last write, as the connection list shows them, follow another process's commits."""
    path = database(tmp_path, 'wal')
    wal = Path(f'{path}-wal')
    async with watching(path, poll_interval=0.2) as watcher:
        await eventually(lambda: watcher.health.status in ('live', 'idle'))
        # Opening the database may touch its files after the first stat: the next check follows.
        await eventually(lambda: watcher.health.last_commit_at
                         == max(os.stat(f).st_mtime_ns for f in (path, wal) if f.exists()) / 1e9)
        written = time.time()
        write(path, "INSERT INTO items (name, qty) VALUES ('kiwi', 2)")
        await eventually(lambda: watcher.health.wal_size == wal.stat().st_size > 0
                         and watcher.health.changes_per_minute == 1)
        health = watcher.health
        assert health.file_size == path.stat().st_size
        assert written <= health.last_commit_at <= time.time()  # type: ignore[operator]  # when the commit was seen
