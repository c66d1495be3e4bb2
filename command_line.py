"""The command line: `eyelet-gui [PATH ...] [--demo] [--host HOST] [--port PORT] [--native] [--no-show] …`, and
`eyelet-gui forward [PATH ...] --to URL [--machine NAME]`.

Every mistake a person can make here ends in one sentence on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import math
import secrets
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

from eyelet_gui import __version__
from eyelet_gui.desktop.check import native_problem
from eyelet_gui.notify.receivers import apprise_problem
from eyelet_gui.settings import (
    DEFAULT_IDLE_AFTER,
    DEFAULT_NOTIFY_STATES,
    DEFAULT_SQL_TIME_LIMIT,
    EnvDefaults,
    ForwardSettings,
    Settings,
    env_defaults,
    is_loopback,
)
from eyelet_gui.sources.eyelet.discovery import default_roots, resolve_paths
from eyelet_gui.sources.postgres.connection import address_problem, is_postgres_url, missing_driver, shown_url
from eyelet_gui.sources.sqlite.files import PathProblem

PROGRAM = 'eyelet-gui'
N = TypeVar('N', int, float)
USAGE_ERROR = 2
FIRST_UNPRIVILEGED_PORT = 1024
"""Ports below it need the administrator's rights (Linux, macOS)."""


