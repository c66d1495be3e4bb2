"""Settings, read once: command line first, then `EYELET_GUI_*` environment variables, then defaults.

The one frozen `Settings` object is built in `main.py` and handed down; tests build their own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

N = TypeVar('N', int, float)

DEFAULT_HOST = '127.0.0.1'
DEFAULT_PORT = 8080
DEFAULT_POLL_INTERVAL = 1.0
DEFAULT_MAX_PUSH_RATE = 30.0
"""Reads a second at most per live view. Well above eyelet's write rate, so that a commit is shown at once rather
than waiting for the last read's turn; each read also rests nine times its own cost (state/live/pacing.py)."""
DEFAULT_VISIBLE_ROWS = 100
DEFAULT_READ_TIME_LIMIT = 5.0
"""Seconds. A view of a million eyelet rows sorted by an unindexed column reads in 0.5 to 2.3 s on a 2-core machine
(by column, and by what else runs: docs/benchmarks.md), and must still show. A read of 5 s is refreshed at most
every 50 s (pacing.py rests nine times a refresh's cost), which is no longer live, and it holds the writer's
checkpoint back meanwhile."""
DEFAULT_SQL_TIME_LIMIT = 1.0
"""Seconds a person's own SQL may run (the SQL page, `/api/v1/db/{id}/sql`); Datasette's default is the same."""
DEFAULT_IDLE_AFTER = 3600.0
"""Seconds: terminals stay open for days, and a session waiting since this long is idle, not news."""
DEFAULT_NOTIFY_STATES = ('needs_permission', 'waiting_for_input', 'failing')
LOOPBACK_HOSTS = frozenset({'127.0.0.1', 'localhost', '::1'})


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the app needs to know about how it was started."""

    databases: tuple[Path, ...] = ()
    """SQLite files to watch, already resolved from the command line's paths."""
    postgres: tuple[str, ...] = ()
    """PostgreSQL databases to watch, as postgresql:// addresses (with their passwords: never shown)."""
    pg_listen: str | None = None
    """The channel on which the PostgreSQL databases notify their commits, if they do."""
    demo: bool = False
    """Whether to create the demo database and run its simulated writer."""
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    show: bool = True
    """Whether to open a browser tab once the server is up."""
    native: bool = False
    verbose: bool = False
    """Whether the native window's web engine may print its own diagnostics."""
    token: str | None = None
    poll_interval: float = DEFAULT_POLL_INTERVAL
    """Seconds between fallback `PRAGMA data_version` checks, for file events that never arrive."""
    max_push_rate: float = DEFAULT_MAX_PUSH_RATE
    """Most deltas per second sent for one view; bursts in between are coalesced."""
    visible_rows: int = DEFAULT_VISIBLE_ROWS
    """Rows a live view loads at first, newest first."""
    read_time_limit: float = DEFAULT_READ_TIME_LIMIT
    """Seconds a view's read may take before SQLite stops it and the view says what to do instead."""
    sql_time_limit: float = DEFAULT_SQL_TIME_LIMIT
    """Seconds a person's own SQL statement may run before SQLite stops it."""
    show_secrets: bool = False
    """Whether values leave the server as stored; by default secrets are redacted (sources/redaction.py)."""
    search_roots: tuple[Path, ...] = field(default_factory=tuple)
    """Folders searched, then watched, for eyelet databases: the folders given, or the default places."""
    idle_after: float = DEFAULT_IDLE_AFTER
    """Seconds after which a session that still needs you drops out of the attention list as idle."""
    notify: tuple[str, ...] = ()
    """Apprise URLs each episode that needs you is sent to (`--notify`)."""
    notify_states: tuple[str, ...] = DEFAULT_NOTIFY_STATES
    """The states whose episodes are notified: `needs_permission`, `waiting_for_input`, `failing`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ForwardSettings:
    """How `eyelet-gui forward` was started."""

    databases: tuple[Path, ...] = ()
    """eyelet databases to forward, already resolved from the command line's paths."""
    search_roots: tuple[Path, ...] = ()
    """Folders searched, then watched, for more eyelet databases to forward."""
    target: str
    """The PostgreSQL URL records are appended to."""
    machine: str
    """The name this machine's records carry in PostgreSQL."""
    poll_interval: float = DEFAULT_POLL_INTERVAL


@dataclass(frozen=True, slots=True)
class EnvDefaults:
    """The defaults that `EYELET_GUI_*` environment variables may override."""

    host: str
    port: int
    token: str | None
    poll_interval: float
    max_push_rate: float
    read_time_limit: float
    notify: tuple[str, ...] = ()
    """Apprise URLs from `EYELET_GUI_NOTIFY`, separated by white space (`--notify` replaces them)."""


def env_defaults(environ: Mapping[str, str] | None = None) -> EnvDefaults:
    """Read `EYELET_GUI_HOST`, `_PORT`, `_TOKEN`, `_POLL_INTERVAL`, `_MAX_PUSH_RATE`, `_READ_TIME_LIMIT`, `_NOTIFY`;
    raise ValueError in words."""
    env = os.environ if environ is None else environ
    return EnvDefaults(
        host=env.get('EYELET_GUI_HOST', DEFAULT_HOST),
        port=_number(env, 'EYELET_GUI_PORT', DEFAULT_PORT, int),
        token=env.get('EYELET_GUI_TOKEN') or None,
        poll_interval=_number(env, 'EYELET_GUI_POLL_INTERVAL', DEFAULT_POLL_INTERVAL, float),
        max_push_rate=_number(env, 'EYELET_GUI_MAX_PUSH_RATE', DEFAULT_MAX_PUSH_RATE, float),
        read_time_limit=_number(env, 'EYELET_GUI_READ_TIME_LIMIT', DEFAULT_READ_TIME_LIMIT, float),
        notify=tuple(env.get('EYELET_GUI_NOTIFY', '').split()),
    )


def _number(env: Mapping[str, str], name: str, default: N, kind: Callable[[str], N]) -> N:
    raw = env.get(name)
    if raw is None or raw == '':
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f'{name}={raw!r} is not a number.') from None
    if value <= 0:
        raise ValueError(f'{name}={raw!r} must be greater than zero.')
    return value


def is_loopback(host: str) -> bool:
    """Whether a server bound to `host` is reachable from this machine only."""
    return host in LOOPBACK_HOSTS or host.startswith('127.')
