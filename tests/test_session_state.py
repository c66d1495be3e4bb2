"""Each session's state and the episodes that need you, through the real path: records eyelet's own logger wrote
from Claude Code's payloads, read by the always-on attention list from the file (or a team's PostgreSQL)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.state.catalog import Catalog
from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.live.watcher import Watcher

from .eyelet_logger import eyelet_execute, log_payloads
from .postgres_server import PostgresServer
from .records import BASH, Session, Timed
from .test_engine import eventually, watching
from .test_forward import Forward

PERMISSION = 'Claude needs your permission to use Bash'
ASKS_BASH = 'Bash: pytest -q — Run the tests'
DENIED = ("The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file "
          'edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell '
          'you how to proceed.')


class Told:
    """An attention list, and every episode it said began or ended, in order."""

    def __init__(self, attention: Attention) -> None:
        self.attention = attention
        self.said: list[tuple[str, str, str]] = []
        """(began|ended, session, state)."""
        attention.began.subscribe(lambda episode: self.said.append(('began', episode.session_id, episode.state)),
                                  unsubscribe_on_delete=False)
        attention.ended.subscribe(lambda episode: self.said.append(('ended', episode.session_id, episode.state)),
                                  unsubscribe_on_delete=False)

    def episodes(self) -> list[tuple[str, str, str, bool]]:
        """(session, state, asks, fresh) of the list, longest waiting first."""
        return [(e.session_id, e.state, e.asks, e.fresh) for e in self.attention.episodes]

    def state(self, session: str) -> str | None:
        watcher_id = next(iter(self.attention.watchers))
        return self.attention.state_of(watcher_id, session, time.time())


@asynccontextmanager
async def attending(watcher: Watcher, idle_after: float = 3600.0) -> AsyncIterator[Told]:
    attention = Attention({watcher.database.id: watcher}, idle_after=idle_after)
    told = Told(attention)
    attention.start()
    try:
        await eventually(lambda: attention.tallies.get(watcher.database.id) is not None)
        yield told
    finally:
        await attention.stop()


def waiting_sessions(cwd: str, now: float) -> list[Timed]:
    """One session in each state, as eyelet logged it some seconds before the list starts."""
    def asking(session: str) -> Session:
        return Session(session, cwd).prompt(now - 60, f'Task of {session}').begin(now - 50, f'{session}-1', 'Bash',
                                                                                 BASH)
    typed = asking('typed')
    typed.events.append((now - 49, cc.notification('typed', cwd, PERMISSION, 'permission_prompt')))
    requested = asking('requested')
    requested.events.append((now - 49.5, cc.permission_request('requested', cwd, 'Bash', BASH)))
    requested.events.append((now - 49, cc.notification('requested', cwd, PERMISSION, 'permission_prompt')))
    old = asking('old')
    old.events.append((now - 48, cc.notification('old', cwd, PERMISSION)))  # Claude Code before notification_type
    failing = Session('failing', cwd).prompt(now - 60, 'Make the tests pass')
    for number in range(3):
        failing.call(now - 40 + number, now - 39.5 + number, f'failing-{number}', 'Bash', BASH, error='Exit code 1')
    stopped = Session('stopped', cwd).prompt(now - 60, 'Fix the flaky test')
    stopped.events.append((now - 30, cc.stop('stopped', cwd)))
    elicited = Session('elicited', cwd).prompt(now - 60, 'Open the issue')
    elicited.events.append((now - 20, cc.notification('elicited', cwd, 'MCP server github asks: which repository?',
                                                      'elicitation_dialog')))
    working = asking('working')
    working.events.append((now - 45, cc.post_tool_use('working', cwd, 'Bash', BASH, 'working-1', {})))
    ended = Session('ended', cwd).prompt(now - 60, 'Done').finish(now - 10)
    quiet = Session('quiet', cwd).prompt(now - 20 * 60, 'A long job').begin(now - 15 * 60, 'quiet-1', 'Bash', BASH)
    idle = Session('idle', cwd).prompt(now - 3 * 3600, 'Yesterday')
    idle.events.append((now - 2 * 3600, cc.stop('idle', cwd)))
    looping = Session('looping', cwd).prompt(now - 3 * 3600, 'Retry until it passes')  # failing for two hours …
    stale_loop = Session('stale_loop', cwd).prompt(now - 3 * 3600, 'Retry until it passes')  # … or two hours ago
    for number in range(4):
        looping.call(now - 2 * 3600 + number, now - 2 * 3600 + number + 0.5, f'looping-{number}', 'Bash', BASH,
                     error='Exit code 1')
        stale_loop.call(now - 2 * 3600 + number, now - 2 * 3600 + number + 0.5, f'stale-{number}', 'Bash', BASH,
                        error='Exit code 1')
    looping.call(now - 31, now - 30, 'looping-4', 'Bash', BASH, error='Exit code 1')
    return sorted((event for session in (typed, requested, old, failing, stopped, elicited, working, ended, quiet,
                                         idle, looping, stale_loop) for event in session.events),
                  key=lambda event: event[0])


WAITING = [('looping', 'failing', '5 tool calls failed in a row, the last Bash', False),
           ('requested', 'needs_permission', ASKS_BASH, False),
           ('typed', 'needs_permission', ASKS_BASH, False),
           ('old', 'needs_permission', ASKS_BASH, False),
           ('failing', 'failing', '3 tool calls failed in a row, the last Bash', False),
           ('stopped', 'waiting_for_input', 'Done: Fix the flaky test', False),
           ('elicited', 'waiting_for_input', 'MCP server github asks: which repository?', False)]
"""waiting_sessions's episodes (session, state, asks, fresh), longest waiting first."""
STATES = {'working': 'working', 'ended': 'ended', 'quiet': 'quiet', 'idle': 'idle', 'typed': 'needs_permission',
          'failing': 'failing', 'stopped': 'waiting_for_input', 'looping': 'failing', 'stale_loop': 'idle'}
