"""Connecting to PostgreSQL with psycopg 3, and every way that fails told in one sentence.

psycopg comes with the `postgres` extra (`pip install "eyelet-gui[postgres]"`): the SQLite dashboard needs none
of it, and its binary wheel brings its own libpq.
"""

from __future__ import annotations

import importlib.util
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

# psycopg logs, as warnings, each step of giving up on a server that stopped answering; the page says it in one
# sentence (sources/postgres/reader.py), and the terminal shows eyelet-gui's own lines only.
logging.getLogger('psycopg').setLevel(logging.ERROR)

SCHEMES = ('postgresql', 'postgres')
CONNECT_TIMEOUT = 10
"""Seconds a connection attempt may take before it is given up (and, for a forwarder, tried again later)."""


class PostgresProblem(Exception):
    """PostgreSQL cannot be reached or used as asked, in one sentence; `lasting` when trying again will not help
    (a wrong password, missing rights), as opposed to a server that is down or restarting."""

    def __init__(self, sentence: str, *, lasting: bool) -> None:
        super().__init__(sentence)
        self.lasting = lasting


def is_postgres_url(text: str) -> bool:
    return urlsplit(text).scheme in SCHEMES


def shown_url(url: str) -> str:
    """The URL as it may be printed: without a password, in its user part or its query (`?password=`). Taken apart
    by hand: `urlsplit(…).port` raises on a port that is no number, and such a URL must be said, not crash."""
    parts = urlsplit(url)
    user_info, at, host = parts.netloc.rpartition('@')
    user = user_info.split(':', 1)[0] if at else ''
    query = '&'.join(pair for pair in parts.query.split('&') if not pair.lower().startswith('password='))
    return urlunsplit((parts.scheme, f'{user}@{host}' if user else host, parts.path, query, parts.fragment))


def postgres_label(url: str) -> str:
    """What a person calls the database at `url`: its name on its host (`team on db.example.com`)."""
    host = urlsplit(url).netloc.rpartition('@')[2] or 'localhost'
    return f"{urlsplit(url).path.strip('/') or 'postgres'} on {host}"


def missing_driver() -> str | None:
    """Why PostgreSQL cannot be used from this installation, in a sentence, or None when it can."""
    if importlib.util.find_spec('psycopg') is None:
        return ('PostgreSQL needs psycopg: install eyelet-gui with it, `uv tool install "eyelet-gui[postgres]"` or '
                '`pip install "eyelet-gui[postgres]"`.')
    return None


def address_problem(url: str) -> str | None:
    """What is wrong with `url` itself, in a sentence, or None: libpq would say it only at each connection try,
    where it looks like a server that is down."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        port = str(conninfo_to_dict(url).get('port') or '0')
    except psycopg.ProgrammingError:
        reason = 'it cannot be taken apart'  # psycopg's own words may repeat the password
    else:
        if all(part.isdigit() for part in port.split(',')):  # a port for each host, when there are several
            return None
        reason = f'the port "{port}" is not a number'
    return (f'{shown_url(url)} is not a PostgreSQL address psycopg understands ({reason}); write it as '
            'postgresql://user:password@host:port/database.')


async def connect(url: str, *, application_name: str, options: str | None = None
                  ) -> psycopg.AsyncConnection[tuple[object, ...]]:
    """An autocommit connection to `url` (with the server settings `options`, `-c name=value …`), or
    PostgresProblem in words."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    try:
        conninfo = make_conninfo(url, options=options) if options else url
        return await psycopg.AsyncConnection.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT,
                                                     application_name=application_name)
    except psycopg.ProgrammingError as error:  # the URL itself cannot be parsed
        raise PostgresProblem(f'{shown_url(url)} is not a PostgreSQL address psycopg understands ({error}); write '
                              'it as postgresql://user:password@host:port/database.', lasting=True) from None
    except psycopg.OperationalError as error:
        raise explain(error, url) from None


def explain(error: psycopg.Error, url: str) -> PostgresProblem:
    """A psycopg error on `url` as a sentence: what happened, and what to do."""
    import psycopg.errors

    where = shown_url(url)
    # The server's own sentence; a connection failure has none, and its first line says why.
    message = (error.diag.message_primary or (str(error).strip().splitlines() or ['no reason given'])[0]).strip()
    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return PostgresProblem(f'The role of {where} may not do this: {message}. Grant it the rights the README '
                               'lists, or connect as a role that has them.', lasting=True)
    lowered = str(error).lower()
    if 'password authentication failed' in lowered or 'no password supplied' in lowered or \
            'authentication failed' in lowered:
        return PostgresProblem(f'PostgreSQL refused the user or password of {where}: {message}.', lasting=True)
    if 'does not exist' in lowered and 'database' in lowered:
        return PostgresProblem(f'{where} names a database that does not exist on that server: {message}.',
                               lasting=True)
    if isinstance(error, psycopg.OperationalError):
        return PostgresProblem(f'Cannot reach PostgreSQL at {where}: {message}. Trying again.', lasting=False)
    return PostgresProblem(f'PostgreSQL at {where} refused a statement: {message}.', lasting=True)
