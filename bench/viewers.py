"""Many viewers of one live table: server memory per viewer and commit → screen latency, 1 to 100 viewers.

    uv run --group dev python bench/viewers.py [--viewers 1 10 50 100] [--rows 1000] [--commits 20]

Serves a 20,000-row eyelet `hooks` table with `python -m eyelet_gui`. Each viewer is a NiceGUI socket client
(python-socketio, as a browser tab connects: the page is fetched, then its WebSocket opened with the page's
client id) showing the newest `--rows` rows of the live table. Then a separate connection commits one row at
a time, and every viewer's time to receive it is measured from just before the commit. Memory is the
server process's resident set size before and after the viewers connect.

The viewers run in this one process: with 100 of them on 2 cores, part of the latency is theirs, not the
server's; the conditions line says so.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import socketio

from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.query_url import table_path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import create_hooks, insert, percentile, print_conditions, served


class Viewer:
    """One tab's worth of the app, without a browser: the page, then its socket, receiving every message."""

    def __init__(self) -> None:
        self.socket = socketio.AsyncClient(reconnection=False)
        self.seen: dict[str, float] = {}
        self.watching: set[str] = set()
        self.next_message_id = 0
        self.client_id = ''
        self.socket.on('*', self._received)

    async def open(self, http: httpx.AsyncClient, base: str, path: str) -> None:
        page = (await http.get(path)).text
        query = ast.literal_eval(re.search(r'query: (\{.*?\}),\n', page)[1])  # type: ignore[index]  # a repr
        query['implicit_handshake'] = 'true'  # as the browser sends it: JavaScript's spelling
        query.update(document_id=str(uuid.uuid4()), tab_id=str(uuid.uuid4()))
        self.client_id = query['client_id']  # before connecting: messages may come at once
        await self.socket.connect(f'{base}?{urlencode(query)}', socketio_path='/_nicegui_ws/socket.io',
                                  transports=['websocket'])
        page_elements = json.loads(re.search(r'parseElements\(String\.raw`(.*?)`\)', page, re.DOTALL)[1])  # type: ignore[index]
        await self._grids_ready(page_elements)

    async def _grids_ready(self, elements: dict[str, dict[str, Any]]) -> None:
        """What AG Grid in a browser says once it has drawn a grid: the app sends changes only after it."""
        for element_id, element in elements.items():
            if not isinstance(element, dict) or element.get('tag') != 'nicegui-aggrid':
                continue
            for listener in element.get('events', []):
                if listener['type'] == 'gridReady':
                    context = element["props"]["options"]["context"]
                    await self.socket.emit('event', {'client_id': self.client_id, 'id': int(element_id),
                                                     'listener_id': listener['listener_id'],
                                                     'args': [json.dumps({'context': context})]})

    async def _received(self, event: str, data: object = None) -> None:
        now = time.time()
        if event == 'update' and isinstance(data, dict):
            await self._grids_ready(data)  # a grid sent again (its first rows, a new query): drawn at once
        if isinstance(data, dict) and '_id' in data:
            self.next_message_id = data['_id'] + 1
        text = json.dumps(data)

        for marker in self.watching:
            if marker in text and marker not in self.seen:
                self.seen[marker] = now
        if self.socket.connected:  # not while disconnecting
            await self.socket.emit('ack', {'client_id': self.client_id, 'next_message_id': self.next_message_id})


def resident_mb(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    raise RuntimeError('no VmRSS')


async def measure(url: str, path: str, pid: int, writer: sqlite3.Connection, *, viewers: int, commits: int,
                  number: int) -> tuple[float, list[float], int]:
    """(MB of server memory per viewer, latencies in s, rows missed by some viewer)."""
    before = resident_mb(pid)
    opened = [Viewer() for _ in range(viewers)]
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for viewer in opened:
            await viewer.open(http, url, path)
    await asyncio.sleep(3)  # the grids' first rows settle
    per_viewer = (resident_mb(pid) - before) / viewers
    latencies: list[float] = []
    missed = 0
    for n in range(commits):
        marker = f'viewer-bench-{number}-{n}'
        for viewer in opened:
            viewer.watching.add(marker)
        committed = insert(writer, n, session=marker)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(marker in v.seen for v in opened):
            await asyncio.sleep(0.01)
        latencies.extend(v.seen[marker] - committed for v in opened if marker in v.seen)
        missed += sum(marker not in v.seen for v in opened)
        await asyncio.sleep(0.3)
    for viewer in opened:
        await viewer.socket.disconnect()
    await asyncio.sleep(2)
    return per_viewer, latencies, missed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--viewers', type=int, nargs='+', default=[1, 10, 50, 100], help='viewer counts measured')
    parser.add_argument('--rows', type=int, default=1000, help='rows each viewer shows')
    parser.add_argument('--commits', type=int, default=20, help='one-row commits timed per viewer count')
    args = parser.parse_args()
    print_conditions('viewers', 'python-socketio viewers in one process on the same 2 cores as the server')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-viewers-') as folder:
        database = Path(folder) / 'eyelet.db'
        create_hooks(database, 20_000)
        writer = sqlite3.connect(database, isolation_level=None)
        with served(database) as (url, pid):
            path = f'{table_path(database_id(database.resolve()), "hooks")}?limit={args.rows}'
            print(f'server pid {pid}, {resident_mb(pid):.0f} MB resident before any viewer; {args.rows:,} rows '
                  'per viewer\n')
            for number, viewers in enumerate(args.viewers):
                per_viewer, latencies, missed = await measure(url, path, pid, writer, viewers=viewers,
                                                              commits=args.commits, number=number)
                print(f'{viewers:>3} viewers: server memory {per_viewer:.2f} MB per viewer; commit → every viewer '
                      f'received: median {statistics.median(latencies) * 1000:.0f} ms, '
                      f'p95 {percentile(latencies, 0.95) * 1000:.0f} ms (n={len(latencies)}); missed {missed}')
        writer.close()


if __name__ == '__main__':
    asyncio.run(main())