"""A loop that still fails stays listed past the idle hour; one that stopped failing that long ago is idle."""


async def test_each_state_from_eyelets_records_and_each_episode_told_once(tmp_path: Path) -> None:
    cwd = tmp_path / 'acme'
    now = time.time()
    path = log_payloads(cwd, waiting_sessions(str(cwd), now))
    async with watching(path, poll_interval=0.2) as watcher, attending(watcher) as told:
        await eventually(lambda: len(told.attention.episodes) == len(WAITING))
        assert (told.episodes(), {session: told.state(session) for session in STATES}) == (WAITING, STATES)
        episode = told.attention.episodes[1]
        assert (episode.page, episode.project_name, episode.words) == (
            f'/sessions/{watcher.database.id}/requested', 'acme', 'needs your permission')
        told.said.clear()

        c = str(cwd)
        log_payloads(cwd, [
            (None, cc.post_tool_use('typed', c, 'Bash', BASH, 'typed-1', {})),  # allowed: it works again
            (None, cc.post_tool_use_failure('requested', c, 'Bash', BASH, 'requested-1', DENIED)),  # denied …
            (None, cc.stop('requested', c)),  # … and the turn ends: it waits for you, a new episode
            (None, cc.notification('stopped', c, 'Claude is waiting for your input', 'idle_prompt')),  # the same one
            (None, cc.post_tool_use('failing', c, 'Bash', BASH, 'failing-3', {})),
            (None, cc.pre_tool_use('failing', c, 'Bash', BASH, 'failing-3')),
            (None, cc.user_prompt('fresh', c, 'New work')), (None, cc.stop('fresh', c))])
        await eventually(lambda: ('began', 'fresh', 'waiting_for_input') in told.said)
        assert sorted(told.said) == sorted([
            ('ended', 'typed', 'needs_permission'), ('ended', 'requested', 'needs_permission'),
            ('began', 'requested', 'waiting_for_input'), ('ended', 'failing', 'failing'),
            ('began', 'fresh', 'waiting_for_input')])
        assert told.episodes() == [
            WAITING[0],
            ('old', 'needs_permission', ASKS_BASH, False),
            ('stopped', 'waiting_for_input', 'Done: Fix the flaky test', False),
            ('elicited', 'waiting_for_input', 'MCP server github asks: which repository?', False),
            ('requested', 'waiting_for_input', 'Done: Task of requested', True),
            ('fresh', 'waiting_for_input', 'Done: New work', True)]


async def test_a_stop_and_its_idle_notice_are_one_episode_and_an_idle_hour_drops_it(tmp_path: Path) -> None:
    cwd = tmp_path / 'acme'
    c = str(cwd)
    path = log_payloads(cwd, [(None, cc.user_prompt('s', c, 'Write the docs')), (None, cc.stop('s', c))])
    async with watching(path, poll_interval=0.2) as watcher, attending(watcher, idle_after=8.0) as told:
        await eventually(lambda: told.episodes() == [('s', 'waiting_for_input', 'Done: Write the docs', False)])
        facts = told.attention.tallies[watcher.database.id].sessions['s']
        stopped = facts.last
        result = eyelet_execute(cwd, cc.notification('s', c, 'Claude is waiting for your input', 'idle_prompt'))
        assert result.returncode == 0, result.stderr
        await eventually(lambda: facts.last > stopped)
        # Eight seconds after the Stop it is idle: it leaves the list, told once; the idle notice began nothing.
        await eventually(lambda: not told.attention.episodes, timeout=30)
        assert told.said == [('began', 's', 'waiting_for_input'), ('ended', 's', 'waiting_for_input')]
        assert told.state('s') == 'idle'


async def test_a_permission_request_logged_by_eyelets_hook_command_asks_what_the_call_does(tmp_path: Path) -> None:
    """eyelet 0.3.5's enum lacks PermissionRequest: `eyelet execute` writes the row, then exits 1."""
    cwd = tmp_path / 'acme'
    c = str(cwd)
    remove = {'command': 'rm -rf build', 'description': 'Remove the build folder'}
    path = log_payloads(cwd, [(None, cc.user_prompt('s', c, 'Clean up')),
                              (None, cc.pre_tool_use('s', c, 'Bash', remove, 'toolu_1'))])
    async with watching(path, poll_interval=0.2) as watcher, attending(watcher) as told:
        await eventually(lambda: told.state('s') == 'working')
        result = eyelet_execute(cwd, cc.permission_request('s', c, 'Bash', remove))
        assert (result.returncode, 'PermissionRequest' in result.stderr) == (1, True)
        await eventually(lambda: told.episodes() != [])
        assert told.episodes() == [('s', 'needs_permission', 'Bash: rm -rf build — Remove the build folder', True)]


