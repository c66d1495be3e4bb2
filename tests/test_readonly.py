"""Viewer connections cannot write, and a database that cannot be opened gets a sentence."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from eyelet_gui.sources.readonly import DatabaseProblem, connect

from .conftest import make_database


async def fetch(connection: aiosqlite.Connection, sql: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in await connection.execute_fetchall(sql)]


SHOP = '''
CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL);
CREATE INDEX orders_by_total ON orders (total);
INSERT INTO orders (total) VALUES (1.5);
'''


@pytest.mark.parametrize('statement', [
    'INSERT INTO orders (total) VALUES (2)',
    'UPDATE orders SET total = 0',
    'DELETE FROM orders',
    'CREATE TABLE stolen (x)',
    'DROP TABLE orders',
    'ALTER TABLE orders ADD COLUMN y',
    "ATTACH DATABASE '/tmp/elsewhere.db' AS elsewhere",
    'PRAGMA wal_checkpoint(TRUNCATE)',
    'PRAGMA journal_mode = DELETE',
    'PRAGMA user_version = 7',
    'PRAGMA query_only = OFF; DELETE FROM orders;',
    "SELECT load_extension('/tmp/evil.so')",
    'VACUUM',
    'REINDEX',
    'ANALYZE',
    'BEGIN IMMEDIATE',
])
async def test_every_kind_of_write_is_refused(tmp_path: Path, statement: str) -> None:
    path = make_database(tmp_path / 'shop.db', SHOP)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    connection = await connect(path)
    try:
        with pytest.raises(sqlite3.Error):
            await connection.executescript(statement)
        assert await fetch(connection, 'SELECT id, total FROM orders') == [(1, 1.5)]
    finally:
        await connection.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert not (tmp_path / 'elsewhere.db').exists()


async def test_reads_and_reporting_pragmas_pass(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', SHOP)
    connection = await connect(path)
    try:
        assert await fetch(connection, 'SELECT id, total FROM orders') == [(1, 1.5)]
        assert len(await fetch(connection, 'PRAGMA data_version')) == 1
        assert [row[1] for row in await fetch(connection, 'PRAGMA table_xinfo("orders")')] == ['id', 'total']
        assert await fetch(connection, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n '
                                                 'WHERE x < 3) SELECT x FROM n') == [(1,), (2,), (3,)]
    finally:
        await connection.close()


async def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / 'garbage.db'
    path.write_bytes(b'\x00\x01garbage' * 500)
    with pytest.raises(DatabaseProblem) as problem:
        await connect(path)
    assert str(problem.value) == f'{path} is not a SQLite database, or it is encrypted or corrupt.'


async def test_missing(tmp_path: Path) -> None:
    path = tmp_path / 'gone.db'
    with pytest.raises(DatabaseProblem) as problem:
        await connect(path)
    assert str(problem.value) == (f'{path} does not exist (it may have been deleted or moved); '
                                  'watching resumes when it is back.')
