"""Which episodes are sent, and where: those that began while eyelet-gui runs, in a state `--notify-on` names, once
each (Attention's `began` fires once per episode), to every channel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from eyelet_gui.notify.message import Message, message_of, server_address
from eyelet_gui.settings import Settings
from eyelet_gui.state.eyelet.attention import Attention, Episode
from eyelet_gui.state.live.subscriptions import Subscriptions


class Channel(Protocol):
    def start(self) -> None: ...
    def send(self, message: Message) -> None: ...
    def stop(self) -> None: ...


class Notifier:
    """Sends the episodes `attention` begins to `channels`, from the app's start to its stop."""

    def __init__(self, attention: Attention, settings: Settings, channels: list[Channel]) -> None:
        self.channels = channels
        self.states = frozenset(settings.notify_states)
        self.address = server_address(settings.host, settings.port)
        self._subscriptions = Subscriptions()
        self._subscriptions.add(attention.began, self._began)

    def start(self) -> None:
        for channel in self.channels:
            channel.start()

    def stop(self) -> None:
        self._subscriptions.release()
        for channel in self.channels:
            channel.stop()

    def _began(self, episode: Episode) -> None:
        if not episode.fresh or episode.state not in self.states:
            return  # from before the start (a restart sends no past), or a state not asked for
        message = message_of(episode, self.address)
        for channel in self.channels:
            channel.send(message)


def channels_of(settings: Settings, say: Callable[[str], None],
                open_page: Callable[[str], Awaitable[None]] | None = None) -> list[Channel]:
    """A receiver per `--notify` URL (checked at start: command_line.py), and the OS's notifications with
    `--native` when desktop-notifier is there."""
    channels: list[Channel] = []
    if settings.notify:
        from eyelet_gui.notify.receivers import Receiver

        channels.extend(Receiver(url, say) for url in settings.notify)
    if settings.native and open_page is not None:
        from eyelet_gui.notify.desktop import DesktopChannel, desktop_notifier_missing

        missing = desktop_notifier_missing()
        if missing:
            say(missing)
        else:
            channels.append(DesktopChannel(say, open_page))
    return channels
