"""`eyelet-gui forward` against a real PostgreSQL, on records eyelet's own code wrote: each record once, with its
secrets redacted, through a SIGKILL and a restart, new projects joining; every refusal one sentence."""

from __future__ import annotations

import functools
import signal
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

from eyelet_gui.demo import claude_code as cc

from .conftest import wait_for
from .eyelet_logger import database_of, log_event, log_payloads
from .postgres_server import PostgresServer
from .test_no_secret_leaves import SESSION, leaks, log_secrets, planted, random_parts

WRITER_EVENTS = 150


class Forward:
    """`python -m eyelet_gui forward …` in its own process, as a person starts it."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, '-m', 'eyelet_gui', 'forward', *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.printed = ''

    def line(self) -> str:
        """The next line it prints."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.printed += line
        return line

    def said(self, beginning: str) -> str:
        """The next line it prints that starts with `beginning` (pytest's timeout ends a wait for one never said)."""
        while not (line := self.line()).startswith(beginning):
            assert self.process.poll() is None, self.ended()
        return line

    def started(self) -> Forward:
        """Once it says it forwards (before, Ctrl+C would stop Python itself as it starts)."""
        self.said('Forwarding the eyelet records')
        return self

    def stop(self) -> str:
        """Stop it as Ctrl+C does; everything it printed."""
        self.process.send_signal(signal.SIGINT)
        status, output = self.ended()
        assert (status, 'Traceback' in output) == (0, False), output
        return output

    def ended(self) -> tuple[int, str]:
        output, _ = self.process.communicate(timeout=60)
        return self.process.returncode, self.printed + output


def ids_in(database: Path) -> list[int]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute('SELECT id FROM hooks ORDER BY id')]


def forwarded(postgres: PostgresServer, database: str) -> list[tuple[object, ...]]:
    """(machine, source, id) of every record in eyelet_hooks, in arrival order (none before it is made)."""
    try:
        return postgres.execute('SELECT machine, source, id FROM eyelet_hooks ORDER BY seq', database=database)
    except psycopg.errors.UndefinedTable:
        return []


def contains(postgres: PostgresServer, database: str, record: tuple[object, ...]) -> bool:
    return record in forwarded(postgres, database)


def writer_events(project: Path) -> list[tuple[float | None, dict[str, object]]]:
    cwd = str(project)
    return [(None, cc.pre_tool_use(SESSION, cwd, 'Read', {'file_path': f'{cwd}/file{number}.py'}, f'toolu_{number}'))
            for number in range(WRITER_EVENTS)]


def test_every_record_once_redacted_through_a_kill_and_new_projects(postgres: PostgresServer,
                                                                         tmp_path: Path) -> None:
    url = postgres.database('team')
    code = tmp_path / 'code'
    secret = planted()
    acme = log_secrets(code / 'acme', secret)
    forward = Forward(str(code), '--to', url, '--machine', 'laptop-a').started()
    threads = ThreadPoolExecutor(1)
    try:
        wait_for(lambda: len(forwarded(postgres, 'team')) == 6, what='the six records forwarded')
        records = postgres.execute(
            "SELECT id, hook_type, tool_name, data->'environment'->'env_vars'->>'ANTHROPIC_API_KEY', data::text "
            'FROM eyelet_hooks ORDER BY id', database='team')
        assert [row[:3] for row in records] == [(1, 'SessionStart', None), (2, 'UserPromptSubmit', None),
                                                (3, 'PreToolUse', 'Bash'), (4, 'PostToolUse', 'Bash'),
                                                (5, 'PreToolUse', 'Read'), (6, 'PostToolUse', 'Read')]
        assert {row[3] for row in records} == {f'…[redacted, {len(secret["anthropic"])} chars]'}
        assert leaks([str(records)], random_parts(secret)) == []

        shop = log_event(code / 'shop', cc.session_start)  # a project that starts logging while forwarding
        wait_for(lambda: ('laptop-a', str(shop), 1) in forwarded(postgres, 'team'), what='the new project')

        writing = threads.submit(log_payloads, code / 'acme', writer_events(code / 'acme'))  # eyelet, meanwhile
        wait_for(lambda: len(forwarded(postgres, 'team')) > 12, what='some of the writer\'s records forwarded')
        forward.process.kill()  # no chance to finish anything
        forward.ended()
        killed_at = len(forwarded(postgres, 'team'))
        forward = Forward(str(code), '--to', url, '--machine', 'laptop-a').started()
        writing.result()
        expected = {('laptop-a', str(acme), id_) for id_ in ids_in(acme)} | {('laptop-a', str(shop), 1)}
        assert len(expected) == 6 + WRITER_EVENTS + 1
        wait_for(lambda: len(forwarded(postgres, 'team')) >= len(expected), what='every record after the restart')
    finally:
        threads.shutdown()
        output = forward.stop() if forward.process.poll() is None else ''
    rows = forwarded(postgres, 'team')
    assert (set(rows), len(rows)) == (expected, len(expected)), f'killed after {killed_at} records'
    marks = postgres.execute('SELECT source, last_id FROM eyelet_forwarded ORDER BY source', database='team')
    assert marks == sorted([(str(acme), 6 + WRITER_EVENTS), (str(shop), 1)])
    assert 'Forwarding ' in output


