"""`eyelet-gui forward`: lag from a commit in SQLite to the record in PostgreSQL, throughput, and a kill.

    uv run --group dev python bench/forward.py [--rate 20] [--seconds 30] [--projects 3] [--backlog 20000]

A throw-away PostgreSQL cluster from Debian's package (tests/postgres_server.py) receives the records. Three
measurements, each with a fresh target database and `python -m eyelet_gui forward` as a person starts it:

1. Lag: a separate process commits records as eyelet writes them (a Bash call's PostToolUse, real-shaped), `--rate`
   a second spread over `--projects` project databases, for `--seconds`; a poller in this process reads the new rows
   of eyelet_hooks every 10 ms. Lag is the poller's clock at arrival minus the writer's just before its commit.
   `--rate 20` is ten times a busy Claude Code session (about two hook events a second at its peak).
2. The same, with the forwarder killed (SIGKILL) half way and started again a second later: lag p95 then includes
   the gap; every record must arrive exactly once.
3. Throughput: `--backlog` records already in one database when the forwarder starts; the time until the last is in
   PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
from common import create_hooks, percentile, print_conditions, project_database

from eyelet_gui.sources.eyelet.schema import create_modern_database
from eyelet_gui.tests.postgres_server import PostgresServer

WRITER = '''
import sys, time, json
sys.path.insert(0, sys.argv[1])
from common import insert
from eyelet_gui.sources.eyelet.schema import connect_writer
from pathlib import Path
paths, rate, seconds = [Path(p) for p in json.loads(sys.argv[2])], float(sys.argv[3]), float(sys.argv[4])
connections = [connect_writer(path) for path in paths]
start = time.time()
for number in range(int(rate * seconds)):
    time.sleep(max(0.0, start + number / rate - time.time()))
    stamp = insert(connections[number % len(connections)], number)
    print(number % len(connections) + 1, number // len(connections) + 1, stamp, flush=True)
'''
"""Commits `rate` records a second round-robin over the databases; prints (database, id, time before commit)."""


def forwarder(target: str, paths: list[Path]) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, '-m', 'eyelet_gui', 'forward', *map(str, paths), '--to', target,
                                '--machine', 'bench'], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    while not process.stdout.readline().startswith('Forwarding the eyelet records'):
        assert process.poll() is None, process.communicate()[0]
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert 'Traceback' not in output, output


def arrivals(target: str, expected: int, patience: float) -> dict[tuple[str, int], float]:
    """(source, id) → when the poller first saw it, until `expected` rows are there (or `patience` ran out)."""
    seen: dict[tuple[str, int], float] = {}
    last_seq = 0
    deadline = time.time() + patience
    with psycopg.connect(target, autocommit=True) as connection:
        while len(seen) < expected and time.time() < deadline:
            try:
                rows = connection.execute('SELECT seq, source, id FROM eyelet_hooks WHERE seq > %s ORDER BY seq',
                                          (last_seq,)).fetchall()
            except psycopg.errors.UndefinedTable:
                rows = []
            now = time.time()
            for seq, source, id_ in rows:
                seen.setdefault((source, id_), now)
                last_seq = seq
            time.sleep(0.01)
        doubled = connection.execute('SELECT count(*) - count(DISTINCT (source, id)) FROM eyelet_hooks').fetchone()
    assert doubled == (0,), f'{doubled} records twice'
    return seen


def lag_run(server: PostgresServer, folder: Path, name: str, args: argparse.Namespace, *, kill: bool) -> None:
    target = server.database(name)
    paths = [project_database(folder / f'{name}-{number}') for number in range(args.projects)]
    for path in paths:
        create_modern_database(path)
    process = forwarder(target, paths)
    total = int(args.rate * args.seconds)
    polling = ThreadPoolExecutor(1)
    seeing = polling.submit(arrivals, target, total, args.seconds + 60)  # from before the first commit to the last
    writer = subprocess.Popen([sys.executable, '-c', WRITER, str(Path(__file__).parent),
                               json.dumps([str(path) for path in paths]), str(args.rate), str(args.seconds)],
                              stdout=subprocess.PIPE, text=True)
    if kill:
        time.sleep(args.seconds / 2)
        process.kill()
        process.communicate()
        time.sleep(1.0)
        process = forwarder(target, paths)
    seen = seeing.result()
    polling.shutdown()
    written, _ = writer.communicate()
    stop(process)
    stamps = {(str(paths[int(database) - 1]), int(id_)): float(at)
              for database, id_, at in (line.split() for line in written.splitlines())}
    lags = [seen[key] - at for key, at in stamps.items() if key in seen]
    missing = len(stamps) - len(lags)
    label = 'killed half way and restarted 1 s later' if kill else 'steady'
    print(f'  {label}: {len(stamps)} records at {args.rate:g}/s over {args.projects} databases; commit → PostgreSQL '
          f'median {statistics.median(lags) * 1000:.0f} ms, p95 {percentile(lags, 0.95) * 1000:.0f} ms, '
          f'max {max(lags) * 1000:.0f} ms; {missing} never arrived, none twice')


def throughput_run(server: PostgresServer, folder: Path, args: argparse.Namespace) -> None:
    target = server.database('backlog')
    path = project_database(folder / 'backlog')
    create_hooks(path, args.backlog)
    started = time.time()
    process = forwarder(target, [path])
    seen = arrivals(target, args.backlog, 600)
    took = max(seen.values()) - started
    stop(process)
    print(f'  backlog: {len(seen):,} of {args.backlog:,} records in {took:.1f} s, {len(seen) / took:,.0f} records/s '
          '(the process start and its first connection included)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rate', type=float, default=20.0)
    parser.add_argument('--seconds', type=float, default=30.0)
    parser.add_argument('--projects', type=int, default=3)
    parser.add_argument('--backlog', type=int, default=20_000)
    args = parser.parse_args()
    print_conditions('forward', f'PostgreSQL {_server_version()} on the same cores (fsync off), forwarder, writer '
                                f'and poller too; load average {os.getloadavg()[0]:.2f} at the start')
    server = PostgresServer()
    try:
        with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-forward-') as folder:
            lag_run(server, Path(folder), 'steady', args, kill=False)
            lag_run(server, Path(folder), 'killed', args, kill=True)
            throughput_run(server, Path(folder), args)
    finally:
        server.stop()
    print(f'load average at the end (1, 5, 15 min): {", ".join(f"{value:.2f}" for value in os.getloadavg())}')


def _server_version() -> str:
    binaries = sorted(Path('/usr/lib/postgresql').glob('*'))
    return binaries[-1].name if binaries else '?'


if __name__ == '__main__':
    main()