async def test_a_database_rewritten_empty_drops_its_episodes(tmp_path: Path) -> None:
    cwd = tmp_path / 'acme'
    c = str(cwd)
    path = log_payloads(cwd, [(None, cc.user_prompt(s, c, 'Go')) for s in ('a', 'b')]
                        + [(None, cc.stop(s, c)) for s in ('a', 'b')])
    async with watching(path, poll_interval=0.2) as watcher, attending(watcher) as told:
        await eventually(lambda: [episode[0] for episode in told.episodes()] == ['a', 'b'])
        for suffix in ('', '-wal', '-shm'):
            Path(f'{path}{suffix}').unlink(missing_ok=True)
        log_payloads(cwd, [(None, cc.user_prompt('c', c, 'Start again'))])
        await eventually(lambda: told.state('c') == 'working')
        assert (told.episodes(), sorted(told.said)) == ([], [
            ('began', 'a', 'waiting_for_input'), ('began', 'b', 'waiting_for_input'),
            ('ended', 'a', 'waiting_for_input'), ('ended', 'b', 'waiting_for_input')])


async def test_a_teams_records_through_forward_give_the_same_states(postgres: PostgresServer, tmp_path: Path) -> None:
    cwd = tmp_path / 'acme'
    path = log_payloads(cwd, waiting_sessions(str(cwd), time.time()))  # eyelet's own logger, on this machine
    url = postgres.database('team_attention')
    forward = Forward(str(path), '--to', url, '--machine', 'laptop-a').started()
    watcher = Watcher(Catalog(urls=[url]).databases[0], poll_interval=1.0, max_push_rate=10)  # another machine
    watcher.start()
    try:
        async with attending(watcher) as told:
            await eventually(lambda: len(told.attention.episodes) == len(WAITING))
            assert (told.episodes(), {session: told.state(session) for session in STATES}) == (WAITING, STATES)
            log_payloads(cwd, [(None, cc.post_tool_use('typed', str(cwd), 'Bash', BASH, 'typed-1', {}))])
            await eventually(lambda: ('ended', 'typed', 'needs_permission') in told.said)
            assert told.state('typed') == 'working'
    finally:
        await watcher.stop()
        forward.stop()


async def test_a_permission_dialog_waits_while_other_subagents_work(tmp_path: Path) -> None:
    """Subagents run at once in one session: one waits for your permission while the others start and end calls.
    The session needs you until the call asked about ends, whichever way the dialog was told."""
    cwd = tmp_path / 'acme'
    c = str(cwd)
    read = {'file_path': f'{c}/README.md'}
    task = {'description': 'Explore', 'prompt': 'Look around', 'subagent_type': 'Explore'}

    def dialog(session: str) -> list[tuple[float | None, dict[str, Any]]]:
        told = (cc.permission_request(session, c, 'Bash', BASH) if session == 'requested'
                else cc.notification(session, c, PERMISSION, 'permission_prompt'))
        return [(None, cc.user_prompt(session, c, 'Explore in parallel')),
                (None, cc.pre_tool_use(session, c, 'Task', task, f'{session}-t1')),
                (None, cc.pre_tool_use(session, c, 'Task', task, f'{session}-t2')),
                (None, cc.pre_tool_use(session, c, 'Bash', BASH, f'{session}-b1')), (None, told)]

    path = log_payloads(cwd, dialog('requested') + dialog('typed'))
    async with watching(path, poll_interval=0.2) as watcher, attending(watcher) as told:
        await eventually(lambda: len(told.episodes()) == 2)
        others = [(None, payload) for session in ('requested', 'typed') for payload in (
            cc.pre_tool_use(session, c, 'Read', read, f'{session}-r1'),
            cc.post_tool_use(session, c, 'Read', read, f'{session}-r1', {}))]
        log_payloads(cwd, [*others, (None, cc.user_prompt('marker', c, 'Read after the others'))])
        await eventually(lambda: told.state('marker') == 'working')
        assert (told.episodes(), sorted(told.said)) == ([('requested', 'needs_permission', ASKS_BASH, False),
                                                         ('typed', 'needs_permission', ASKS_BASH, False)],
                                                        [('began', 'requested', 'needs_permission'),
                                                         ('began', 'typed', 'needs_permission')])
        log_payloads(cwd, [(None, cc.post_tool_use(session, c, 'Bash', BASH, f'{session}-b1', {}))
                           for session in ('requested', 'typed')])
        await eventually(lambda: told.episodes() == [])
        assert (told.state('requested'), told.state('typed')) == ('working', 'working')
