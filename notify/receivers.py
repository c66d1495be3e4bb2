"""`--notify URL`: each Apprise URL is a receiver with a thread of its own, so that a receiver that is down (its
retries, its time-outs) delays neither the event loop nor the other receivers.

Apprise is an extra (`eyelet-gui[notify]`): imported only when a URL is given.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from eyelet_gui.notify.message import Message, shown_url
from eyelet_gui.sources.redaction import redact_text

TRIES = 3
BACK_OFF = 1.0
"""Seconds before the second try, doubled before each next one."""
WAITING = 100
"""Messages a receiver keeps while it is slow or down; more are dropped (a receiver down since long is said)."""
HOW_TO_GET_APPRISE = ("--notify sends through Apprise, which is not installed: run eyelet-gui with it, as "
                      "uvx --from 'eyelet-gui[notify]' eyelet-gui …, or install it with "
                      "pip install 'eyelet-gui[notify]'.")


def apprise_problem(urls: tuple[str, ...]) -> str | None:
    """The sentence that stops the start: Apprise missing, or the first URL it cannot send to; None when all is
    well. The URL is shown by scheme and host only (the rest may be a secret)."""
    if importlib.util.find_spec('apprise') is None:
        return HOW_TO_GET_APPRISE
    for url in urls:
        if _plugin(url) is None:
            return (f'--notify {shown_url(url)}: Apprise cannot send to this URL; write it as Apprise documents its '
                    'services, such as ntfy://ntfy.sh/TOPIC, json://host:port/path or mailto://user:password@host.')
    return None


def _plugin(url: str) -> Any:
    """Apprise's sender for one URL, or None. Its log goes to `_Capture` only: Apprise logs a URL it cannot read
    whole, and Python would print it on stderr, secrets and all."""
    import apprise

    log = logging.getLogger('apprise')
    log.propagate = False
    if not log.handlers:
        log.addHandler(logging.NullHandler())
    return apprise.Apprise.instantiate(url)


class _Capture(logging.Handler):
    """The last warning Apprise logged on one thread: the sentence of a failed delivery (Apprise's `notify` only
    says False)."""

    def __init__(self, thread: threading.Thread) -> None:
        super().__init__(logging.WARNING)
        self.thread = thread
        self.last: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread.ident:
            self.last = record.getMessage()


class Receiver:
    """One Apprise URL: messages queued here are sent from its own thread, with retries."""

    def __init__(self, url: str, say: Callable[[str], None]) -> None:
        self.name = shown_url(url)
        self.plugin = _plugin(url)
        if self.plugin is None:
            raise ValueError(f'--notify {self.name}: Apprise cannot send to this URL.')
        self.say = say
        self.down = False
        """Whether the last message could not be delivered (said once, and once more when it works again)."""
        self.waiting: queue.Queue[Message | None] = queue.Queue(WAITING)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f'notify {self.name}', daemon=True)
        self.capture = _Capture(self.thread)

    def start(self) -> None:
        logging.getLogger('apprise').addHandler(self.capture)
        self.thread.start()

    def send(self, message: Message) -> None:
        """Queue `message`; never waits."""
        with contextlib.suppress(queue.Full):  # down since long: said already; older news is as good as newer
            self.waiting.put_nowait(message)

    def stop(self) -> None:
        """Stop at once: a delivery under way ends with the app (the thread is a daemon), none is waited for."""
        self.stopping.set()
        with contextlib.suppress(queue.Full):
            self.waiting.put_nowait(None)
        logging.getLogger('apprise').removeHandler(self.capture)

    def _run(self) -> None:
        while (message := self.waiting.get()) is not None and not self.stopping.is_set():
            self._deliver(message)

    def _deliver(self, message: Message) -> None:
        error = 'it did not take the message'
        for attempt in range(TRIES):
            if attempt and self.stopping.wait(BACK_OFF * 2 ** (attempt - 1)):
                return
            self.capture.last = None
            try:
                delivered = bool(self.plugin.notify(title=message.title, body=message.body))
            except Exception as failure:  # a plugin's own bug must not end the thread
                delivered, self.capture.last = False, str(failure) or type(failure).__name__
            if delivered:
                if self.down:
                    self.down = False
                    self.say(f'Notifications reach {self.name} again.')
                return
            error = self.capture.last or error
        if not self.down:
            self.down = True
            self.say(f'Notifications to {self.name} are not delivered ({redact_text(error).rstrip(".")}); '
                     'said once, and again when they are.')
