""""Needs you", on every page: the sessions that wait for a person, the tab's title and favicon, browser
notifications and their bell.

The list comes from the one always-on reader (state/eyelet/attention.py) and travels only when it changes, not
with every read. The browser does the rest by itself (attention_strip.js): it counts each item's age up with one
timer while something is listed, puts the count in the tab's title and a dot on its favicon, and tells the person
of each new episode once, as they asked the bell (the choice lives in the browser, as the bell's permission does).
"""

from __future__ import annotations

import time
from typing import Any

from nicegui import ui

from eyelet_gui.components.eyelet.cells import STATE_COLOURS
from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.state.eyelet.attention import Attention, Episode
from eyelet_gui.state.eyelet.session_state import STATE_WORDS

KEYS = {'notify': 'eyelet-gui.notify', 'sound': 'eyelet-gui.sound'}
"""The browser's localStorage keys of the bell's choices ("on" or "off"), which the strip reads before telling."""
SHOWN = 5
"""Items the strip shows before a "more" link: a morning's twenty waiting terminals must not push the page away."""


def episode_item(episode: Episode) -> dict[str, Any]:
    """An episode as the browser shows it (all text: the page never reads a value as markup)."""
    return {'key': episode.key, 'session': episode.session_key, 'project': episode.project_name,
            'state': episode.state, 'words': episode.words, 'asks': episode.asks, 'since': episode.since,
            'page': episode.page, 'fresh': episode.fresh, 'colour': STATE_COLOURS[episode.words]}


class AttentionStrip(Lifetime, component='attention_strip.js'):
    """The strip at the top of a page's content; nothing (no box, no gap) when nobody waits."""

    def __init__(self, attention: Attention, title: str) -> None:
        """`title`: the page's title, which the browser prefixes with the count."""
        super().__init__()
        self.attention = attention
        self._props['title'] = title
        self._props['shown'] = SHOWN
        self._props['keys'] = KEYS
        self._set()
        self.subscribe(attention.changed, self.show)

    def _set(self) -> None:
        # The server's clock with the list: ages are counted from it, whatever the browser's clock says. Whole
        # milliseconds: a page's size must not vary with the digits of a float.
        self._props['items'] = [episode_item(episode) for episode in self.attention.episodes]
        self._props['now'] = round(time.time() * 1000)

    def show(self) -> None:
        """Send the list as it is now."""
        self._set()
        self.update()


class AttentionBell(ui.element, component='attention_bell.js'):
    """The header's bell: browser notifications on or off, and a sound, as this browser's choice (localStorage).
    Whether the browser allows them (a secure origin, a permission not denied) is only known there."""

    def __init__(self) -> None:
        super().__init__()
        self._props['keys'] = KEYS


class SessionStateLine(Lifetime):
    """A session's state at the top of its page, live: `needs your permission — Bash: pytest -q — since 12:04:31`
    while it waits, else its state alone (`working`, `ended`). Looked at after each of the list's reads: one dict
    lookup, sent only when the words change."""

    def __init__(self, attention: Attention, database_id: str, session_id: str) -> None:
        super().__init__()
        self.attention, self.session_key = attention, f'{database_id}:{session_id}'
        self.database_id, self.session_id = database_id, session_id
        self.classes('eyelet-session-state row items-center gap-2')
        with self:
            self.dot = ui.element('span').style('width: 10px; height: 10px; border-radius: 50%')
            self.words = ui.label().classes('text-weight-medium')
            self.asks = ui.label().classes('break-all')
            self.since = _Since()
        self._shown: tuple[str, str, float | None] | None = None
        self.look()
        self.subscribe(attention.read, self.look)

    def look(self) -> None:
        episode = next((e for e in self.attention.episodes if e.session_key == self.session_key), None)
        if episode is not None:
            shown: tuple[str, str, float | None] = (episode.words, episode.asks, episode.since)
        else:
            state = self.attention.state_of(self.database_id, self.session_id, time.time())
            shown = (STATE_WORDS[state] if state is not None else '', '', None)
        if shown == self._shown:
            return
        self._shown = words, asks, since = shown
        self.set_visibility(bool(words))
        self.dot.style(f'background: {STATE_COLOURS.get(words, "#43a047")}')
        self.words.set_text(words)
        self.asks.set_text(f'— {asks}' if asks else '')
        self.since.show(since)


class _Since(ui.element):
    """`— since 12:04:31` in the viewer's time zone, as every time on the pages: the browser formats it."""

    def __init__(self) -> None:
        super().__init__('span')
        self.classes('text-caption')

    def show(self, since: float | None) -> None:
        # Constant JavaScript around a number: nothing read from a database becomes code.
        self._props[':innerText'] = "''" if since is None else \
            f"'— since ' + new Date({since * 1000:.0f}).toLocaleTimeString([], {{hour12: false}})"
        self.update()
