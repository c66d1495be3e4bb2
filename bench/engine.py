"""Engine figures: commit→delta latency, cost of one change on a large table, and work while idle.

    uv run --group dev python bench/engine.py [--rows 1000000] [--commits 200]

Every figure comes from a real database written by a separate process. Prints the conditions first.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from eyelet_gui.sources.eyelet.schema import INSERT_HOOK
from eyelet_gui.sources.query import Filter, Query, Sort
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.live import live_query
from eyelet_gui.state.live.diff import Delta
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.watcher import Watcher

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import create_hooks, print_conditions, summary

WRITER = '''
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
for i in range(int(sys.argv[2])):
    time.sleep(float(sys.argv[3]))
    connection.execute("INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, status, data) "
                       "VALUES (?, 'now', 'bench', 'PreToolUse', 'success', '{}')", (time.time(),))
'''


def watcher_for(path: Path, poll_interval: float = 1.0) -> Watcher:
    return Watcher(sqlite_database(path), poll_interval=poll_interval,
                   max_push_rate=1000)


async def latency(path: Path, commits: int, pause: float) -> list[float]:
    """Seconds from just before a commit in another process to the delta that carries the row."""
    watcher = watcher_for(path)
    watcher.start()
    live = watcher.live.acquire(Query(relation='hooks', limit=100))
    seen: list[float] = []

    def on_delta(delta: Delta) -> None:
        now = time.time()
        timestamp, session = live.columns.index('timestamp'), live.columns.index('session_id')
        seen.extend(now - row[timestamp] for _, _, row in delta.added if row[session] == 'bench')

    while not live.rows:
        await asyncio.sleep(0.05)
    live.delta.subscribe(on_delta)
    writer = await asyncio.create_subprocess_exec(sys.executable, '-c', WRITER, str(path), str(commits), str(pause))
    await writer.wait()
    deadline = time.monotonic() + 5
    while len(seen) < commits and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await watcher.stop()
    return seen


async def change_cost(path: Path, query: Query, changes: int) -> list[float]:
    """Seconds one refresh takes after a one-row commit, for a query on the large table."""
    watcher = watcher_for(path)
    live = LiveQuery(query, watcher.reader, watcher.relations, max_push_rate=1000)
    await live.refresh()
    writer = sqlite3.connect(path, isolation_level=None)
    times = []
    for i in range(changes):
        writer.execute(INSERT_HOOK, {'timestamp': time.time(), 'timestamp_iso': '', 'session_id': 'bench',
                                     'hook_type': 'Stop', 'tool_name': None, 'status': 'success', 'duration_ms': i,
                                     'hostname': '', 'ip_address': '', 'project_dir': '', 'data': '{}'})
        started = time.perf_counter()
        await live.refresh()
        times.append(time.perf_counter() - started)
    writer.close()
    await watcher.reader.close()
    return times


async def idle_cpu(folder: Path, databases: int, seconds: float) -> tuple[float, int]:
    """CPU seconds this process spends watching `databases` idle databases for `seconds`, and checks made."""
    paths = []
    for n in range(databases):
        path = folder / f'idle-{databases}-{n}.db'
        connection = sqlite3.connect(path)
        connection.executescript('PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);')
        connection.close()
        paths.append(path)
    watchers = [watcher_for(path) for path in paths]
    for watcher in watchers:
        watcher.start()
        watcher.live.acquire(Query(relation='t'))
    await asyncio.sleep(2)  # settle: first reads done
    checks_before = sum(w.detector.checks for w in watchers)
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.sleep(seconds)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    checks = sum(w.detector.checks for w in watchers) - checks_before
    for watcher in watchers:
        await watcher.stop()
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return cpu, checks


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=1_000_000, help='rows in the large hooks table')
    parser.add_argument('--commits', type=int, default=200, help='commits timed for latency')
    parser.add_argument('--changes', type=int, default=30, help='one-row changes timed per query')
    args = parser.parse_args()
    print_conditions('engine', 'the bench process watches, a separate process writes')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-') as folder:
        small = Path(folder) / 'small.db'
        create_hooks(small, 1000)
        seen = await latency(small, args.commits, pause=0.05)
        print(f'commit → delta, 1,000-row hooks table, one commit every 50 ms from another process: {summary(seen)}')

        large = Path(folder) / 'large.db'
        started = time.perf_counter()
        create_hooks(large, args.rows)
        print(f'\nlarge table: {args.rows:,} rows in hooks ({time.perf_counter() - started:.0f} s to build), '
              'one refresh timed after each one-row commit:')
        cases = {
            'tail path: newest 100 by id': Query(relation='hooks', limit=100),
            'tail path + filter hook_type = Stop': Query(relation='hooks', limit=100,
                                                         filters=(Filter('hook_type', '=', 'Stop'),)),
            'general path: 100 sorted by duration_ms (no index)': Query(relation='hooks', limit=100,
                                                                        sort=(Sort('duration_ms', True),)),
        }
        for name, query in cases.items():
            print(f'  {name}: {summary(await change_cost(large, query, args.changes))}')
        live_query.EXACT_COUNT_INTERVAL = 0.0  # the same newest-100 query, with count(*) over the table every time
        without_tail = await change_cost(large, cases['tail path: newest 100 by id'], args.changes)
        print(f'  newest 100 by id without the tail path (full count(*) per change): {summary(without_tail)}')

        idle = Path(folder) / 'idle'
        idle.mkdir()
        for count in (1, 10):
            cpu, checks = await idle_cpu(idle, count, seconds=10)
            print(f'\nidle, {count} database(s) watched for 10 s (fallback poll 1 s): {cpu / 10 * 100:.2f} % of one '
                  f'core, {checks} data_version checks')


if __name__ == '__main__':
    asyncio.run(main())
