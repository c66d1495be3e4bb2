"""The native window's notifications: the OS's own (D-Bus on Linux, the notification centres of macOS and Windows)
through desktop-notifier, from the server's process, which runs on the same machine as the window.

pywebview has no notification API. desktop-notifier is asynchronous (dbus-fast on Linux), so it runs on the event
loop without blocking it. A click leads the window to the session's page and brings it forward.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import background_tasks

from eyelet_gui.notify.message import Message

APPLICATION = 'eyelet-gui'
HOW_TO_GET_IT = ("The native window's notifications need desktop-notifier: pip install 'eyelet-gui[native]' "
                 '(the window works without them).')


def desktop_notifier_missing() -> str | None:
    return HOW_TO_GET_IT if importlib.util.find_spec('desktop_notifier') is None else None


SAYS_FAILURE = 'The desktop does not show notifications'


class _Failures(logging.Handler):
    """desktop-notifier tells a failure only in its log, as a warning with the exception and its traceback: kept here
    instead, so that the terminal gets one sentence, once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.last = (str(error) or type(error).__name__) if error is not None else record.getMessage()


class DesktopChannel:
    """Shows each message as an OS notification; `open_page(path)` is what a click does."""

    def __init__(self, say: Callable[[str], None], open_page: Callable[[str], Awaitable[None]]) -> None:
        from desktop_notifier import DesktopNotifier

        self.notifier: Any = DesktopNotifier(app_name=APPLICATION)
        self.say = say
        self.open_page = open_page
        self.failing = False
        """Whether the last notification could not be shown (said once, and again when one is)."""
        self.failures = _Failures()

    def start(self) -> None:
        """desktop-notifier connects on its first notification; its log goes to `failures` only."""
        log = logging.getLogger('desktop_notifier')
        log.propagate = False
        log.addHandler(self.failures)

    def stop(self) -> None:
        """Close the D-Bus connection (the library has no public close; else the garbage collector finds the socket
        open); a notification under way ends with the event loop."""
        logging.getLogger('desktop_notifier').removeHandler(self.failures)
        bus = getattr(self.notifier._backend, 'bus', None)  # Linux's backend only, once connected
        if bus is not None:
            bus.disconnect()

    def send(self, message: Message) -> None:
        background_tasks.create(self._show(message), name='desktop notification')

    async def _show(self, message: Message) -> None:
        def clicked() -> None:
            background_tasks.create(self.open_page(message.page), name='open the session')

        self.failures.last = None
        try:
            await self.notifier.send(title=message.title, message=message.text, on_clicked=clicked)
        except Exception as error:  # desktop-notifier catches its backend's; this is for its own
            self.failures.last = str(error) or type(error).__name__
        if self.failures.last is not None:
            if not self.failing:
                self.failing = True
                self.say(f'{SAYS_FAILURE} ({self.failures.last.rstrip(".")}); said once.')
            return
        if self.failing:
            self.failing = False
            self.say('The desktop shows notifications again.')
