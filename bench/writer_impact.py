"""Does watching slow the writer? eyelet's own logger, with 0 and with 20 viewers of the live overview.

    uv run --group dev python bench/writer_impact.py [--events 400] [--rate 50] [--viewers 20] [--rounds 10]

A separate process logs `--events` hook events at `--rate` a second through eyelet's `SQLiteLogger` (the
PyPI package, as its hook handler does: one connection per process, retries on "database is locked"),
timing every `log_hook` call, counting its retries and sampling the WAL's size. It runs against one
database that `python -m eyelet_gui` watches, alternately with nobody looking and with `--viewers` NiceGUI
socket clients on `/` (the hook feed, the charts and the connection list all reading live), `--rounds`
times each: sub-millisecond p99s drift with the machine's load, and alternating spreads the drift over both.

The viewer clients stand in for browsers on other machines (a phone, a laptop across the LAN), so they run
in a process of their own at the lowest CPU priority: what is measured is the server's work for them, not
theirs. Each round's p99 ratio is printed too, to show the spread.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import percentile, print_conditions, served
from viewers import Viewer

WRITER = '''
import json, os, random, sys, time, warnings
from datetime import datetime, timezone
from pathlib import Path
with warnings.catch_warnings():
    warnings.simplefilter('ignore')  # eyelet 0.3.5 uses pydantic's deprecated class-based config
    import eyelet.services.sqlite_connection as retrying
    from eyelet.domain.hooks import ExecutionResult, HookData
    from eyelet.services.sqlite_logger import SQLiteLogger

class CountingRandom:
    """eyelet's retry decorator draws one random jitter per retry, and only then: count the draws."""
    draws = 0
    def random(self):
        CountingRandom.draws += 1
        return random.random()

retrying.random = CountingRandom()
database, events, rate = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
logger = SQLiteLogger(database)
wal = Path(f'{database}-wal')
times, wal_sizes = [], []
for n in range(events):
    now = time.time()
    data = HookData(timestamp=datetime.fromtimestamp(now, tz=timezone.utc).isoformat(), timestamp_unix=now,
                    hook_type=('PreToolUse', 'PostToolUse')[n % 2], tool_name='Bash', session_id='impact',
                    transcript_path='/tmp/t.jsonl', cwd=Path('/home/dev/code/impact'),
                    input_data={'tool_input': {'command': 'pytest -q'}},
                    execution=ExecutionResult(status='success', duration_ms=n % 500))
    started = time.perf_counter()
    logger.log_hook(data)
    times.append(time.perf_counter() - started)
    wal_sizes.append(wal.stat().st_size if wal.exists() else 0)
    time.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
print(json.dumps({'times': times, 'retries': CountingRandom.draws, 'wal_max': max(wal_sizes),
                  'wal_end': wal_sizes[-1]}))
'''


@dataclass(frozen=True)
class Run:
    times: list[float]
    """Seconds each `log_hook` call took."""
    retries: int
    wal_max: int
    wal_end: int


def log_events(database: Path, events: int, rate: float) -> Run:
    done = subprocess.run([sys.executable, '-c', WRITER, str(database), str(events), str(rate)], check=True,
                          capture_output=True, text=True)
    return Run(**json.loads(done.stdout.splitlines()[-1]))


async def hold_viewers(url: str, viewers: int) -> None:
    """The viewer process: open `viewers` tabs of `/`, say so, keep them until standard input closes."""
    opened = [Viewer() for _ in range(viewers)]
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        for viewer in opened:
            await viewer.open(http, url, '/')
    print('ready', flush=True)
    await asyncio.to_thread(sys.stdin.read)
    for viewer in opened:
        await viewer.socket.disconnect()


@contextlib.contextmanager
def viewers_elsewhere(url: str, viewers: int) -> Iterator[None]:
    """`viewers` tabs of `/` held by a process of their own, at nice 19, for the block."""
    holder = subprocess.Popen(['nice', '-n', '19', sys.executable, __file__, '--hold', url, '--viewers', str(viewers)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        if holder.stdout is None or holder.stdout.readline() != 'ready\n':
            raise RuntimeError('the viewer process did not connect its viewers')
        yield
    finally:
        holder.communicate(timeout=60)  # closes its standard input: the viewers leave


def report(label: str, run: Run) -> float:
    p99 = percentile(run.times, 0.99)
    print(f'{label}: log_hook median {statistics.median(run.times) * 1000:.2f} ms, '
          f'p95 {percentile(run.times, 0.95) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms (n={len(run.times)}); '
          f'"database is locked" retries {run.retries}; WAL at most {run.wal_max / 1e6:.1f} MB, '
          f'{run.wal_end / 1e6:.1f} MB at the end')
    return float(p99)  # `common` is found at run time: Any to mypy


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--events', type=int, default=400, help='events logged per run')
    parser.add_argument('--rate', type=float, default=50, help='events a second')
    parser.add_argument('--viewers', type=int, default=20, help='viewers during the watched runs')
    parser.add_argument('--rounds', type=int, default=10, help='runs of each kind, alternating')
    parser.add_argument('--hold', metavar='URL', help=argparse.SUPPRESS)  # the viewer process
    args = parser.parse_args()
    if args.hold:
        return await hold_viewers(args.hold, args.viewers)
    print_conditions('writer impact', 'eyelet 0.3.5 SQLiteLogger in its own process; socket-client viewers in '
                     'another, at nice 19')
    runs: dict[str, list[Run]] = {'no viewer': [], f'{args.viewers} viewers': []}
    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-impact-') as folder:
        database = Path(folder) / 'impact' / '.eyelet-logging' / 'eyelet.db'
        database.parent.mkdir(parents=True)
        log_events(database, 10, args.rate)  # eyelet creates its schema
        with served(database) as (url, _):
            for number in range(args.rounds):
                runs['no viewer'].append(log_events(database, args.events, args.rate))
                with viewers_elsewhere(url, args.viewers):
                    runs[f'{args.viewers} viewers'].append(log_events(database, args.events, args.rate))
                alone, watched = (percentile(done[-1].times, 0.99) for done in runs.values())
                ratios.append(watched / alone)
                print(f'round {number + 1}: p99 {alone * 1000:.2f} ms alone, {watched * 1000:.2f} ms watched '
                      f'({ratios[-1]:.2f})', flush=True)
    print()
    p99s = [report(label, Run(times=[t for run in done for t in run.times],
                              retries=sum(run.retries for run in done), wal_max=max(run.wal_max for run in done),
                              wal_end=done[-1].wal_end))
            for label, done in runs.items()]
    print(f'p99 with {args.viewers} viewers / p99 with none: {p99s[1] / p99s[0]:.2f} over all rounds; per round: '
          f'median {statistics.median(ratios):.2f}, from {min(ratios):.2f} to {max(ratios):.2f}')


if __name__ == '__main__':
    asyncio.run(main())
