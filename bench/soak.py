"""Soak: four writer processes at a combined 500 commits a second for minutes, many viewers; no row lost.

    uv run --group dev python bench/soak.py [--minutes 2] [--viewers 10] [--rate 500] [--rows 20000] [--sample-every 60]

Four processes insert, update and delete rows of an eyelet `hooks` table (60 / 25 / 15 %, updates and
deletes among the newest rows, where the view is) at `--rate` commits a second together, while `--viewers`
NiceGUI socket clients watch the live table's newest 1,000 rows. Each viewer keeps its own copy of the grid
by applying every transaction it receives, as AG Grid does. At the end, with the writers stopped, every
viewer's rows are compared with a fresh SELECT: rows missed, phantom rows (shown but gone) and rows with
stale values are counted. The server's resident memory and CPU are printed every `--sample-every` seconds
while writing, so a plateau (or a leak) shows as it happens, and summed up at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.grid_feed import KEY_FIELD, field_id
from eyelet_gui.state.live.query_url import table_path
from eyelet_gui.state.live.values import cell_text

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import create_hooks, print_conditions, served
from many_databases import cpu_seconds
from viewers import Viewer, resident_mb

VISIBLE = 1000
WRITER = '''
import random, sqlite3, sys, time
path, seconds, rate, seed = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
connection = sqlite3.connect(path, isolation_level=None, timeout=60)
connection.execute('PRAGMA synchronous = NORMAL')
rng = random.Random(seed)
end = time.monotonic() + seconds
commits = 0
while time.monotonic() < end:
    started = time.monotonic()
    newest = connection.execute('SELECT max(id) FROM hooks').fetchone()[0] or 0
    roll = rng.random()
    if roll < 0.60:
        connection.execute("INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, tool_name, status, "
                           "duration_ms, data) VALUES (?, '', ?, 'PostToolUse', 'Bash', 'success', ?, '{}')",
                           (time.time(), f'soak-{seed}', commits))
    elif roll < 0.85:
        connection.execute('UPDATE hooks SET duration_ms = ?, status = ? WHERE id = ?',
                           (commits, rng.choice(['success', 'error']), newest - rng.randrange(900)))
    else:
        connection.execute('DELETE FROM hooks WHERE id = ?', (newest - rng.randrange(1, 900),))
    commits += 1
    time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
print(commits)
'''


class Copy(Viewer):  # type: ignore[misc]  # bench modules are found at run time: Any to mypy
    """A viewer that keeps the grid's rows by key, applying each transaction as AG Grid would."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}

    async def _grids_ready(self, elements: dict[str, dict[str, Any]]) -> None:
        for element in elements.values():
            if isinstance(element, dict) and element.get('tag') == 'nicegui-aggrid':
                self.rows = {row[KEY_FIELD]: row for row in element['props']['options']['rowData']}
        await super()._grids_ready(elements)

    async def _received(self, event: str, data: object = None) -> None:
        await super()._received(event, data)
        code = data.get('code', '') if isinstance(data, dict) else ''
        if event == 'run_javascript' and '"applyLiveDelta"' in code:
            _, delta, _ = json.loads(code[code.index('['):code.rindex(']') + 1])
            for key in delta['remove']:
                self.rows.pop(key, None)
            for _, row in delta['add']:
                self.rows[row[KEY_FIELD]] = row
            for cells in delta['update']:
                if cells[KEY_FIELD] in self.rows:
                    self.rows[cells[KEY_FIELD]].update(cells)


async def sample(pid: int, every: float, samples: list[tuple[float, float]]) -> None:
    """Every `every` seconds, append and print (minutes since the start, MB resident) with the CPU since the last."""
    started, cpu = time.monotonic(), cpu_seconds(pid)
    while True:
        await asyncio.sleep(every)
        now, cpu_now = time.monotonic(), cpu_seconds(pid)
        samples.append(((now - started) / 60, resident_mb(pid)))
        print(f'{samples[-1][0]:6.1f} min: server {samples[-1][1]:.1f} MB resident, CPU {(cpu_now - cpu) / every:.0%} '
              'of one core since the last sample', flush=True)
        cpu = cpu_now


