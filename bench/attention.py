"""How fast an agent that needs you reaches you, and how fast the attention list starts on a week of sessions.

    uv run --group dev python bench/attention.py [--projects 20] [--episodes 1000] [--rate 10] [--background 10]
        [--sessions 10000] [--only live|start]

(a) `--projects` eyelet databases (eyelet's schema, a few hundred real-shaped records each) served with
`python -m eyelet_gui`. A writer process commits `--episodes` episodes across them, `--rate` beginnings a second:
half permission prompts (PermissionRequest while a Bash call runs, ended by the call's PostToolUse), half turns
done (Stop, ended by the next prompt), each ended a second after it began; meanwhile another process writes
`--background` working agents' events a second (prompts, tool calls) into the same databases. Each commit that
begins or ends an episode is stamped just before it; a client of `/api/v1/attention/changes` stamps each `began`
and `ended` event; commit → event over both, with every episode checked to begin once and end once. A `json://`
receiver in this process is given to the app (`--notify`) and commit → delivery measured the same way (one message
per episode). A tab of Debian's Chromium shows `/` (the hook feed moving at every commit too): a MutationObserver
stamps each session's item joining and leaving the strip (its "more" link opened, so every item is drawn), which is
the moment the tab's title changes too (the same handler sets both).
(b) One database with `--sessions` sessions over the last week (six records each, as eyelet writes them; one in
ten still waiting for input): the time from `Attention.start` to its first list, with the file's watcher already
running, and how much of it the records' read (SQL) takes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import CHROMIUM_ARGS, create_hooks, free_port, print_conditions, serving, summary
from playwright.async_api import async_playwright

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.sources.eyelet.schema import (
    INSERT_HOOK,
    MODERN_SCHEMA,
    connect_writer,
    eyelet_environment,
    eyelet_record,
    git_metadata,
)
from eyelet_gui.state.catalog import sqlite_database
from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.live.watcher import Watcher

BASH = {'command': 'uv run pytest -q', 'description': 'Run the test suite'}
ENVIRONMENT = eyelet_environment({'CLAUDECODE': '1'}, platform='linux')
METADATA = {'hostname': 'devbox', 'ip_address': '192.168.1.23', 'git': git_metadata('main', '4f1c2ab', 'project')}


def record(payload: dict[str, Any], at: float | None = None) -> dict[str, Any]:
    return eyelet_record(payload, time.time() if at is None else at, environment=ENVIRONMENT, metadata=METADATA)


def cwd_of(path: Path) -> str:
    return str(path.parents[1])


# --- the writers (run as `bench/attention.py --episodes-writer …` / `--background-writer …`) ---

def episodes_writer(paths: list[Path], episodes: int, rate: float) -> None:
    """Begin an episode every 1/rate s and end each a second later; print `<session> <began|ended> <time>` for
    each, the time taken just before its commit."""
    connections = [connect_writer(path) for path in paths]
    pending: list[tuple[float, int]] = []  # (when to end it, episode)
    started = time.monotonic()
    for number in range(episodes + 1):
        due = started + number / rate
        while pending and (number == episodes or pending[0][0] <= due):
            when, ending = pending.pop(0)
            time.sleep(max(0.0, when - time.monotonic()))
            _end(connections, paths, ending)
        if number == episodes:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        _begin(connections, paths, number)
        pending.append((time.monotonic() + 1.0, number))
    print('done', flush=True)


def _session(number: int) -> str:
    return f'bench-{number:05}'


def _begin(connections: list[Any], paths: list[Path], number: int) -> None:
    index = number % len(paths)
    session, cwd, connection = _session(number), cwd_of(paths[index]), connections[index]
    with connection:  # what comes before the episode, committed on its own
        connection.execute(INSERT_HOOK, record(cc.user_prompt(session, cwd, f'Task {number}')))
        if number % 2 == 0:
            connection.execute(INSERT_HOOK, record(cc.pre_tool_use(session, cwd, 'Bash', BASH, f'toolu_{number}')))
    payload = cc.permission_request(session, cwd, 'Bash', BASH) if number % 2 == 0 else cc.stop(session, cwd)
    row = record(payload)
    print(session, 'began', time.time(), flush=True)
    connection.execute(INSERT_HOOK, row)  # autocommit: one commit


def _end(connections: list[Any], paths: list[Path], number: int) -> None:
    index = number % len(paths)
    session, cwd, connection = _session(number), cwd_of(paths[index]), connections[index]
    payload = (cc.post_tool_use(session, cwd, 'Bash', BASH, f'toolu_{number}', {'stdout': 'ok'}) if number % 2 == 0
               else cc.user_prompt(session, cwd, 'Go on'))
    row = record(payload)
    print(session, 'ended', time.time(), flush=True)
    connection.execute(INSERT_HOOK, row)


def background_writer(paths: list[Path], rate: float) -> None:
    """Working agents, one per project: a prompt, then tool calls that start and end, `rate` events a second."""
    connections = [connect_writer(path) for path in paths]
    rng = random.Random(3)
    open_calls: dict[int, int] = {}
    started, number = time.monotonic(), 0
    while True:
        time.sleep(max(0.0, started + number / rate - time.monotonic()))
        index = rng.randrange(len(paths))
        session, cwd = f'worker-{index}', cwd_of(paths[index])
        if number < len(paths):
            payload = cc.user_prompt(session, cwd, 'Keep working')
        elif index in open_calls:
            payload = cc.post_tool_use(session, cwd, 'Bash', BASH, f'w{open_calls.pop(index)}', {'stdout': 'ok'})
        else:
            open_calls[index] = number
            payload = cc.pre_tool_use(session, cwd, 'Bash', BASH, f'w{number}')
        connections[index].execute(INSERT_HOOK, record(payload))
        number += 1


# --- (a) commit → event ---

class Receiver(ThreadingHTTPServer):
    """A local `json://` endpoint: stamps each message as it arrives."""

    def __init__(self) -> None:
        self.received: list[tuple[float, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get('Content-Length') or 0)).decode(errors='replace')
                receiver.received.append((time.time(), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(('127.0.0.1', free_port()), Handler)


STAMP_STRIP = """() => {
  // Each session's item joining and leaving the strip, stamped on the wall clock the writer stamps commits on.
  window.stripSeen = {};
  let present = new Set();
  const scan = () => {
    const now = performance.timeOrigin + performance.now();
    const more = document.querySelector('.eyelet-attention [data-more]');
    if (more && more.textContent.trim().endsWith('more')) more.click();  // every item drawn, not the first five
    const shown = new Set([...document.querySelectorAll('.eyelet-attention [data-session]')]
      .map((item) => item.dataset.session.split(':').slice(1).join(':')));
    for (const session of shown) if (!present.has(session)) (window.stripSeen[session + ' began'] ||= []).push(now);
    for (const session of present) if (!shown.has(session)) (window.stripSeen[session + ' ended'] ||= []).push(now);
    present = shown;
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true });
}"""


def latencies_of(stamps: dict[tuple[str, str], float], seen: dict[tuple[str, str], list[float]],
                 what: str) -> tuple[list[float], list[tuple[str, str]]]:
    """Print commit → `what` over every beginning and end committed; the missed and doubled ones."""
    latencies = [seen[key][0] - at for key, at in stamps.items() if key in seen]
    missed = sorted(key for key in stamps if key not in seen)
    doubled = sorted(key for key, times in seen.items() if len(times) > 1 and key in stamps)
    print(f'commit → {what}: {summary(latencies)}; {len(stamps)} beginnings and ends committed, {len(missed)} missed, '
          f'{len(doubled)} doubled', flush=True)
    return latencies, missed + doubled


async def follow(port: int, seen: dict[tuple[str, str], list[float]], ready: asyncio.Event) -> None:
    """The attention stream's events, stamped as they arrive: (session, began|ended) → times."""
    reader, writer = await asyncio.open_connection('127.0.0.1', port, limit=2**24)
    writer.write(f'GET /api/v1/attention/changes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n'.encode())
    await writer.drain()
    event = ''
    try:
        while line := await reader.readline():
            text = line.decode().rstrip('\r\n')
            if text.startswith('event: '):
                event = text[7:]
            elif text.startswith('data: '):
                now = time.time()
                if event == 'snapshot':
                    ready.set()
                elif event in {'began', 'ended'}:
                    seen.setdefault((json.loads(text[6:])['session_id'], event), []).append(now)
    finally:
        writer.close()


