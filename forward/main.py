"""`eyelet-gui forward`: wiring only. Find this machine's eyelet databases (those named, and those that appear
later below the folders searched), forward each to PostgreSQL (state/eyelet/forwarder.py), and stop cleanly on Ctrl+C
or SIGTERM. Killed any other way, it loses nothing: the next start resumes from the marks PostgreSQL keeps."""

from __future__ import annotations

import asyncio
import signal
import sys

from eyelet_gui.command_line import PROGRAM, USAGE_ERROR, UsageError, fail, parse_forward
from eyelet_gui.settings import ForwardSettings
from eyelet_gui.sources.events import stop_each
from eyelet_gui.sources.postgres.connection import PostgresProblem, shown_url
from eyelet_gui.state.catalog import Catalog, WatchedDatabase
from eyelet_gui.state.eyelet.discovery import Discovery

COMMAND = f'{PROGRAM} forward'


class Terminal:
    """Where the forwarder speaks: a line unless it is the one said last (a server that is down is the same news
    for every database)."""

    def __init__(self) -> None:
        self._last: str | None = None

    def say(self, line: str) -> None:
        if line != self._last:
            self._last = line
            print(line, flush=True)


def cli(args: list[str]) -> None:
    try:
        settings = parse_forward(args)
    except UsageError as error:
        fail(str(error), COMMAND)
    sys.exit(asyncio.run(run(settings)))


async def run(settings: ForwardSettings) -> int:
    """Forward until asked to stop; the exit status."""
    # psycopg's modules: imported once parse_forward has found it, so that without it the sentence says so.
    from eyelet_gui.sources.eyelet.team_hooks import TABLE, TeamHooks
    from eyelet_gui.state.eyelet.forwarder import Forwarder

    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    say = Terminal().say
    target = TeamHooks(settings.target)
    try:
        await target.prepare()
    except PostgresProblem as problem:
        if problem.lasting:
            print(f'{COMMAND}: {problem}', file=sys.stderr)
            return USAGE_ERROR
        say(str(problem))  # a server that is down or restarting: each database tries again, with growing pauses
    catalog = Catalog(settings.databases)
    forwarders: list[Forwarder] = []

    def forward(database: WatchedDatabase) -> None:
        forwarder = Forwarder(database.path, target, machine=settings.machine, poll_interval=settings.poll_interval,
                              said=say)
        forwarders.append(forwarder)
        forwarder.start()
        say(f'Forwarding {database.path}')

    say(f'Forwarding the eyelet records of {settings.machine} to {TABLE} in {shown_url(settings.target)}; '
        + (f'new projects below {", ".join(map(str, settings.search_roots))} join as they appear. '
           if settings.search_roots else '') + 'Ctrl+C stops.')
    for database in catalog.databases:
        forward(database)
    catalog.added.subscribe(forward, unsubscribe_on_delete=False)
    discovery = Discovery(settings.search_roots, catalog)
    discovery.start()
    await stopping.wait()
    await stop_each((('discovery', discovery.stop),
                     *((f'forwarding {forwarder.path}', forwarder.stop) for forwarder in forwarders),
                     ('PostgreSQL', target.close)))
    say(f'Forwarded {sum(forwarder.forwarded for forwarder in forwarders):,} records.')
    return 0
