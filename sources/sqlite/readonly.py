"""Read-only SQLite connections and the sentences that explain why one could not be opened.

Three locks keep a viewer from ever writing: the `mode=ro` URI, `PRAGMA query_only`, and an authorizer that
denies every statement but reads. Connections run in autocommit (`isolation_level=None`), so no read
transaction outlives the statement that opened it and the writer's WAL checkpoint is never starved.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from eyelet_gui.sources.sqlite.connection import ReadConnection, ThreadedConnection, open_threaded

BUSY_TIMEOUT_MS = 2000

_ALLOWED_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION,
                              sqlite3.SQLITE_RECURSIVE, sqlite3.SQLITE_PRAGMA})
# PRAGMAs are allowed by name: some that look harmless write (`wal_checkpoint`, `optimize`, `journal_mode=…`).
_REPORTING_PRAGMAS = frozenset({'data_version', 'schema_version', 'user_version', 'application_id', 'journal_mode',
                                'page_size', 'page_count', 'freelist_count', 'encoding', 'table_list', 'query_only'})
_NAMED_PRAGMAS = frozenset({'table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo',
                            'foreign_key_list'})
_CONNECTION_PRAGMAS = frozenset({'busy_timeout'})  # `query_only` is set before the authorizer, never after
_DENIED_FUNCTIONS = frozenset({'load_extension', 'writefile', 'readfile', 'edit', 'fts3_tokenizer'})


ProblemKind = Literal['missing', 'not a database', 'corrupt', 'locked', 'no shm', 'unreadable', 'too slow', 'closed',
                      'unreachable']


class DatabaseProblem(Exception):
    """A database that cannot be read right now; `str()` is a sentence for a person, `kind` says which case."""

    def __init__(self, message: str, kind: ProblemKind) -> None:
        super().__init__(message)
        self.kind: ProblemKind = kind


def readonly_uri(path: Path) -> str:
    """`file:` URI opening `path` read-only; the path is percent-quoted so `?` and `#` in names stay names."""
    return f'file:{quote(str(path.resolve()))}?mode=ro'


def authorize(action: int, arg1: str | None, arg2: str | None, _db: str | None, _trigger: str | None) -> int:
    """SQLite authorizer: reads pass; writes, schema changes, ATTACH and extension loading are denied."""
    if action not in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or '').lower()
        allowed = _NAMED_PRAGMAS | _CONNECTION_PRAGMAS if arg2 is not None else _REPORTING_PRAGMAS | _CONNECTION_PRAGMAS
        return sqlite3.SQLITE_OK if name in allowed else sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or '').lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


async def connect(path: Path) -> ThreadedConnection:
    """Open `path` read-only in a thread of its own (sources/sqlite/connection.py), or raise DatabaseProblem with the
    reason in words.

    Resolving the path and explaining a failure look at the file system: both run in a worker thread."""
    uri = await asyncio.to_thread(readonly_uri, path)

    def opened() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                     factory=ReadConnection)
        try:
            connection.execute('PRAGMA query_only = ON')
            connection.set_authorizer(authorize)
            # Touch the schema now so that a non-database or unreadable WAL fails here, with a sentence.
            connection.execute('SELECT count(*) FROM sqlite_schema').fetchall()
        except BaseException:
            connection.close()
            raise
        return connection

    try:
        return await open_threaded(opened, f'sqlite {path.name}')
    except sqlite3.Error as error:
        raise await asyncio.to_thread(explain, error, path) from None


def explain(error: sqlite3.Error, path: Path) -> DatabaseProblem:
    """The problem behind an SQLite error on `path`, with one sentence saying what happened and what to do.

    It looks at the file system: call it in a worker thread."""
    message = str(error).lower()
    try:
        exists = path.exists()
    except PermissionError:  # the folder does not let us in (Path.exists raises rather than say False)
        return DatabaseProblem(f'{path} cannot be read: its folder {path.parent} does not let eyelet-gui in '
                               '(permission denied); watching resumes when it does.', 'unreadable')
    if not exists:
        return DatabaseProblem(f'{path} does not exist (it may have been deleted or moved); '
                               'watching resumes when it is back.', 'missing')
    if 'file is not a database' in message or 'file is encrypted' in message:
        return DatabaseProblem(f'{path} is not a SQLite database, or it is encrypted or corrupt.', 'not a database')
    if 'malformed' in message or 'corrupt' in message:
        return DatabaseProblem(f'{path} is corrupt: SQLite reports "{error}".', 'corrupt')
    if 'locked' in message or 'busy' in message:
        return DatabaseProblem(f'{path} is locked by another program; reading resumes when the lock is released.',
                               'locked')
    if 'unable to open' in message and Path(f'{path}-wal').exists() and not Path(f'{path}-shm').exists():
        # A read-only reader of a WAL database needs the -shm file; SQLite creates it, if the folder allows.
        return DatabaseProblem(f'{path} is in WAL mode and its "-shm" file cannot be created (is the folder '
                               'read-only?); open it once with write access, or make the folder writable.', 'no shm')
    return DatabaseProblem(f'{path} cannot be read: {error}. Check that the file and its folder are readable.',
                           'unreadable')