def _stamps(output: str) -> dict[tuple[str, str], float]:
    stamps = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3:
            stamps[(parts[0], parts[1])] = float(parts[2])
    return stamps


async def live(projects: int, episodes: int, rate: float, background: float, page: str) -> None:
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-attention-') as folder:
        paths = []
        for number in range(projects):
            path = Path(folder) / f'project-{number}' / '.eyelet-logging' / 'eyelet.db'
            path.parent.mkdir(parents=True)
            create_hooks(path, 300, hour_events=300)
            paths.append(path.resolve())
        port = free_port()
        receiver = Receiver()
        command = [sys.executable, '-m', 'eyelet_gui', *map(str, paths), '--no-show', '--port', str(port),
                   '--notify', f'json://127.0.0.1:{receiver.server_address[1]}/']
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        with serving(command, port, probe='/favicon.ico'):
            playwright = await async_playwright().start()
            browser = await playwright.chromium.launch(executable_path='/usr/bin/chromium', args=CHROMIUM_ARGS)
            tab = await browser.new_page(viewport={'width': 1280, 'height': 900})
            await tab.add_init_script(f'({STAMP_STRIP})()')
            await tab.goto(f'http://127.0.0.1:{port}{page}')
            seen: dict[tuple[str, str], list[float]] = {}
            ready = asyncio.Event()
            following = asyncio.create_task(follow(port, seen, ready))
            await asyncio.wait_for(ready.wait(), 60)
            base = [sys.executable, __file__]
            names = list(map(str, paths))
            others = subprocess.Popen([*base, '--background-writer', str(background), *names],
                                      stdout=subprocess.DEVNULL)
            try:
                await asyncio.sleep(2)  # the agents at work before the first episode
                writer = await asyncio.create_subprocess_exec(
                    *base, '--episodes-writer', str(episodes), str(rate), *names, stdout=asyncio.subprocess.PIPE)
                output, _ = await writer.communicate()
                await asyncio.sleep(3)  # the last events
            finally:
                others.terminate()
                others.wait()
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
            strip = {tuple(key.split(' ')): [at / 1000 for at in times]
                     for key, times in (await tab.evaluate('window.stripSeen')).items()}
            await browser.close()
            await playwright.stop()
    receiver.shutdown()
    stamps = _stamps(output.decode())
    delivered: dict[tuple[str, str], list[float]] = {}
    for at, body in receiver.received:
        session = next((session for session, kind in stamps if kind == 'began' and session in body), None)
        if session is not None:
            delivered.setdefault((session, 'began'), []).append(at)
    wrong = latencies_of(stamps, seen, 'event on /api/v1/attention/changes')[1]
    wrong += latencies_of(stamps, strip,
                          f'item in (or out of) the strip of a tab on {page} (the title changes with it)')[1]
    wrong += latencies_of({key: at for key, at in stamps.items() if key[1] == 'began'}, delivered,
                          'json:// delivery (beginnings only: one message per episode)')[1]
    if wrong:
        raise SystemExit(f'missed or doubled: {wrong[:10]}')


