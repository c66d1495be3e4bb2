"""What the sandbox keeps per connection goes with the connection: closed readers leave nothing behind."""

from __future__ import annotations

import asyncio
import gc
import threading
from pathlib import Path

from eyelet_gui.sources.sqlite import sandbox
from eyelet_gui.sources.sqlite.reader import Reader

from .conftest import make_database, wait_for


async def test_closed_connections_leave_no_sandbox_and_no_thread(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'shop.db', "CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT);"
                                               "INSERT INTO orders (note) VALUES ('first'), ('second');")
    for _ in range(3):
        reader = Reader(path, connections=2)
        try:
            results = await asyncio.gather(*(reader.read(lambda connection: sandbox.run(
                connection, 'SELECT note FROM orders, (SELECT 1 FROM orders LIMIT 300000) ORDER BY note LIMIT 1'))
                for _ in range(2)))
            assert [result.rows for result in results] == [[('first',)]] * 2
        finally:
            await reader.close()

    def left() -> tuple[int, list[str]]:
        gc.collect()
        return len(sandbox._sandboxes), [thread.name for thread in threading.enumerate()
                                         if thread.name == 'sqlite shop.db']

    wait_for(lambda: left() == (0, []))  # each thread ends right after its connection's close
    assert left() == (0, [])
