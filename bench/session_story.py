"""What a session page's refresh costs after one commit, by the session's size: the story read incrementally (only
the records past the last one read) against reading and parsing the whole session again, as the page did before.

    uv run --group dev python bench/session_story.py     # --sizes 1000 10000 50000 --others 200000 --commits 30

The session's records are eyelet 0.3.5's (Claude Code's payload in `data.input_data`, status 'unknown', duration
NULL), in a table that also holds `--others` records of other sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, connect_writer
from eyelet_gui.sources.eyelet.tail import tail_statement
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.eyelet.session_story import SessionStory
from eyelet_gui.state.eyelet.session_timeline import SessionTimeline
from eyelet_gui.state.live.watcher import Watcher
from eyelet_gui.tests.session_records import post, pre, record

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import create_hooks, print_conditions, summary

SESSION = 'bench-session'


def call_record(i: int, at: float) -> dict[str, object]:
    """The i-th record of the session: calls begun and ended in turn."""
    tool_input = {'command': f'pytest -q tests/test_{i // 2}.py', 'description': 'Run one test file'}
    event = pre(SESSION, 'Bash', f'toolu_{i // 2}', **tool_input) if i % 2 == 0 else \
        post(SESSION, 'Bash', f'toolu_{i // 2}', {'stdout': '1 passed', 'stderr': '', 'interrupted': False},
             **tool_input)
    return record(at, event)


async def measure(path: Path, size: int, commits: int) -> tuple[float, list[float], list[float]]:
    watcher = Watcher(sqlite_database(path), poll_interval=1.0,
                      max_push_rate=10)
    timeline = SessionTimeline(watcher, SESSION)
    writer = connect_writer(path)
    try:
        started = time.perf_counter()
        await timeline.refresh()
        first = time.perf_counter() - started
        assert timeline.story.counts.events == size
        incremental, whole = [], []
        for i in range(size, size + commits):
            writer.execute(INSERT_HOOK, call_record(i, time.time()))
            started = time.perf_counter()
            await timeline.refresh()
            incremental.append(time.perf_counter() - started)
        for _ in range(commits):  # before: the whole session read and parsed again on each commit
            started = time.perf_counter()
            hooks = (await watcher.relations())['hooks']
            SessionStory().add((await watcher.reader.fetch(tail_statement(hooks, 0, -1, session_id=SESSION))).rows)
            whole.append(time.perf_counter() - started)
        assert timeline.story.counts.events == size + commits
        return first, incremental, whole
    finally:
        writer.close()
        await watcher.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[1000, 10_000, 50_000])
    parser.add_argument('--others', type=int, default=200_000)
    parser.add_argument('--commits', type=int, default=30)
    arguments = parser.parse_args()
    print_conditions('session story', f'{arguments.others:,} records of other sessions; {arguments.commits} '
                                      'commits of one record each per size')
    for size in arguments.sizes:
        with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-') as folder:
            path = Path(folder) / 'eyelet.db'
            create_hooks(path, arguments.others)
            writer = connect_writer(path)
            start = time.time() - size
            with writer:
                writer.execute('BEGIN')
                writer.executemany(INSERT_HOOK, (call_record(i, start + i) for i in range(size)))
            writer.close()
            first, incremental, whole = await measure(path, size, arguments.commits)
            print(f'session of {size:,} records: first read {first * 1000:.0f} ms; after one commit: incremental '
                  f'{summary(incremental)}; whole session again {summary(whole)}')


if __name__ == '__main__':
    asyncio.run(main())
