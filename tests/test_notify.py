"""`--notify URL`: real Apprise deliveries from a running app to local HTTP receivers (`json://`), one message per
episode that began while the app runs, with its project, state, what it asks and a token-free link; a receiver that
is down is said once and delays no other."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from eyelet_gui.demo import claude_code
from eyelet_gui.server import lan
from eyelet_gui.sources.redaction import redact_text
from eyelet_gui.state.catalog import database_id

from .conftest import ServedApp, free_port, wait_for
from .eyelet_logger import log_payloads
from .records import BASH, Session
from .test_no_secret_leaves import leaks, planted, random_parts

COMMAND = 'rm -rf build && make'
ASKS = f'needs your permission: Bash: {COMMAND} — Clean and build'


class Inbox:
    """A receiver on this machine: every JSON body posted to it, in order; `status` is what it answers."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.tries: list[float] = []
        """When each POST came (time.monotonic())."""
        self.status = 200
        inbox = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers['Content-Length']))
                inbox.tries.append(time.monotonic())
                if inbox.status == 200:
                    inbox.received.append(json.loads(body))
                self.send_response(inbox.status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'json://127.0.0.1:{self.server.server_address[1]}/hook'
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def messages(self) -> list[tuple[str, str]]:
        return [(message['title'], message['message']) for message in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    receiver = Inbox()
    yield receiver
    receiver.close()


def started(project: Path, session: str = 'before') -> Path:
    """The project's eyelet database, with a session that began (so the app has a file to watch)."""
    return log_payloads(project, [(None, claude_code.session_start(session, str(project)))])


def ask_permission(project: Path, session: str, command: str = COMMAND, at: float | None = None) -> float:
    """A Bash call that waits for permission, as Claude Code's hooks send it; the time of the prompt."""
    at = at or time.time()
    cwd, bash = str(project), {'command': command, 'description': 'Clean and build'}
    log_payloads(project, [
        (at - 0.2, claude_code.pre_tool_use(session, cwd, 'Bash', bash, f'{session}-1')),
        (at, claude_code.hook_payload('Notification', session, cwd, message='Claude needs your permission to use Bash',
                                      notification_type='permission_prompt'))])
    return at


def expected(project: Path, session: str, words: str, at: float, *, app: ServedApp, db: Path) -> tuple[str, str]:
    began = time.strftime('%H:%M:%S', time.localtime(at))
    link = f'http://127.0.0.1:{app.port}/sessions/{database_id(db)}/{session}'
    return project.name, f'{words}\nSince {began}, in {project}\n{link}'


def test_one_message_per_episode_that_began_while_running(
        served_app: Callable[..., ServedApp], inbox: Inbox, tmp_path: Path) -> None:
    project = tmp_path / 'shop'
    db = started(project)
    ask_permission(project, 'before')  # waiting before the start: a restart sends no past
    app = served_app(str(db), '--notify', inbox.url)
    at = ask_permission(project, 'alpha')
    wait_for(lambda: len(inbox.received) == 1, what='the permission prompt sent')
    assert inbox.messages() == [expected(project, 'alpha', ASKS, at, app=app, db=db)]
    # A Stop, then the idle notice after it: one episode of waiting, one message.
    cwd = str(project)
    stopped = time.time()
    log_payloads(project, [(None, claude_code.user_prompt('beta', cwd, 'Add rate limits')),
                           (stopped, claude_code.hook_payload('Stop', 'beta', cwd, stop_hook_active=False))])
    wait_for(lambda: len(inbox.received) == 2, what='the Stop sent')
    log_payloads(project, [(None, claude_code.hook_payload('Notification', 'beta', cwd,
                                                           message='Claude is waiting for your input',
                                                           notification_type='idle_prompt'))])
    last = ask_permission(project, 'gamma')  # after the idle notice: when it is sent, the notice was read
    wait_for(lambda: len(inbox.received) >= 3, what='the next episode sent')
    assert inbox.messages() == [
        expected(project, 'alpha', ASKS, at, app=app, db=db),
        expected(project, 'beta', 'waiting for your input: Done: Add rate limits', stopped, app=app, db=db),
        expected(project, 'gamma', ASKS, last, app=app, db=db)]
    assert 'token' not in json.dumps(inbox.received)


def test_only_the_states_asked_for(served_app: Callable[..., ServedApp], inbox: Inbox, tmp_path: Path) -> None:
    project = tmp_path / 'loop'
    db = started(project)
    app = served_app(str(db), '--notify', inbox.url, '--notify-on', 'failing')
    ask_permission(project, 'asking')
    now = time.time()  # after the start: a loop that began before it is not sent
    failing = Session('looping', str(project))
    for n in range(3):
        failing.call(now + 0.2 * n, now + 0.2 * n + 0.1, f'f{n}', 'Bash', BASH, error='Exit code 1')
    log_payloads(project, failing.in_order())
    wait_for(lambda: inbox.received, what='the loop of failures sent')
    title, body = inbox.messages()[0]
    assert (len(inbox.received), title, body.splitlines()[0], body.splitlines()[-1]) == (
        1, 'loop', 'failing: 3 tool calls failed in a row, the last Bash',
        f'http://127.0.0.1:{app.port}/sessions/{database_id(db)}/looping')


def test_a_receiver_down_is_said_once_and_delays_no_other(
        served_app: Callable[..., ServedApp], inbox: Inbox, tmp_path: Path) -> None:
    refused = f'json://127.0.0.1:{free_port()}/hook'  # nothing listens there
    broken = Inbox()
    broken.status = 500
    try:
        project = tmp_path / 'api'
        app = served_app(str(started(project)), '--notify', refused, '--notify', broken.url, '--notify', inbox.url)
        ask_permission(project, 'one')
        wait_for(lambda: len(inbox.received) == 1, what='the working receiver served')
        ask_permission(project, 'two')
        wait_for(lambda: len(broken.tries) == 6, what='three tries of each message')  # all tries of both: said by then
        broken.status = 200
        ask_permission(project, 'three')
        wait_for(lambda: len(broken.received) == 1 and len(inbox.received) == 3, what='the broken one back')
        output = app.stop()
    finally:
        broken.close()
    said = [line for line in output.splitlines() if line.startswith('Notifications')]
    refused_port, broken_port = urlsplit(refused).port, urlsplit(broken.url).port
    assert sorted(said) == sorted([
        f'Notifications to json://127.0.0.1:{refused_port} are not delivered (A Connection error occurred sending '
        'JSON notification to 127.0.0.1); said once, and again when they are.',
        f'Notifications to json://127.0.0.1:{broken_port} are not delivered (Failed to send JSON POST notification: '
        'Internal server error., error=500); said once, and again when they are.',
        f'Notifications reach json://127.0.0.1:{broken_port} again.'])
    assert inbox.tries[0] < broken.tries[2]  # served before the broken one's last try (its back-off: 1 + 2 s)


def test_the_message_holds_secrets_redacted(served_app: Callable[..., ServedApp], inbox: Inbox,
                                            tmp_path: Path) -> None:
    secret = planted()
    command = f"GITHUB_TOKEN={secret['github']} make"  # short: the line that says it is not cut
    project = tmp_path / 'deploy'
    # --show-secrets shows them on this machine's screen; a notification leaves it, and is redacted all the same.
    app = served_app(str(started(project)), '--notify', inbox.url, '--show-secrets')
    at = ask_permission(project, 'secret', command=command)
    wait_for(lambda: inbox.received, what='the permission prompt sent')
    db = project / '.eyelet-logging' / 'eyelet.db'
    shown = 'GITHUB_TOKEN=ghp_…[redacted, 40 chars] make'
    assert (shown, inbox.messages()) == (
        redact_text(command),
        [expected(project, 'secret', f'needs your permission: Bash: {shown} — Clean and build', at, app=app, db=db)])
    assert leaks([json.dumps(inbox.received)], random_parts(secret)) == []


def test_on_the_network_the_link_is_the_lan_address_without_the_token(
        served_app: Callable[..., ServedApp], inbox: Inbox, tmp_path: Path) -> None:
    project = tmp_path / 'phone'
    db = started(project)
    app = served_app(str(db), '--notify', inbox.url, '--host', '0.0.0.0', '--token', 'secret-token-of-the-lan')
    ask_permission(project, 'alpha')
    wait_for(lambda: inbox.received, what='the permission prompt sent')
    link = inbox.messages()[0][1].splitlines()[-1]
    assert link == f'{lan.url(lan.addresses("0.0.0.0")[0], app.port)}sessions/{database_id(db)}/alpha'
    assert 'secret-token-of-the-lan' not in json.dumps(inbox.received)
