"""Ctrl+C to exit, with everything open: how long `python -m eyelet_gui --demo` takes to end.

    uv run --group dev python bench/shutdown.py [--rounds 10]

Each round starts the app with the demo (its folder in a temporary TMPDIR), opens four tabs in Debian's Chromium
(`/`, the demo's `hooks` table, one of its sessions, and a live SQL statement on it), starts two scripts following
`/api/v1/db/{id}/table/hooks/changes` (server-sent events and JSON lines, each in a thread), waits until both have
read, lets it settle for 2 s, then sends SIGINT. Measured from the signal to the process's exit, and to the demo's
folder gone and both streams ended. The goal is 3 s at most.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
from playwright.async_api import async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, free_port, print_conditions, serving, summary

from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.query_url import table_path

PATIENCE = 60.0


class Follower(threading.Thread):
    """A script following a change stream until the server ends it."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.lines = 0
        self.ended_at: float | None = None

    def run(self) -> None:
        try:
            with httpx.stream('GET', self.url, timeout=httpx.Timeout(5, read=None)) as response:
                for _ in response.iter_lines():
                    self.lines += 1
        except httpx.HTTPError:
            pass
        self.ended_at = time.monotonic()


def until(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f'gave up waiting {PATIENCE:.0f} s for {what}')
        time.sleep(0.01)


def demo_and_session(folder: str) -> tuple[Path, str]:
    """The demo's database in `folder`, and one of its sessions."""
    (demo,) = Path(folder).glob('eyelet-gui-demo-*/demo-project/.eyelet-logging/eyelet.db')
    connection = sqlite3.connect(demo)
    try:
        return demo, str(connection.execute('SELECT session_id FROM hooks LIMIT 1').fetchone()[0])
    finally:
        connection.close()


async def one_round() -> tuple[float, float, int, list[str]]:
    """(seconds to exit, seconds to everything gone, exit status, warning or error lines printed)."""
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-bench-shutdown-') as folder:
        os.environ['TMPDIR'] = folder  # the app's demo folder goes here, where this can see it go
        port = free_port()
        url = f'http://127.0.0.1:{port}'
        command = [sys.executable, '-m', 'eyelet_gui', '--demo', '--no-show', '--port', str(port)]
        with serving(command, port, probe='/favicon.ico', output=subprocess.PIPE) as app:
            demo, session = demo_and_session(folder)
            demo_id = database_id(demo)
            statement = urlencode({'sql': 'SELECT hook_type, count(*) FROM hooks GROUP BY hook_type', 'live': '1'})
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
                for path, shown in (('/', '.eyelet-grid'), (table_path(demo_id, 'hooks'), '.eyelet-grid'),
                                    (f'/sessions/{demo_id}/{quote(session)}', f'text={session}'),
                                    (f'/db/{demo_id}/sql?{statement}', '.eyelet-grid')):
                    page = await browser.new_page()
                    await page.goto(url + path)
                    await page.wait_for_selector(shown, timeout=PATIENCE * 1000)
                changes = f'{url}/api/v1/db/{demo_id}/table/hooks/changes?limit=5'
                followers = [Follower(changes), Follower(f'{changes}&format=ndjson')]
                for follower in followers:
                    follower.start()
                until(lambda: all(follower.lines for follower in followers), 'both streams to read')
                await asyncio.sleep(2)
                interrupted = time.monotonic()
                app.send_signal(signal.SIGINT)
                output, _ = app.communicate(timeout=PATIENCE)
                exited = time.monotonic() - interrupted
                until(lambda: not demo.parents[2].exists() and all(follower.ended_at for follower in followers),
                      'the demo folder to go and both streams to end')
                gone = max([time.monotonic(), *(follower.ended_at or 0 for follower in followers)]) - interrupted
                await browser.close()
            problems = [line for line in output.splitlines() if any(word in line for word in
                                                                      ('ERROR', 'WARNING', 'Traceback'))]
            return exited, gone, app.returncode, problems


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--rounds', type=int, default=10)
    args = parser.parse_args()
    print_conditions('shutdown', f'--demo, 4 Chromium tabs and 2 change streams open, {args.rounds} rounds; '
                     f'load average {os.getloadavg()[0]:.2f} at the start')
    exits, gones, statuses, problems = [], [], set(), []
    for _ in range(args.rounds):
        exited, gone, status, printed = await one_round()
        exits.append(exited)
        gones.append(gone)
        statuses.add(status)
        problems.extend(printed)
    print(f'Ctrl+C to exit: {summary(exits)}')
    print(f'Ctrl+C to the demo folder gone and both streams ended: {summary(gones)}')
    print(f'exit statuses: {sorted(statuses)}; warning or error lines: {len(problems)}')
    for line in problems[:5]:
        print(f'  {line}')
    print(f'load average at the end: {os.getloadavg()[0]:.2f}')


if __name__ == '__main__':
    asyncio.run(main())