# --- (b) the first state of a week's sessions ---

def week_of_sessions(sessions: int, now: float) -> Iterator[dict[str, Any]]:
    """Six records a session, the sessions spread over the last week; one in ten ends on a Stop (waiting), the
    others with SessionEnd."""
    rng = random.Random(5)
    for number in range(sessions):
        session, cwd = f'week-{number:05}', f'/home/dev/code/project-{number % 20}'
        at = now - 7 * 86400 + 60 + (7 * 86400 - 600) * number / sessions
        use = f'toolu_{number}'
        yield record(cc.session_start(session, cwd), at)
        yield record(cc.user_prompt(session, cwd, 'Fix the flaky test'), at + 1)
        yield record(cc.pre_tool_use(session, cwd, 'Bash', BASH, use), at + 2)
        yield record(cc.post_tool_use(session, cwd, 'Bash', BASH, use, {'stdout': 'ok'}), at + 2 + rng.random())
        yield record(cc.stop(session, cwd), at + 5)
        if number % 10:
            yield record(cc.session_end(session, cwd), at + 8)


async def start(sessions: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix='eyelet-gui-week-') as folder:
        path = Path(folder) / 'project' / '.eyelet-logging' / 'eyelet.db'
        path.parent.mkdir(parents=True)
        connection = connect_writer(path)
        connection.executescript(MODERN_SCHEMA)
        with connection:
            connection.execute('BEGIN')
            connection.executemany(INSERT_HOOK, week_of_sessions(sessions, time.time()))
        rows = connection.execute('SELECT count(*) FROM hooks').fetchone()[0]
        connection.close()
        watcher = Watcher(sqlite_database(path), poll_interval=1.0, max_push_rate=10)
        watcher.start()
        await watcher.relations()
        firsts, fetching = [], []
        original = watcher.reader.fetch
        fetched: list[float] = []

        async def timed_fetch(statement: Any) -> Any:
            began = time.perf_counter()
            try:
                return await original(statement)
            finally:
                fetched.append(time.perf_counter() - began)
        watcher.reader.fetch = timed_fetch  # type: ignore[method-assign]
        try:
            for _ in range(runs):
                attention = Attention({watcher.database.id: watcher})
                fetched.clear()
                began = time.perf_counter()
                attention.start()
                await attention.read.emitted(timeout=120)
                firsts.append(time.perf_counter() - began)
                fetching.append(sum(fetched))
                listed = len(attention.episodes)
                await attention.stop()
        finally:
            await watcher.stop()
    print(f'Attention.start → first list, {sessions} sessions of a week ({rows} records, {listed} waiting): '
          f'{summary(firsts)}; of which awaiting the SQL reads (the reader\'s fetch, in its thread): '
          f'{summary(fetching)}; '
          f'the rest (Python: records to events, pairing, the state machine, the list): '
          f'{summary([first - sql for first, sql in zip(firsts, fetching, strict=True)])}',
          flush=True)


