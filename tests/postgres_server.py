"""A real PostgreSQL for the tests: Debian's `postgresql` package, a throw-away cluster for the test session.

No mock and no container: `initdb` and `postgres` from /usr/lib/postgresql/<version>/bin, on a free port on
127.0.0.1, in a temporary folder, removed afterwards. PostgreSQL refuses to run as root, so as root (CI) the
cluster belongs to the `postgres` user the package creates. Passwords are checked (scram-sha-256), so a wrong
one is refused as on a real server.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER_PASSWORD = 'postgres-for-tests'


def _binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder."""
    found = sorted(Path('/usr/lib/postgresql').glob('*/bin/initdb'), key=lambda path: int(path.parts[-3]))
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One cluster: `url()` for a role and database on it, `execute()` as the superuser."""

    def __init__(self) -> None:
        binaries = _binaries()
        assert binaries is not None, 'Debian postgresql is missing: `apt-get install postgresql` (.ci/run does it)'
        self.folder = Path(tempfile.mkdtemp(prefix='eyelet-gui-postgres-'))
        self.port = _free_port()
        as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, 'postgres', 'postgres')
            as_owner = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups']
        password_file = self.folder / 'password'
        password_file.write_text(SUPERUSER_PASSWORD)
        if as_owner:
            shutil.chown(password_file, 'postgres', 'postgres')
        subprocess.run([*as_owner, str(binaries / 'initdb'), '-D', str(self.folder / 'data'), '-U', 'postgres',
                        '--no-sync', '--auth=scram-sha-256', f'--pwfile={password_file}', '--encoding=UTF8',
                        '--locale=C'], check=True, capture_output=True)
        self._command = [*as_owner, str(binaries / 'postgres'), '-D', str(self.folder / 'data'), '-p', str(self.port),
                         '-k', str(self.folder), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off',
                         '-c', 'full_page_writes=off']
        self.start()

    def start(self) -> None:
        """Start the server (again), and wait until it answers."""
        with (self.folder / 'log').open('ab') as log:  # the child keeps its own copy
            self.process = subprocess.Popen(self._command, stdout=subprocess.DEVNULL, stderr=log)
        self._wait_until_serving()

    def halt(self) -> None:
        """Stop the server as an administrator does (a fast shutdown: open sessions are ended), keeping its data."""
        self.process.send_signal(signal.SIGINT)  # SIGTERM is PostgreSQL's smart shutdown: it waits for every client
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def url(self, user: str = 'postgres', password: str = SUPERUSER_PASSWORD, database: str = 'postgres') -> str:
        return f'postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}'

    def execute(self, statement: str | sql.Composed, parameters: tuple[object, ...] = (),
                database: str = 'postgres') -> list[tuple[object, ...]]:
        """Run one statement as the superuser; its rows, if it returns any."""
        with psycopg.connect(self.url(database=database), autocommit=True) as connection:
            cursor = connection.execute(statement, parameters)
            return cursor.fetchall() if cursor.description else []

    def database(self, name: str) -> str:
        """A new, empty database; its superuser URL."""
        self.execute(sql.SQL('CREATE DATABASE {}').format(sql.Identifier(name)))
        return self.url(database=name)

    def stop(self) -> None:
        """Stop the server for good and remove its cluster."""
        self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f'postgres exited: {(self.folder / "log").read_text(errors="replace")}')
            try:
                self.execute('SELECT 1')
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