def fresh_window(path: Path) -> dict[str, dict[str, str]]:
    """The view's rows as the grid holds them: key and every column as cell text, newest 1,000 by id."""
    connection = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    try:
        cursor = connection.execute(f'SELECT * FROM hooks ORDER BY id DESC LIMIT {VISIBLE}')
        rows = cursor.fetchall()
    finally:
        connection.close()
    return {str(row[0]): {KEY_FIELD: str(row[0]), **{field_id(i): cell_text(value) for i, value in enumerate(row)}}
            for row in rows}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--minutes', type=float, default=2.0, help='minutes of writing')
    parser.add_argument('--viewers', type=int, default=10, help='socket-client viewers')
    parser.add_argument('--rate', type=float, default=500, help='commits a second, all writers together')
    parser.add_argument('--rows', type=int, default=20_000, help='rows in the table before writing starts')
    parser.add_argument('--sample-every', type=float, default=60, help='seconds between memory samples')
    args = parser.parse_args()
    print_conditions('soak', f'4 writer processes, {args.viewers} socket-client viewers, all on the same 2 cores')
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-soak-') as folder:
        path = Path(folder) / 'eyelet.db'
        create_hooks(path, args.rows)
        with served(path) as (url, pid):
            viewers = [Copy() for _ in range(args.viewers)]
            async with httpx.AsyncClient(base_url=url, timeout=60) as http:
                for viewer in viewers:
                    await viewer.open(http, url, f'{table_path(database_id(path.resolve()), "hooks")}?limit={VISIBLE}')
            await asyncio.sleep(3)
            memory, cpu, started = resident_mb(pid), cpu_seconds(pid), time.monotonic()
            samples: list[tuple[float, float]] = [(0.0, memory)]
            sampling = asyncio.create_task(sample(pid, args.sample_every, samples))
            writers = [await asyncio.create_subprocess_exec(
                sys.executable, '-c', WRITER, str(path), str(args.minutes * 60), str(args.rate / 4), str(seed),
                stdout=asyncio.subprocess.PIPE) for seed in range(4)]
            commits = [int((await writer.communicate())[0]) for writer in writers]
            elapsed = time.monotonic() - started
            sampling.cancel()
            cpu_share = (cpu_seconds(pid) - cpu) / elapsed
            await asyncio.sleep(2)  # the last changes reach every viewer
            expected = fresh_window(path)
            growth = resident_mb(pid) - memory
            for viewer in viewers:
                await viewer.socket.disconnect()
    missed = [len(expected.keys() - viewer.rows.keys()) for viewer in viewers]
    phantom = [len(viewer.rows.keys() - expected.keys()) for viewer in viewers]
    stale = [sum(viewer.rows[key] != row for key, row in expected.items() if key in viewer.rows)
             for viewer in viewers]
    print(f'\n{sum(commits):,} commits in {elapsed:.0f} s ({sum(commits) / elapsed:.0f}/s) by 4 writers')
    print(f'{args.viewers} viewers of the newest {VISIBLE:,} rows (each holding {min(len(v.rows) for v in viewers):,}'
          f' to {max(len(v.rows) for v in viewers):,}): rows missed {sum(missed)}, phantom rows {sum(phantom)}, '
          f'stale rows {sum(stale)} (over all viewers)')
    print(f'server: memory grew {growth:.1f} MB; CPU {cpu_share * 100:.0f} % of one core while writing')
    half = [mb for minute, mb in samples if minute >= samples[-1][0] / 2]
    if len(half) > 1:  # a leak grows through the run; a plateau stops growing early
        print(f'memory over the second half of the run: {half[0]:.1f} → {half[-1]:.1f} MB '
              f'(min {min(half):.1f}, max {max(half):.1f})')


if __name__ == '__main__':
    asyncio.run(main())
