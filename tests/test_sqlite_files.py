"""Recognising a database never takes away the locks of the process's own SQLite connections to it."""

from __future__ import annotations

from pathlib import Path

from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.files import is_sqlite_file
from eyelet_gui.sources.sqlite.reader import Reader

from .conftest import make_database
from .writer import write

COUNT = Statement('SELECT count(*) FROM t')


async def test_a_database_read_here_is_recognised_without_dropping_its_readers_locks(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'x.db', 'PRAGMA journal_mode = WAL; CREATE TABLE t (v); INSERT INTO t VALUES (1);')
    reader = Reader(path)
    try:
        assert await reader.value(COUNT) == 1  # a connection is open, and holds its lock on the file
        assert is_sqlite_file(path)  # as a folder watch asks of each `eyelet.db` written
        write(path, 'INSERT INTO t VALUES (2)')  # and closes: the last connection would delete the WAL
        # Had the check opened and closed the file, the process would have lost its lock, and the writer would
        # have checkpointed and deleted the WAL and -shm under the open connection.
        assert (Path(f'{path}-wal').exists(), Path(f'{path}-shm').exists()) == (True, True)
        assert await reader.value(COUNT) == 2
    finally:
        await reader.close()
    assert (is_sqlite_file(path), is_sqlite_file(tmp_path / 'missing.db')) == (True, False)  # closed: opened here