def test_each_machine_keeps_its_own_copy_of_a_record(postgres: PostgresServer, tmp_path: Path) -> None:
    url = postgres.database('twice')
    acme = log_event(tmp_path / 'acme', cc.session_start)
    for machine in ('laptop-a', 'laptop-a', 'desktop-b'):  # started again as itself, then as another machine
        forward = Forward(str(acme), '--to', url, '--machine', machine).started()
        wait_for(functools.partial(contains, postgres, 'twice', (machine, str(acme), 1)), what=machine)
        forward.stop()
    assert sorted(forwarded(postgres, 'twice')) == [('desktop-b', str(acme), 1), ('laptop-a', str(acme), 1)]


def test_each_refusal_is_one_sentence(postgres: PostgresServer, tmp_path: Path) -> None:
    acme = str(log_event(tmp_path / 'acme', cc.session_start))
    postgres.database('locked')
    postgres.execute("CREATE ROLE visitor LOGIN PASSWORD 'visitor'")
    closed = postgres.url().replace(f':{postgres.port}/', ':1/')
    cases = {
        'mysql://root@localhost/team': '--to mysql://root@localhost/team is not a PostgreSQL address: write it as '
                                       'postgresql://user:password@host:port/database.',
        'postgresql://postgres:wrong@127.0.0.1:abc/postgres': 'postgresql://postgres@127.0.0.1:abc/postgres is not '
                                                              'a PostgreSQL address psycopg understands',
        postgres.url(password='wrong'): 'PostgreSQL refused the user or password of '
                                        f'postgresql://postgres@127.0.0.1:{postgres.port}/postgres',
        postgres.url(database='nowhere'): f'postgresql://postgres@127.0.0.1:{postgres.port}/nowhere names a database '
                                          'that does not exist on that server',
        postgres.url(user='visitor', password='visitor', database='locked'):
            f'The role of postgresql://visitor@127.0.0.1:{postgres.port}/locked may not do this: permission denied '
            'for schema public',
    }
    said = {}
    for url in cases:
        status, output = Forward(acme, '--to', url).ended()
        assert (status, 'Traceback' in output) == (2, False), output
        said[url] = next(line for line in output.splitlines() if line.startswith('eyelet-gui forward: '))
    assert {url: line.removeprefix('eyelet-gui forward: ')[:len(cases[url])] for url, line in said.items()} == cases
    assert 'wrong' not in ''.join(said.values()), 'no password is printed'

    unreachable = Forward(acme, '--to', closed)  # a server that is down: said, and tried again until it is up
    line = unreachable.line()
    assert line.startswith('Cannot reach PostgreSQL at postgresql://postgres@127.0.0.1:1/postgres: '), line
    assert line.rstrip().endswith('Trying again.'), line
    assert unreachable.process.poll() is None
    assert 'Forwarded 0 records.' in unreachable.stop()
    assert ids_in(database_of(tmp_path / 'acme')) == [1]  # the source is only read


def test_a_nul_character_arrives_replaced(postgres: PostgresServer, tmp_path: Path) -> None:
    """SQLite's text and eyelet's JSON hold a NUL character; PostgreSQL's text and jsonb do not, and would refuse
    the record, and every record after it, for good."""
    url = postgres.database('nul')
    cwd = str(tmp_path / 'acme')
    acme = log_payloads(tmp_path / 'acme', [(None, cc.user_prompt(SESSION, cwd, 'before\x00after'))])
    forward = Forward(str(acme), '--to', url).started()
    try:
        wait_for(lambda: len(forwarded(postgres, 'nul')) == 1, what='the record')
    finally:
        forward.stop()
    assert postgres.execute("SELECT data->'input_data'->>'prompt' FROM eyelet_hooks", database='nul') == [
        ('before\ufffdafter',)]


def test_records_wait_through_a_server_restart(tmp_path: Path) -> None:
    """The server goes down while forwarding (a restart, an upgrade): it is said once, and what eyelet logged
    meanwhile arrives when the server is back."""
    server = PostgresServer()  # its own: the session's server must not go down under other tests
    try:
        url = server.database('restarted')
        acme = log_event(tmp_path / 'acme', cc.session_start)
        forward = Forward(str(acme), '--to', url).started()
        try:
            wait_for(lambda: len(forwarded(server, 'restarted')) == 1, what='the first record')
            server.halt()
            log_event(tmp_path / 'acme', cc.stop)  # while the server is down
            forward.said('Cannot reach PostgreSQL at ')
            server.start()
            wait_for(lambda: len(forwarded(server, 'restarted')) == 2, timeout=60, what='the record logged meanwhile')
            assert forward.line() == f'{acme}: forwarding again.\n'
        finally:
            output = forward.stop()
        assert output.count('Cannot reach PostgreSQL') == 1, output
    finally:
        server.stop()
