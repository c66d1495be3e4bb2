"""The session as a story a person reads: one entry per prompt, tool call, notification and stop, in order, live.

Only what changed travels: new entries are appended and a call that ended is changed in place in the browser
(session_story.js), which keeps the reader's scroll. The server keeps its copy in step without sending it, for
a tab that connects again.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.state.eyelet.session_story import StoryChange, StoryEntry

COLOURS = {'prompt': '#8e24aa', 'notification': '#fb8c00', 'stop': '#546e7a', 'subagent stop': '#6d4c41',
           'compact': '#00897b', 'session start': '#3949ab', 'session end': '#3949ab',
           'ok': '#43a047', 'failed': '#e53935', 'running': '#1e88e5', 'abandoned': '#fb8c00'}
"""An entry's colour, in the story and in the timeline: a call's by its outcome, anything else's by its kind."""
TITLES = {'prompt': 'Prompt', 'notification': 'Notification', 'stop': 'Stop', 'subagent stop': 'Subagent stop',
          'compact': 'Compact', 'session start': 'Session start', 'session end': 'Session end'}


def duration_text(ms: float | None) -> str:
    """`840 ms`, `3.2 s`, `2.5 min`; empty when there is no duration."""
    if ms is None:
        return ''
    return f'{ms:.0f} ms' if ms < 1000 else f'{ms / 1000:.1f} s' if ms < 60_000 else f'{ms / 60_000:.1f} min'


def colour(entry: StoryEntry) -> str:
    return COLOURS.get(entry.outcome or entry.kind, '#757575')


def story_item(entry: StoryEntry) -> dict[str, Any]:
    """An entry as the browser shows it (all text: the page never reads a value as markup)."""
    title = entry.tool or entry.hook_type if entry.kind in ('call', 'event') else TITLES[entry.kind]
    return {'id': entry.id, 'kind': entry.kind, 'at': entry.at, 'title': title, 'text': entry.text,
            'outcome': entry.outcome, 'duration': duration_text(entry.duration_ms), 'error': entry.error,
            'colour': colour(entry)}


class Story(ui.element, component='session_story.js'):
    def __init__(self, entries: list[StoryEntry]) -> None:
        super().__init__()
        self._set(entries)

    def _set(self, entries: list[StoryEntry]) -> None:
        self._props['entries'] = [story_item(entry) for entry in entries]
        self._positions = {entry.id: position for position, entry in enumerate(entries)}

    def show(self, entries: list[StoryEntry]) -> None:
        """Show these entries instead (the story started over)."""
        self._set(entries)
        self.update()

    def change(self, change: StoryChange) -> None:
        """Append the new entries and replace the changed ones, sending only those."""
        appended, updated = [story_item(e) for e in change.appended], [story_item(e) for e in change.updated]
        if not appended and not updated:
            return
        items = self._props['entries']
        with self._props.suspend_updates():
            for item in updated + appended:  # an entry this tab already shows is replaced, never shown twice
                position = self._positions.setdefault(item['id'], len(items))
                if position == len(items):
                    items.append(item)
                else:
                    items[position] = item
        self.run_method('change', {'appended': appended, 'updated': updated})

    def reveal_on(self, element: ui.element, event: str) -> None:
        """When `element` emits `event` with an entry id, scroll to that entry and mark it, in the browser alone."""
        element.on(event, js_handler=f'(id) => getElement({self.id}).reveal(id)')
