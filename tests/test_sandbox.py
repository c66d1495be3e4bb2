"""What the sandbox keeps per connection goes with the connection: closed readers leave nothing behind."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
import weakref
from pathlib import Path

from eyelet_gui.sources.sqlite import sandbox
from eyelet_gui.sources.sqlite.reader import Reader

from .conftest import make_database, wait_for


async def test_closed_connections_leave_no_sandbox_and_no_thread(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', "CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT);"
                                               "INSERT INTO orders (note) VALUES ('first'), ('second');")
    used: list[weakref.ref[sqlite3.Connection]] = []

    def first_note(connection: sqlite3.Connection) -> sandbox.SqlResult:
        used.append(weakref.ref(connection))
        return sandbox.run(connection, 'SELECT note FROM orders ORDER BY note LIMIT 1')

    for _ in range(3):
        reader = Reader(path, connections=2)
        try:
            results = await asyncio.gather(*(reader.read(first_note) for _ in range(2)))
            assert [result.rows for result in results] == [[('first',)]] * 2
        finally:
            await reader.close()

    def left() -> tuple[int, int, list[str]]:
        """Sandboxes of this test's connections, connections still alive, and their threads (other tests' may
        be open meanwhile: only this test's are counted)."""
        gc.collect()
        alive = [connection for ref in used if (connection := ref()) is not None]
        return (sum(connection in sandbox._sandboxes for connection in alive), len(alive),
                [thread.name for thread in threading.enumerate() if thread.name == 'sqlite shop.db'])

    wait_for(lambda: left() == (0, 0, []))  # each thread ends right after its connection's close
    assert left() == (0, 0, [])