class UsageError(Exception):
    """A command line that cannot start the app; the message is one sentence."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message[0].upper() + message[1:] + '.')


def build_parser() -> argparse.ArgumentParser:
    env = env_defaults()
    parser = _Parser(
        prog=PROGRAM,
        description='Watch SQLite and PostgreSQL databases live: every commit appears on screen within '
                    'milliseconds. Built for eyelet hook logs; works with any SQLite file or PostgreSQL database.',
        epilog='Environment: EYELET_GUI_HOST, EYELET_GUI_PORT, EYELET_GUI_TOKEN, EYELET_GUI_POLL_INTERVAL and '
               'EYELET_GUI_MAX_PUSH_RATE set defaults for the options of the same meaning; EYELET_GUI_NOTIFY holds '
               'Apprise URLs separated by spaces, which --notify replaces.',
    )
    parser.add_argument('paths', nargs='*', type=Path, metavar='PATH',
                        help='SQLite files to watch, or folders to search (and keep watching) for eyelet databases '
                             '(default: ~/.eyelet, ~/.claude and ~/.local/share/eyelet, where eyelet keeps its global '
                             'logs, the current folder and ~/code, ~/src, ~/projects …), or PostgreSQL databases as '
                             'postgresql://user:password@host:port/database (needs the [postgres] extra).')
    parser.add_argument('--demo', action='store_true',
                        help='Also watch a generated eyelet database that simulated Claude Code agents write to '
                             'live, as eyelet logs them.')
    parser.add_argument('--host', default=env.host,
                        help=f'Address to serve on (default: {env.host}); any other than loopback requires a token.')
    parser.add_argument('--port', type=_port, default=env.port, help=f'Port to serve on (default: {env.port}).')
    parser.add_argument('--no-show', dest='show', action='store_false',
                        help='Do not open a browser tab at start.')
    parser.add_argument('--native', action='store_true',
                        help='Open in a native desktop window instead of a browser (needs eyelet-gui[native]).')
    parser.add_argument('--verbose', action='store_true',
                        help='Also print what the native window\'s web engine reports about itself (Qt WebEngine\'s '
                             'GPU, Vulkan and D-Bus messages), which is left out by default.')
    parser.add_argument('--token', default=env.token,
                        help='Secret that browsers must present; generated when serving beyond loopback without one.')
    parser.add_argument('--sql-time-limit', type=_seconds, default=DEFAULT_SQL_TIME_LIMIT, metavar='SECONDS',
                        help='Seconds an SQL statement of the SQL page or the JSON API may run before it is stopped '
                             f'(default: {DEFAULT_SQL_TIME_LIMIT:g}).')
    parser.add_argument('--show-secrets', action='store_true',
                        help='Show API keys, tokens and passwords in records as they are stored (by default they are '
                             'redacted before anything leaves the server); only when serving on loopback.')
    parser.add_argument('--pg-listen', metavar='CHANNEL',
                        help='For PostgreSQL databases that already send a notification on commit (a trigger calling '
                             'pg_notify): its channel. Each notification wakes the views at once, instead of the poll '
                             'of 20 a second.')
    parser.add_argument('--notify', action='append', metavar='URL',
                        help='Send each session that comes to need you (permission, input, a loop of failures) to an '
                             'Apprise URL: ntfy://TOPIC, slack://…, discord://…, tgram://…, mailto://…, '
                             'json://host:port/path … Give it once per receiver; it replaces EYELET_GUI_NOTIFY. The '
                             'message links to the session\'s page, without the token. Needs eyelet-gui[notify].')
    parser.add_argument('--notify-on', type=_states, default=DEFAULT_NOTIFY_STATES, metavar='STATES',
                        help='Which states are notified, separated by commas (default: all of '
                             f'{",".join(DEFAULT_NOTIFY_STATES)}).')
    parser.add_argument('--idle-after', type=_minutes, default=DEFAULT_IDLE_AFTER / 60, metavar='MINUTES',
                        help='Minutes after which a session still waiting drops out of the "needs you" list as idle '
                             f'(default: {DEFAULT_IDLE_AFTER / 60:g}).')
    parser.add_argument('--version', action='version', version=f'%(prog)s {__version__}',
                        help='Print the version and exit.')
    return parser


def _number(kind: Callable[[str], N], what: str, valid: Callable[[N], bool], bounds: str) -> Callable[[str], N]:
    """An argparse type: `text` as a `kind` for which `valid` holds, else a sentence naming `what` it must be."""
    def parse(text: str) -> N:
        try:
            number = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f'{text!r} is not {what}') from None
        if not valid(number):
            raise argparse.ArgumentTypeError(f'{text} is not {what} {bounds}')
        return number
    return parse


_seconds = _number(float, 'a number of seconds', lambda seconds: 0 < seconds < math.inf, 'above zero')
_port = _number(int, 'a port number', lambda port: 1 <= port <= 65535, '(1-65535)')
_minutes = _number(float, 'a number of minutes', lambda minutes: 0 < minutes < math.inf, 'above zero')


def _states(text: str) -> tuple[str, ...]:
    """An argparse type: states separated by commas, each one `--notify-on` knows."""
    states = tuple(dict.fromkeys(state.strip() for state in text.split(',') if state.strip()))
    unknown = [state for state in states if state not in DEFAULT_NOTIFY_STATES]
    if unknown or not states:
        raise argparse.ArgumentTypeError(f'{", ".join(unknown) or repr(text)} is not a state to notify; choose among '
                                         f'{", ".join(DEFAULT_NOTIFY_STATES)}')
    return states


def _env() -> EnvDefaults:
    """The `EYELET_GUI_*` defaults, or UsageError in one sentence."""
    try:
        return env_defaults()
    except ValueError as error:
        raise UsageError(str(error)) from None


def parse(args: list[str]) -> Settings:
    """Settings from the command line and environment, or UsageError in one sentence."""
    env = _env()
    options = build_parser().parse_args(args)
    urls = tuple(arg for arg in args if is_postgres_url(arg))  # as typed: a Path would fold `//` into `/`
    for url in urls:
        problem = missing_driver() or address_problem(url)
        if problem:
            raise UsageError(problem)
    paths = [path for path in options.paths if not is_postgres_url(str(path))]
    # PostgreSQL alone: no search for SQLite files in the default places.
    databases, roots = _databases_and_roots(paths) if paths or not urls else ((), ())
    if options.verbose and not options.native:
        raise UsageError('--verbose adds the native window\'s own messages: use it with --native.')
    native = native_problem() if options.native else None
    if native:
        raise UsageError(native)
    if options.show_secrets and not is_loopback(options.host):
        raise UsageError(f'--show-secrets is only accepted when serving on loopback (127.0.0.1, localhost or ::1), '
                         f'not on {options.host}: secrets would reach every device on the network.')
    notify = tuple(options.notify) if options.notify is not None else env.notify
    problem = apprise_problem(notify) if notify else None
    if problem:
        raise UsageError(problem)
    check_port_free(options.host, options.port)
    token = options.token or (None if is_loopback(options.host) else secrets.token_urlsafe(16))
    if options.pg_listen is not None and not urls:
        raise UsageError('--pg-listen is for PostgreSQL databases: name one, as postgresql://user:password@host/db.')
    if options.pg_listen is not None and not options.pg_listen.strip():
        raise UsageError('--pg-listen needs the name of a notification channel.')
    return Settings(databases=databases, postgres=urls, pg_listen=options.pg_listen, demo=options.demo,
                    host=options.host, port=options.port, show=options.show, native=options.native,
                    verbose=options.verbose, token=token,
                    poll_interval=env.poll_interval, max_push_rate=env.max_push_rate,
                    read_time_limit=env.read_time_limit, sql_time_limit=options.sql_time_limit,
                    show_secrets=options.show_secrets, search_roots=roots, notify=notify,
                    notify_states=options.notify_on, idle_after=options.idle_after * 60)


def _databases_and_roots(paths: list[Path]) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """The databases the command line names, and the folders to search and watch for more."""
    try:
        databases = resolve_paths(paths)
    except PathProblem as problem:
        raise UsageError(str(problem)) from None
    # Folders are searched again and then watched, so that projects that start logging later appear; without
    # PATH the default places are searched in the background.
    given_folders = tuple(path.expanduser().resolve() for path in paths if path.expanduser().is_dir())
    return databases, given_folders if paths else default_roots(Path.home(), Path.cwd())


def build_forward_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=f'{PROGRAM} forward',
        description='Append every record of this machine\'s eyelet databases to one PostgreSQL table, eyelet_hooks '
                    '(made if missing), each exactly once, moments after eyelet commits it; secrets are redacted '
                    'before they leave this machine.',
    )
    parser.add_argument('paths', nargs='*', type=Path, metavar='PATH',
                        help='eyelet databases, or folders to search and keep watching for them (default: the places '
                             'the dashboard searches).')
    parser.add_argument('--to', required=True, metavar='URL',
                        help='The PostgreSQL database, as postgresql://user:password@host:port/database.')
    parser.add_argument('--machine', default=socket.gethostname(),
                        help='The name this machine\'s records carry (default: its host name, '
                             f'{socket.gethostname()}).')
    return parser


def parse_forward(args: list[str]) -> ForwardSettings:
    """Settings of `eyelet-gui forward` from its arguments, or UsageError in one sentence."""
    env = _env()
    options = build_forward_parser().parse_args(args)
    if not is_postgres_url(options.to):
        raise UsageError(f'--to {shown_url(options.to)} is not a PostgreSQL address: write it as '
                         'postgresql://user:password@host:port/database.')
    if not options.machine.strip():
        raise UsageError('--machine needs a name: the records of this machine are told apart by it.')
    problem = missing_driver() or address_problem(options.to)
    if problem:
        raise UsageError(problem)
    databases, roots = _databases_and_roots(options.paths)
    return ForwardSettings(databases=databases, search_roots=roots, target=options.to,
                           machine=options.machine.strip(), poll_interval=env.poll_interval)


def check_port_free(host: str, port: int) -> None:
    """Raise UsageError when nothing could listen on (host, port), in the words a person needs."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f'--host {host} is not an address or a name this machine can resolve.') from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does, so TIME_WAIT is no obstacle
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UsageError(f'Port {port} is already in use on {host}; choose another with --port.') from None
            if error.errno == errno.EACCES and port < FIRST_UNPRIVILEGED_PORT:
                first = FIRST_UNPRIVILEGED_PORT
                raise UsageError(f'Cannot serve on {host}:{port}: {error.strerror} (ports below {first} are for the '
                                 f'administrator); use a port of {first} or above.') from None
            raise UsageError(f'Cannot serve on {host}:{port}: {error.strerror}.') from None


def fail(message: str, command: str = PROGRAM) -> NoReturn:
    print(f'{command}: {message}', file=sys.stderr)
    print(f'Run `{command} --help` for the options.', file=sys.stderr)
    sys.exit(USAGE_ERROR)