def main() -> None:
    if sys.argv[1:2] == ['--episodes-writer']:
        episodes_writer(list(map(Path, sys.argv[4:])), int(sys.argv[2]), float(sys.argv[3]))
        return
    if sys.argv[1:2] == ['--background-writer']:
        with contextlib.suppress(KeyboardInterrupt):
            background_writer(list(map(Path, sys.argv[3:])), float(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--projects', type=int, default=20)
    parser.add_argument('--episodes', type=int, default=1000)
    parser.add_argument('--rate', type=float, default=10, help='episodes begun a second')
    parser.add_argument('--background', type=float, default=10, help="other agents' events a second")
    parser.add_argument('--sessions', type=int, default=10_000)
    parser.add_argument('--runs', type=int, default=5, help='starts of the attention list measured in (b)')
    parser.add_argument('--only', choices=['live', 'start'])
    parser.add_argument('--page', default='/', help="the page the tab shows (every page has the strip)")
    args = parser.parse_args()
    print_conditions('attention', f'app, writers and client on the same cores; load average '
                                  f'{os.getloadavg()[0]:.2f} at the start')
    if args.only != 'start':
        asyncio.run(live(args.projects, args.episodes, args.rate, args.background, args.page))
    if args.only != 'live':
        asyncio.run(start(args.sessions, args.runs))
    print(f'\nload average at the end (1, 5, 15 min): {", ".join(f"{load:.2f}" for load in os.getloadavg())}')


if __name__ == '__main__':
    main()
