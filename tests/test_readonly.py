"""Viewer connections cannot write, and a database that cannot be opened gets a sentence."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.connection import ThreadedConnection
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem, connect

from .conftest import make_database


async def fetch(connection: ThreadedConnection, sql: str) -> list[tuple[object, ...]]:
    return await connection.run(lambda sqlite: [tuple(row) for row in sqlite.execute(sql).fetchall()])


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
            await connection.run(lambda sqlite: sqlite.executescript(statement))
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


HOLD_LOCK = '''
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute('BEGIN EXCLUSIVE')
connection.execute('INSERT INTO orders (total) VALUES (99)')
print('locked', flush=True)
sys.stdin.readline()
connection.execute('COMMIT')
'''


async def test_locked_then_released(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'journal.db', 'PRAGMA journal_mode = DELETE;' + SHOP)
    holder = subprocess.Popen([sys.executable, '-c', HOLD_LOCK, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    reader = Reader(path)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == 'locked\n'
        with pytest.raises(DatabaseProblem) as problem:
            await reader.fetch(Statement('SELECT total FROM orders'))
        assert (problem.value.kind, str(problem.value)) == (
            'locked', f'{path} is locked by another program; reading resumes when the lock is released.')
        holder.communicate('release\n', timeout=10)
        assert (await reader.fetch(Statement('SELECT total FROM orders ORDER BY id'))).rows == [(1.5,), (99.0,)]
    finally:
        await reader.close()
        if holder.poll() is None:
            holder.kill()
            holder.communicate()


async def test_wal_database_whose_shm_cannot_be_created(tmp_path: Path) -> None:
    """A WAL database with a -wal but no -shm, in a folder nobody (not even root) may write to."""
    folder = tmp_path / 'frozen'
    folder.mkdir()
    path = make_database(folder / 'wal.db', 'PRAGMA journal_mode = WAL; ' + SHOP)
    writer = sqlite3.connect(path)
    writer.execute('PRAGMA wal_autocheckpoint = 0')
    writer.execute('INSERT INTO orders (total) VALUES (2.5)')
    writer.commit()
    for suffix in ('', '-wal'):  # a copy of the file pair as the writer left it, with no -shm
        shutil.copy(f'{path}{suffix}', f'{folder / "copy.db"}{suffix}')
    writer.close()
    copy = folder / 'copy.db'
    for leftover in folder.glob('wal.db*'):
        leftover.unlink()
    if subprocess.run(['chattr', '+i', str(folder)], capture_output=True, check=False).returncode != 0:
        pytest.skip('this filesystem cannot make a folder immutable, so root could create the -shm file')
    try:
        with pytest.raises(DatabaseProblem) as problem:
            await connect(copy)
        assert (problem.value.kind, str(problem.value)) == ('no shm', (
            f'{copy} is in WAL mode and its "-shm" file cannot be created (is the folder read-only?); '
            'open it once with write access, or make the folder writable.'))
    finally:
        subprocess.run(['chattr', '-i', str(folder)], check=True)


async def test_a_connection_never_keeps_the_process_alive(tmp_path: Path) -> None:
    """A worker thread that is not a daemon (aiosqlite's) kept the process (the app after Ctrl+C, pytest at its
    end) running for good when one connection was left open as the app stopped; closing ends the thread."""
    path = make_database(tmp_path / 'data.db', 'CREATE TABLE t (x);')
    connection = await connect(path)
    try:
        assert (connection.thread.daemon, connection.thread.is_alive()) == (True, True)
    finally:
        await connection.close()
    connection.thread.join(timeout=10)  # it ends right after the close
    assert connection.thread.is_alive() is False
