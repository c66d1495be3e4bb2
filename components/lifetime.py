"""A container that owns what its content holds of the app-level state, and lets go of it when it is deleted.

NiceGUI ends a subscription made while a page is built only when the whole tab goes. Inside a live tab, a
`ui.refreshable` rebuilds its content again and again: without this, every old element would stay
subscribed and keep its feeds acquired, each rebuild would add readers and callbacks, and the next event would
update elements that no longer exist ("An element has been deleted but is still being used"). NiceGUI calls an
element's `_handle_delete` both when a refreshable clears it and when its tab is closed, so a component that
subscribes through its Lifetime is let go of exactly once, whichever comes first.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from nicegui import Event, background_tasks, ui


class Lifetime(ui.element):
    """A plain container (a `div`); what is subscribed or held through it ends with it."""

    def __init__(self, tag: str | None = None) -> None:
        """`tag` None: a `div`, or the tag of a component's own (a subclass made with `component=`)."""
        super().__init__(tag)
        self._endings: list[Callable[[], Any]] = []

    def subscribe(self, event: Event[Any], callback: Callable[..., Any]) -> None:
        """`event.subscribe(callback)` until this element is deleted."""
        event.subscribe(callback, unsubscribe_on_delete=False)
        self.on_end(lambda: event.unsubscribe(callback))

    def on_end(self, ending: Callable[[], Any]) -> None:
        """Call `ending` (a function or a coroutine function: a release) when this element is deleted."""
        self._endings.append(ending)

    def _handle_delete(self) -> None:
        super()._handle_delete()
        endings, self._endings = self._endings, []
        for ending in reversed(endings):  # the last held first, as `with` blocks unwind
            result = ending()
            if inspect.isawaitable(result):
                background_tasks.create(result, name='release what a deleted element held')
