"""A person's own SQL, run so that it can read only what the pages show: redacted values, and no write at all.

The connection is read-only three times over (sources/sqlite/readonly.py). Redacting the result alone would not keep a
secret: `substr(api_key, 8, 4)` or a comparison a character at a time reads it in pieces no pattern recognises.
So the statement never sees a stored value. Each table of the file gets a TEMP view of the same name (SQLite
looks names up in `temp` before `main`) whose columns pass through `visible()`, the function searches and
filters already match on; columns declared as numbers pass as stored, so a range on `id` or `timestamp` still
uses its index. Each view of the file is made again in TEMP from its own SQL, so it reads those TEMP views.

The TEMP views read the file through inner views named with a random token, and the authorizer lets a
statement read the file (`main`) only from inside those. SQLite tells the authorizer the innermost view or
common table expression a read comes from, by name, so a `WITH hooks AS (SELECT * FROM main.hooks)` is refused
unless it guesses the token; the token itself is in no table a statement may read, and is taken out of any text
that names it (`EXPLAIN`).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import sqlite3
import weakref
from dataclasses import dataclass
from typing import Any

from eyelet_gui.sources.redaction import is_secret_name
from eyelet_gui.sources.schema import quote_identifier
from eyelet_gui.sources.sqlite.readonly import authorize

MAX_ROWS = 1000
"""Rows a statement returns at most (Datasette's `max_returned_rows`); `truncated` says when there were more."""
SCHEMA_TABLES = frozenset({'sqlite_master', 'sqlite_schema'})
"""The file's schema: names and SQL, no values. Its TEMP twin names the token and is never readable."""
_NUMERIC_TYPES = ('INT', 'REAL', 'FLOA', 'DOUB', 'NUM', 'DEC', 'BOOL')
_NAME = r'(?:"(?:[^"]|"")*"|\[[^\]]*\]|`(?:[^`]|``)*`|[^\s.(]+)'
_VIEW_BODY = re.compile(
    rf'\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?VIEW\s+(?:IF\s+NOT\s+EXISTS\s+)?{_NAME}(?:\s*\.\s*{_NAME})?'
    r'\s*(?P<columns>\((?:[^()"]|"(?:[^"]|"")*")*\))?\s*AS\s+(?P<select>.*)', re.IGNORECASE | re.DOTALL)
"""A view's `CREATE VIEW name (columns) AS select` as SQLite keeps it, taken apart to make it again in TEMP."""
WRITING = 'Only reading runs here, and {} is not allowed: eyelet-gui never changes a watched database.'
_DENIED = {sqlite3.SQLITE_ATTACH: WRITING.format('ATTACH'), sqlite3.SQLITE_DETACH: WRITING.format('DETACH'),
           sqlite3.SQLITE_PRAGMA: WRITING.format('this PRAGMA'),
           # SQLite makes a table-valued pragma's table as the statement starts: an update of sqlite_master.
           sqlite3.SQLITE_UPDATE: 'PRAGMA functions (`pragma_…()`) do not run here: write `PRAGMA table_info(name)`.'}
UNREDACTED = ('{0} can be read here by its plain name only (`{0}`, not `main.{0}`): that is where its secrets are '
              'redacted.')


class SqlProblem(Exception):
    """A statement that cannot run here, in one sentence."""


@dataclass(frozen=True, slots=True)
class SqlResult:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool
    """More rows matched than MAX_ROWS."""


@dataclass(slots=True)
class _Sandbox:
    """The TEMP views made on one connection, for the schema they were made from. It holds no reference to its
    connection (the connection holds it, as its authorizer): it goes when the connection does."""

    schema_version: int
    token: str
    denied: str = ''
    """Why the authorizer refused the statement, in a sentence."""

    def authorize(self, action: int, arg1: str | None, arg2: str | None, database: str | None,
                  inner: str | None) -> int:
        if authorize(action, arg1, arg2, database, inner) != sqlite3.SQLITE_OK:
            self.denied = self.denied or _DENIED.get(action, WRITING.format('writing'))  # the first refusal: the cause
            return sqlite3.SQLITE_DENY
        if action != sqlite3.SQLITE_READ or database is None:  # None: a common table expression's own rows
            return sqlite3.SQLITE_OK
        if database == 'main':
            # An empty column: SQLite opens the table but reads no column of it (`count(*)` once the views are
            # flattened away). No value is read, and how many rows a table has is on every page.
            if (inner is not None and inner.startswith(self.token)) or arg1 in SCHEMA_TABLES or arg2 == '':
                return sqlite3.SQLITE_OK
        elif database == 'temp' and arg1 != 'sqlite_temp_master':
            return sqlite3.SQLITE_OK
        self.denied = self.denied or (UNREDACTED.format(arg1) if database == 'main' else
                                      f'{arg1} holds what eyelet-gui made to redact this database: it is not shown.')
        return sqlite3.SQLITE_DENY


_sandboxes: weakref.WeakKeyDictionary[sqlite3.Connection, _Sandbox] = weakref.WeakKeyDictionary()
"""By connection: the Reader's are ReadConnections (sources/sqlite/connection.py), which weak references can
point at, so that a closed connection's sandbox goes with it. Keyed by `id()` instead, each closed connection
left its entry behind, and a new connection given the same `id()` could find another's."""


def run(connection: sqlite3.Connection, sql: str, *, max_rows: int = MAX_ROWS) -> SqlResult:
    """Run one statement in the sandbox, in the connection's own thread; SqlProblem in words when it cannot.

    SQLite's "interrupted" (the time limit, a cancellation) passes through for the Reader to explain."""
    if not sql.strip():
        raise SqlProblem('There is no statement to run: write a SELECT.')
    sandbox = _sandbox(connection)
    sandbox.denied = ''
    try:
        cursor = connection.execute(sql)
        try:
            rows = cursor.fetchmany(max_rows + 1)
            columns = tuple(description[0] for description in cursor.description or ())
        finally:
            cursor.close()
    except sqlite3.Error as error:
        if 'interrupted' in str(error):
            raise
        raise SqlProblem(_sentence(error, sandbox)) from None
    token = sandbox.token
    shown = [tuple(value.replace(token, '') if isinstance(value, str) and token in value else value for value in row)
             for row in rows[:max_rows]]
    return SqlResult(columns, shown, truncated=len(rows) > max_rows)


def _sentence(error: sqlite3.Error, sandbox: _Sandbox) -> str:
    message = str(error).replace(sandbox.token, '')
    if sandbox.denied:
        return sandbox.denied
    if any(word in message for word in ('not authorized', 'authorization denied', 'cannot modify', 'readonly')):
        return WRITING.format('this statement')
    if isinstance(error, sqlite3.ProgrammingError) and 'one statement' in message:
        return 'One statement at a time: remove the `;` and what follows it.'
    return f'SQLite cannot run this statement: {message}.'


def _sandbox(connection: sqlite3.Connection) -> _Sandbox:
    """The connection's sandbox, made (again) when the file's schema is not the one it was made from."""
    version = connection.execute('PRAGMA schema_version').fetchone()[0]
    sandbox = _sandboxes.get(connection)
    if sandbox is not None and sandbox.schema_version == version:
        return sandbox
    sandbox = _Sandbox(version, f'eyelet_{secrets.token_hex(16)}_')
    _sandboxes[connection] = sandbox
    connection.set_authorizer(None)
    connection.execute('PRAGMA query_only = OFF')  # TEMP views live in memory; `mode=ro` still guards the file
    try:
        for (name,) in connection.execute("SELECT name FROM temp.sqlite_master WHERE type = 'view'").fetchall():
            connection.execute(f'DROP VIEW temp.{quote_identifier(name)}')
        relations = connection.execute("SELECT type, name, sql FROM main.sqlite_master "
                                       "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'").fetchall()
        for kind, name, sql in sorted(relations, key=lambda relation: relation[0] != 'table'):  # tables first
            if kind == 'table':
                _wrap_table(connection, name, sandbox.token)
            else:
                _remake_view(connection, name, sql)
    finally:
        connection.execute('PRAGMA query_only = ON')
        connection.set_authorizer(sandbox.authorize)
    return sandbox


def _wrap_table(connection: sqlite3.Connection, name: str, token: str) -> None:
    """TEMP view `name` over the file's table `name`, its values as the pages show them."""
    columns = connection.execute('SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden IN (0, 2, 3)',
                                 (name,)).fetchall()
    inner, outer = quote_identifier(token + name), quote_identifier(name)
    # A column declared as a number holds numbers (text that looks like none is rare there): it stays indexable.
    shown = ', '.join(
        quote_identifier(column) if any(kind in declared.upper() for kind in _NUMERIC_TYPES) and
        not is_secret_name(column) else
        f'visible({quote_identifier(column)}, {int(is_secret_name(column))}) AS {quote_identifier(column)}'
        for column, declared in columns)
    connection.execute(f'CREATE TEMP VIEW {inner} AS SELECT * FROM main.{outer}')
    connection.execute(f'CREATE TEMP VIEW {outer} AS SELECT {shown} FROM temp.{inner}')


def _remake_view(connection: sqlite3.Connection, name: str, sql: str) -> None:
    """The file's view `name` made again in TEMP, where the names it reads are the TEMP views. One that cannot be
    (its SQL names `main.` tables, or a table that is gone) stays the file's, which the authorizer refuses."""
    parts = _VIEW_BODY.fullmatch(sql or '')
    if parts is None:
        return
    with contextlib.suppress(sqlite3.Error):
        connection.execute(f'CREATE TEMP VIEW {quote_identifier(name)}{parts["columns"] or ""} AS {parts["select"]}')
