"""What the change stream costs and how fast it tells: commit → server-sent event, with 1, 100 and 1,000 clients.

    uv run --group dev python bench/change_stream.py [--clients 1 100 1000] [--rate 10] [--limit 100]
        [--seconds 10]

An eyelet database of 20,000 real-shaped records is served with `python -m eyelet_gui`. For each `--clients`
figure, that many clients (plain asyncio sockets in this process, all on the same view: the newest `--limit`
hooks) open `/api/v1/db/ID/table/hooks/changes` and read their snapshot; the server's resident memory is read before
and after (from /proc). Then a separate process commits records as eyelet writes them, `--rate` a second, each
with a unique number in its command; every client stamps when the `change` event naming each number arrives
(same clock as the writer's stamp just before its commit). Latency is over every (client, commit) pair.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from browser_cost import cpu_seconds, writing
from common import create_hooks, percentile, print_conditions, project_database, served

from eyelet_gui.state.catalog import database_id

MARKER = re.compile(r'tests/test_(\d+)\.py')


def resident_mb(pid: int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
    raise RuntimeError('no VmRSS')


class StreamClient:
    """One `curl -N`: a socket reading the stream, stamping the first arrival of each marker in a change."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}
        self.snapshot = asyncio.Event()
        """Set once the snapshot's data has arrived whole."""
        self.task: asyncio.Task[None] | None = None

    async def run(self, port: int, path: str) -> None:
        reader, writer = await asyncio.open_connection('127.0.0.1', port, limit=2**24)
        writer.write(f'GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n'.encode())
        await writer.drain()
        try:
            snapshot = False
            while line := await reader.readline():
                if line.startswith(b'event: snapshot'):
                    snapshot = True
                elif line.startswith(b'data: ') and snapshot:
                    self.snapshot.set()
                    snapshot = False
                elif line.startswith(b'data: ') and self.snapshot.is_set():
                    now = time.time()
                    for number in MARKER.findall(line.decode()):
                        self.seen.setdefault(number, now)
        finally:
            writer.close()


async def measure(url: str, pid: int, path: Path, *, clients: int, rate: float, seconds: float, limit: int) -> str:
    port = int(url.rsplit(':', 1)[1])
    stream = f'/api/v1/db/{database_id(path)}/table/hooks/changes?limit={limit}'
    before = resident_mb(pid)
    opened = [StreamClient() for _ in range(clients)]
    for client in opened:
        client.task = asyncio.create_task(client.run(port, stream))
    await asyncio.wait_for(asyncio.gather(*(client.snapshot.wait() for client in opened)), 120)
    await asyncio.sleep(1)
    after = resident_mb(pid)
    cpu, reading = cpu_seconds(pid), time.process_time()
    async with writing(path, rate) as committed:
        started = time.time()
        await asyncio.sleep(seconds)
    window = time.time() - started
    cpu, reading = cpu_seconds(pid) - cpu, time.process_time() - reading
    await asyncio.sleep(3)  # the last commits' events
    for client in opened:
        assert client.task is not None
        client.task.cancel()
    await asyncio.gather(*(client.task for client in opened if client.task), return_exceptions=True)
    latencies = [client.seen[number] - at for client in opened for number, at in committed.items()
                 if number in client.seen]
    missed = sum(number not in client.seen for client in opened for number in committed)
    return (f'{clients:5} clients: commit → event median {1000 * percentile(latencies, 0.5):.0f} ms, '
            f'p95 {1000 * percentile(latencies, 0.95):.0f} ms (n={len(latencies)}, {missed} never seen); '
            f'server memory {before:.0f} → {after:.0f} MB ({1024 * (after - before) / clients:.0f} KB a client); '
            f'server CPU {100 * cpu / window:.0f} % of a core while writing (the clients\' process: '
            f'{100 * reading / window:.0f} %)')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--clients', nargs='+', type=int, default=[1, 100, 1000], help='stream clients at once')
    parser.add_argument('--rate', type=float, default=10, help='commits a second')
    parser.add_argument('--limit', type=int, default=100, help='rows in the view each client follows')
    parser.add_argument('--seconds', type=float, default=10, help='measured window of each condition')
    args = parser.parse_args()
    print_conditions('change stream', f'clients, server and writer on the same cores; load average '
                                      f'{os.getloadavg()[0]:.2f} at the start')
    for clients in args.clients:
        with tempfile.TemporaryDirectory(prefix='eyelet-gui-stream-') as folder:
            path = project_database(folder)
            create_hooks(path, 20_000)
            with served(path) as (url, pid):  # a fresh server for each figure: memory starts from the same state
                print(await measure(url, pid, path.resolve(), clients=clients, rate=args.rate, seconds=args.seconds,
                                    limit=args.limit),
                      flush=True)
    print(f'\nload average at the end (1, 5, 15 min): {", ".join(f"{load:.2f}" for load in os.getloadavg())}')


if __name__ == '__main__':
    asyncio.run(main())
