"""The live session list, counted from the records eyelet's own logger writes."""

from __future__ import annotations

import time
from pathlib import Path

from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.eyelet.sessions import SessionList

from .eyelet_logger import log_payloads
from .records import BASH, Session
from .test_engine import eventually, watching
from .test_real_records import git_project

BRANCH = 'feature/rate-limits'  # git_project's


async def test_session_list_counts_and_follows_commits(tmp_path: Path) -> None:
    cwd, _ = git_project(tmp_path)  # eyelet records the branch, which is where the list reads it
    now = time.time()
    alpha = (Session('alpha', str(cwd)).prompt(now - 100, 'Fix the flaky test').prompt(now - 95, 'And the docs')
             .call(now - 90, now - 89, 'a1', 'Bash', BASH, error='Exit code 1')
             .call(now - 80, now - 79.5, 'a2', 'Read', {'file_path': 'README.md'})
             .begin(now - 70, 'a3', 'Bash', BASH))
    beta = Session('beta', str(cwd)).prompt(now - 30, 'Add rate limits').call(now - 29, now - 28, 'b1', 'Grep',
                                                                               {'pattern': 'limit'})
    ancient = Session('ancient', str(cwd)).prompt(now - 10 * 86400, 'Older than a week: not listed')
    everything = Session('', str(cwd))
    everything.events = alpha.events + beta.events + ancient.events
    path = log_payloads(cwd, everything.in_order())
    async with watching(path) as watcher:
        attention = Attention({watcher.database.id: watcher})
        attention.start()
        sessions = SessionList(attention)
        sessions.loop.start()
        try:
            await eventually(lambda: len(sessions.rows) == 2)
            key = watcher.database.id
            # state, project, branch, session, last prompt, prompts, calls, failures, running, duration, last
            assert [(k, row[:10]) for k, row in sessions.rows] == [
                (f'{key}:beta', ('working', str(cwd), BRANCH, 'beta', 'Add rate limits', 1, 1, 0, 0, 2.0)),
                (f'{key}:alpha', ('working', str(cwd), BRANCH, 'alpha', 'And the docs', 2, 3, 1, 1, 30.0))]
            log_payloads(cwd, Session('alpha', str(cwd)).end(now - 5, 'a3', 'Bash', BASH).finish(now).events)
            await eventually(lambda: [k for k, _ in sessions.rows] == [f'{key}:alpha', f'{key}:beta'])
            assert sessions.rows[0][1][:10] == ('ended', str(cwd), BRANCH, 'alpha', 'And the docs', 2, 3, 1, 0, 100.0)
        finally:
            await sessions.stop()
            await attention.stop()
