"""One session's page content: a summary line, the timeline (plotly: a bar per tool call, prompts, stops and
notifications as markers) and beside it the story (below it on a phone). A bar or marker clicked scrolls the
story to its entry."""

from __future__ import annotations

import time
from typing import Any

from nicegui import ui

from eyelet_gui.components.eyelet.session_story import Story, colour
from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.plot import Plot, plot_text
from eyelet_gui.state.eyelet.session_story import StoryChange, StoryCounts, StoryEntry
from eyelet_gui.state.eyelet.session_timeline import SessionTimelines
from eyelet_gui.state.live.values import cell_text

MARK_ROWS = {'prompt': 'prompts', 'stop': 'stops', 'subagent stop': 'stops', 'notification': 'notifications'}
"""The row of the chart a kind of entry is marked in; others go in `session`."""
HOVER_CHARACTERS = 120


def timeline_traces(entries: list[StoryEntry], now: float) -> list[dict[str, Any]]:
    """Bars on a time axis (epoch ms, lengths in ms), coloured by outcome, running calls until `now`; the other
    entries as markers. Each point's customdata is its entry's id."""
    calls = [entry for entry in entries if entry.call is not None]
    marks = [entry for entry in entries if entry.call is None]
    starts = [entry.call.start if entry.call.start is not None else entry.at for entry in calls if entry.call]
    ends = [entry.call.end if entry.call.end is not None else max(now, entry.at) for entry in calls if entry.call]
    bars = {
        'type': 'bar', 'orientation': 'h', 'name': 'tool calls', 'customdata': [entry.id for entry in calls],
        'y': [plot_text(entry.tool or '') for entry in calls],
        'base': [round(start * 1000) for start in starts], 'times': ['base'],
        'x': [round(max(0.0, end - start) * 1000) for start, end in zip(starts, ends, strict=True)],
        'marker': {'color': [colour(entry) for entry in calls]},
        'text': [plot_text(f'{entry.outcome}: {cell_text(entry.text, HOVER_CHARACTERS)}') for entry in calls],
        'textposition': 'none', 'hovertemplate': '%{y}: %{x:.0f} ms<br>%{text}<extra></extra>',
    }
    points = {
        'type': 'scatter', 'mode': 'markers', 'name': 'events', 'customdata': [entry.id for entry in marks],
        'y': [MARK_ROWS.get(entry.kind, 'session') for entry in marks],
        'x': [round(entry.at * 1000) for entry in marks], 'times': ['x'],
        'text': [plot_text(f'{entry.hook_type}: {cell_text(entry.text, HOVER_CHARACTERS)}') for entry in marks],
        'marker': {'symbol': 'diamond', 'size': 9, 'color': [colour(entry) for entry in marks]},
        'hovertemplate': '%{text}<extra></extra>',
    }
    return [bars, points]


FIGURE = {'layout': {'barmode': 'overlay', 'showlegend': False, 'margin': {'l': 110, 'r': 10, 't': 10, 'b': 40},
                     'xaxis': {'type': 'date'}, 'yaxis': {'automargin': True, 'type': 'category'},
                     'paper_bgcolor': 'rgba(0,0,0,0)', 'plot_bgcolor': 'rgba(0,0,0,0)', 'hovermode': 'closest'},
          'config': {'displaylogo': False}}


def summary_text(counts: StoryCounts) -> str:
    return (f'{counts.events:,} events · {counts.prompts:,} prompts · {counts.calls:,} tool calls · '
            f'{counts.failed:,} failed · {counts.running:,} running')


def session_view(timelines: SessionTimelines, database_id: str, session_id: str) -> None:
    """The session as the shared state last read it, changed (never drawn anew) by each read that found more."""
    with Lifetime().classes('w-full nicegui-column') as lifetime:
        timeline = timelines.acquire(database_id, session_id)
        lifetime.on_end(lambda: timelines.release(database_id, session_id))
        summary = ui.label().classes('text-sm').mark('timeline-summary')
        with ui.element().classes('w-full grid grid-cols-1 lg:grid-cols-2 gap-4'):
            plot = Plot({**FIGURE, 'data': timeline_traces(timeline.story.entries, time.time())}) \
                .classes('w-full').style('height: 60vh')
            story = Story(timeline.story.entries).classes('w-full').style('max-height: 60vh').mark('session-story')
        story.reveal_on(plot, 'point_click')

    def show(change: StoryChange) -> None:
        # What a read took in is shown even when a later batch of it failed: the story will not tell it again.
        summary.set_text(timeline.problem or summary_text(timeline.story.counts))
        if change.reset:
            story.show(timeline.story.entries)
            plot.draw(timeline_traces(timeline.story.entries, time.time()))
        elif change:
            story.change(change)
            # The calls that began or ended since, not the figure.
            plot.change(timeline_traces(timeline.story.entries, time.time()))

    summary.set_text('Reading the session…')
    if timeline.read:  # the story and the chart were built from that read: only the summary is to show
        show(StoryChange())
    lifetime.subscribe(timeline.changed, show)
