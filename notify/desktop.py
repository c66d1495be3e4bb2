"""The native window's notifications: the OS's own (D-Bus on Linux, the notification centres of macOS and Windows)
through desktop-notifier, from the server's process, which runs on the same machine as the window.

pywebview has no notification API. desktop-notifier is asynchronous (dbus-fast on Linux), so it runs on the event
loop without blocking it. A click leads the window to the session's page and brings it forward.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import background_tasks

from eyelet_gui.notify.message import Message

APPLICATION = 'eyelet-gui'
HOW_TO_GET_IT = ("The native window's notifications need desktop-notifier: pip install 'eyelet-gui[native]' "
                 '(the window works without them).')


def desktop_notifier_missing() -> str | None:
    return HOW_TO_GET_IT if importlib.util.find_spec('desktop_notifier') is None else None


class DesktopChannel:
    """Shows each message as an OS notification; `open_page(path)` is what a click does."""

    def __init__(self, say: Callable[[str], None], open_page: Callable[[str], Awaitable[None]]) -> None:
        from desktop_notifier import DesktopNotifier

        self.notifier: Any = DesktopNotifier(app_name=APPLICATION)
        self.say = say
        self.open_page = open_page
        self.failing = False
        """Whether the last notification could not be shown (said once, and again when one is)."""

    def start(self) -> None:
        """Nothing to start: desktop-notifier connects on its first notification."""

    def stop(self) -> None:
        """Nothing to stop: a notification under way ends with the event loop."""

    def send(self, message: Message) -> None:
        background_tasks.create(self._show(message), name='desktop notification')

    async def _show(self, message: Message) -> None:
        def clicked() -> None:
            background_tasks.create(self.open_page(message.page), name='open the session')

        try:
            await self.notifier.send(title=message.title, message=message.text, on_clicked=clicked)
        except Exception as failure:  # no notification service (no D-Bus session bus, say)
            if not self.failing:
                self.failing = True
                self.say(f'The desktop does not show notifications ({failure or type(failure).__name__}); said once.')
            return
        if self.failing:
            self.failing = False
            self.say('The desktop shows notifications again.')
