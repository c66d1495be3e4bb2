"""A hundred watched databases: idle CPU (the engine, and the whole app) and change-detection latency.

    uv run --group dev python bench/many_databases.py [--databases 100] [--commits 200] [--idle 30]

Builds `--databases` eyelet databases (`<root>/project-N/.eyelet-logging/eyelet.db`, eyelet's schema, WAL),
then measures:
- the engine in this process: CPU while idle, and commit → delta latency when another process commits to
  one database at random every 50 ms;
- the app as users start it (`python -m eyelet_gui ROOT`, no browser): CPU while idle, with 1 database and
  with all of them, in one run so that their ratio is fair on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, connect_writer, create_modern_database
from eyelet_gui.sources.query import Query
from eyelet_gui.state.live.diff import Delta

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import cpu_seconds, free_port, print_conditions, serving, summary
from engine import watcher_for

WRITER = '''
import random, sqlite3, sys, time
paths, commits, pause = sys.argv[3:], int(sys.argv[1]), float(sys.argv[2])
connections = [sqlite3.connect(path, isolation_level=None, timeout=60) for path in paths]
rng = random.Random(7)
for i in range(commits):
    time.sleep(pause)
    rng.choice(connections).execute(
        "INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, status, data) "
        "VALUES (?, 'now', 'bench', 'PreToolUse', 'success', '{}')", (time.time(),))
'''


def build(root: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = root / f'project-{n}' / '.eyelet-logging' / 'eyelet.db'
        path.parent.mkdir(parents=True)
        create_modern_database(path)
        connection = connect_writer(path)
        connection.execute(INSERT_HOOK, {
            'timestamp': time.time(), 'timestamp_iso': '', 'session_id': 'seed', 'hook_type': 'SessionStart',
            'tool_name': None, 'status': 'success', 'duration_ms': 1, 'hostname': '', 'ip_address': '',
            'project_dir': str(path.parents[1]), 'data': '{}'})
        connection.close()
        paths.append(path)
    return paths


async def engine_figures(paths: list[Path], commits: int, idle_seconds: float) -> tuple[float, list[float]]:
    """(share of a core used while idle, commit → delta latencies) with a watcher on every database."""
    watchers = [watcher_for(path) for path in paths]
    seen: list[float] = []
    for watcher in watchers:
        watcher.start()
        live = watcher.live.acquire(Query(relation='hooks', limit=100))

        def on_delta(delta: Delta, live: object = live) -> None:
            now = time.time()
            columns = live.columns  # type: ignore[attr-defined]
            timestamp, session = columns.index('timestamp'), columns.index('session_id')
            seen.extend(now - row[timestamp] for _, _, row in delta.added if row[session] == 'bench')

        live.delta.subscribe(on_delta)
    await asyncio.sleep(3)  # settle: first reads done
    before = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.sleep(idle_seconds)
    after = resource.getrusage(resource.RUSAGE_SELF)
    idle = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / idle_seconds

    writer = await asyncio.create_subprocess_exec(sys.executable, '-c', WRITER, str(commits), '0.05',
                                                  *map(str, paths))
    await writer.wait()
    deadline = time.monotonic() + 5
    while len(seen) < commits and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for watcher in watchers:
        await watcher.stop()
    return idle, seen


def app_idle_share(root: Path, expected: int, seconds: float) -> float:
    """Share of one core `python -m eyelet_gui ROOT` uses while nothing is written and nobody looks."""
    port = free_port()
    with serving([sys.executable, '-m', 'eyelet_gui', str(root), '--no-show', '--port', str(port)], port,
                 output=subprocess.PIPE) as app:  # serving: a first page was asked for, as a user opens and leaves
        assert app.stdout is not None
        watching = 0
        while watching < expected:
            line = app.stdout.readline()
            if not line:
                raise RuntimeError(f'the app stopped after watching {watching} databases')
            watching += line.startswith('Watching ')
        time.sleep(10)  # the search ends; the page asked for stays a tab for a minute, as one just closed does
        before = cpu_seconds(app.pid)
        time.sleep(seconds)
        return float(cpu_seconds(app.pid) - before) / seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--databases', type=int, default=100, help='databases watched')
    parser.add_argument('--commits', type=int, default=200, help='commits timed for latency')
    parser.add_argument('--idle', type=float, default=30.0, help='seconds of idle measured')
    args = parser.parse_args()
    print_conditions('many databases', f'{args.databases} eyelet databases in WAL mode on the local disk')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-many-') as folder:
        one, many = Path(folder) / 'one', Path(folder) / 'many'
        build(one, 1)
        paths = build(many, args.databases)

        idle, latencies = await engine_figures(paths, args.commits, args.idle)
        print(f'\nengine, {args.databases} databases watched, idle for {args.idle:.0f} s: '
              f'{idle * 100:.2f} % of one core')
        print(f'  commit → delta, one of {args.databases} databases at random every 50 ms: {summary(latencies)}; '
              f'{len(latencies)} of {args.commits} rows seen')

        for root, count in ((one, 1), (many, args.databases)):
            share = app_idle_share(root, count, args.idle)
            print(f'\napp (python -m eyelet_gui), {count} database(s), idle for {args.idle:.0f} s: '
                  f'{share * 100:.2f} % of one core')


if __name__ == '__main__':
    asyncio.run(main())
