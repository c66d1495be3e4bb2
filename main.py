"""Wiring only: parse the command line, build the app-level state, register the pages, run the server."""

from __future__ import annotations

import contextlib
import secrets
import sys

from nicegui import app, ui

from eyelet_gui.command_line import UsageError, fail, parse
from eyelet_gui.components import styles
from eyelet_gui.desktop import window as native_window
from eyelet_gui.notify.notifier import Notifier, channels_of
from eyelet_gui.pages import api, database, export, overview, sessions, sql, table
from eyelet_gui.server import lan, quiet_disconnects, repeated_interrupt, stopping
from eyelet_gui.server.installation import config_folder, installation_secret
from eyelet_gui.server.origin_guard import OriginGuard
from eyelet_gui.server.token_gate import TokenGate
from eyelet_gui.settings import Settings
from eyelet_gui.state.dashboard import Dashboard

TITLE = 'eyelet-gui'
RECONNECT_TIMEOUT = 10.0
"""Seconds a tab may be out of touch before NiceGUI forgets it (its default, 3 s, reloaded busy tabs)."""


def build(settings: Settings, secret: str) -> Dashboard:
    """Create the state, register every page and tie the state's life to the app's; `secret` signs cookies."""
    dashboard = Dashboard(settings)
    styles.install()
    for page in (overview, database, table, export, sessions, sql, api):
        page.register(dashboard)

    async def start() -> None:
        await dashboard.start()
        for watched in dashboard.catalog.databases:
            print(f'Watching {watched.place}', flush=True)

    def searched() -> None:
        if dashboard.discovery.problem:  # the terminal says it too: `/` may never be opened
            print(dashboard.discovery.problem, flush=True)

    app.on_startup(start)
    app.on_startup(quiet_disconnects.install)
    app.on_startup(repeated_interrupt.install)
    app.on_startup(lambda: stopping.on_stopping(dashboard.change_streams.close))
    dashboard.discovery.finished.subscribe(searched)
    app.on_shutdown(dashboard.stop)
    channels = channels_of(settings, say=lambda line: print(line, flush=True), open_page=native_window.show_page)
    if channels:
        notifier = Notifier(dashboard.attention, settings, channels)
        app.on_startup(notifier.start)
        app.on_shutdown(notifier.stop)
    if settings.token:
        app.add_middleware(TokenGate, token=settings.token, secret=secret)
    app.add_middleware(OriginGuard, serving_host=settings.host, port=settings.port, token=settings.token)  # outermost
    return dashboard


def cli(*args: str) -> None:
    """Entry point of `eyelet-gui` and `python -m eyelet_gui`; tests call it with arguments."""
    arguments = list(args) if args else sys.argv[1:]
    if arguments[:1] == ['forward']:  # a folder named `forward` is `./forward`
        from eyelet_gui.forward import main as forward  # psycopg and the forwarder: nothing the dashboard loads

        forward.cli(arguments[1:])
        return
    try:
        settings = parse(arguments)
    except UsageError as error:
        fail(str(error))
    try:
        secret = installation_secret()
    except OSError as error:
        secret = secrets.token_urlsafe(32)
        print(f'Could not keep a secret in {config_folder()} ({error}); cookies last until eyelet-gui stops.',
              file=sys.stderr)
    build(settings, secret)
    # NiceGUI's own banner is off: its links carry no token. The browser tab opens the tokened link.
    print(lan.announcement(settings.host, settings.port, settings.token), flush=True)
    show = settings.show and (f'/?token={settings.token}' if settings.token else True)
    if settings.native:
        native_window.prepare(verbose=settings.verbose)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: uvicorn stops cleanly, then re-raises the signal
        ui.run(host=settings.host, port=settings.port, show=show, reload=False, title=TITLE, dark=None,
               show_welcome_message=False, storage_secret=secret, native=settings.native,
               window_size=native_window.WINDOW_SIZE if settings.native else None,
               tailwind=False,  # compiled ahead of time: components/styles.py
               # A busy browser (a phone, a tab among many) may answer the server's ping late: NiceGUI drops a
               # connection after max(0.4 * this, 2) s of silence and reloads a tab gone longer than this.
               reconnect_timeout=RECONNECT_TIMEOUT,
               # uvicorn waits for responses under way before the app's shutdown: streams end at once
               # (server/stopping.py); this bounds the wait for any other.
               timeout_graceful_shutdown=stopping.GRACEFUL_TIMEOUT)
    if settings.native:  # the server stopped on Ctrl+C or SIGTERM: see native_window.leave
        native_window.leave()


if __name__ == '__main__':
    cli()
