"""Subscriptions of app-level state to each other's events, held together and released together.

NiceGUI's `Event.subscribe` ties a callback to the UI element being built, if any, and forgets it when that
element goes (`unsubscribe_on_delete`); app-level state has no element, so it subscribes without one and must
unsubscribe itself when it stops, or the event keeps calling (and holding) a stopped object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import Event


class Subscriptions:
    """Callbacks subscribed through `add`, all unsubscribed by one `release`."""

    def __init__(self) -> None:
        self._held: list[tuple[Event[Any], Callable[..., Any]]] = []

    def add(self, event: Event[Any], callback: Callable[..., Any]) -> None:
        """`callback` on each `event` until `release`."""
        event.subscribe(callback, unsubscribe_on_delete=False)
        self._held.append((event, callback))

    def release(self) -> None:
        """Unsubscribe everything added (a second call releases nothing)."""
        held, self._held = self._held, []
        for event, callback in held:
            event.unsubscribe(callback)
