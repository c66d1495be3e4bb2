"""One session's timeline (plotly): a bar per tool call from PreToolUse to PostToolUse, prompts and stops marked."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.plot import Plot, plot_text
from eyelet_gui.state.session_timeline import SessionTimelines, Timeline
from eyelet_gui.state.timeline import Mark, Span

MARK_ROWS = {'UserPromptSubmit': 'prompts', 'Stop': 'stops', 'SubagentStop': 'stops', 'Notification': 'notifications'}


def timeline_traces(spans: list[Span], marks: list[Mark], now: float) -> list[dict[str, Any]]:
    """Bars on a time axis (epoch ms, lengths in ms), failed calls red, running calls to `now`; marks as points."""
    bars = {
        'type': 'bar', 'orientation': 'h', 'name': 'tool calls',
        'y': [plot_text(span.tool) for span in spans],
        'base': [round(span.start * 1000) for span in spans], 'times': ['base'],
        'x': [round(((span.end if span.end is not None else now) - span.start) * 1000) for span in spans],
        'marker': {'color': ['#e53935' if span.status == 'error' else '#90a4ae' if span.end is None else '#43a047'
                             for span in spans]},
        'text': [plot_text(span.error or ('running' if span.end is None else '')) for span in spans],
        'textposition': 'none', 'hovertemplate': '%{y}: %{x:.0f} ms<br>%{text}<extra></extra>',
    }
    points = {
        'type': 'scatter', 'mode': 'markers', 'name': 'events',
        'y': [plot_text(MARK_ROWS.get(mark.kind, mark.kind)) for mark in marks],
        'x': [round(mark.at * 1000) for mark in marks], 'times': ['x'],
        'text': [plot_text(mark.kind) for mark in marks],
        'marker': {'symbol': 'diamond', 'size': 9, 'color': '#8e24aa'},
        'hovertemplate': '%{text} at %{x}<extra></extra>',
    }
    return [bars, points]


FIGURE = {'layout': {'barmode': 'overlay', 'showlegend': False, 'margin': {'l': 110, 'r': 10, 't': 10, 'b': 40},
                       'xaxis': {'type': 'date'}, 'yaxis': {'automargin': True, 'type': 'category'},
                       'paper_bgcolor': 'rgba(0,0,0,0)', 'plot_bgcolor': 'rgba(0,0,0,0)'},
          'config': {'displaylogo': False}}


def session_timeline(timelines: SessionTimelines, database_id: str, session_id: str) -> None:
    """The timeline as the shared state last read it, changed (not redrawn) after each read that found more."""
    with Lifetime().classes('w-full nicegui-column') as lifetime:
        timeline = timelines.acquire(database_id, session_id)
        lifetime.on_end(lambda: timelines.release(database_id, session_id))
        summary = ui.label().classes('text-sm').mark('timeline-summary')
        plot = Plot({**FIGURE, 'data': timeline_traces([], [], 0)}).classes('w-full').style('height: 60vh')

    def show(latest: Timeline) -> None:
        if latest.problem is not None:
            summary.set_text(latest.problem)
            return
        errors = sum(span.status == 'error' for span in latest.spans)
        running = sum(span.end is None for span in latest.spans)
        prompts = sum(mark.kind == 'UserPromptSubmit' for mark in latest.marks)
        summary.set_text(f'{latest.events:,} events · {len(latest.spans):,} tool calls · {errors:,} failed · '
                         f'{running:,} running · {prompts:,} prompts')
        # The calls that began or ended since, not the figure.
        plot.change(timeline_traces(latest.spans, latest.marks, latest.last_at))

    if timeline.read:
        show(timeline.latest)
    lifetime.subscribe(timeline.changed, show)
