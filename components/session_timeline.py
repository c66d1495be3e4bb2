"""One session's timeline (plotly): a bar per tool call from PreToolUse to PostToolUse, prompts and stops marked."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from eyelet_gui.components.plot import Plot, plot_text
from eyelet_gui.sources.query import session_events_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.state.timeline import Mark, Span, pair_tool_calls
from eyelet_gui.state.watcher import Watcher

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


async def session_timeline(watcher: Watcher, session_id: str) -> None:
    """The timeline, read now and again after each commit to the database (one read per burst)."""
    summary = ui.label().classes('text-sm').mark('timeline-summary')
    plot = Plot({**FIGURE, 'data': timeline_traces([], [], 0)}).classes('w-full').style('height: 60vh')

    async def show() -> None:
        try:
            events = (await watcher.reader.fetch(session_events_statement(session_id))).rows
        except DatabaseProblem as problem:
            summary.set_text(str(problem))
            return
        spans, marks = pair_tool_calls(events)
        errors = sum(span.status == 'error' for span in spans)
        running = sum(span.end is None for span in spans)
        summary.set_text(f'{len(events):,} events · {len(spans):,} tool calls · {errors:,} failed · '
                         f'{running:,} running · {sum(m.kind == "UserPromptSubmit" for m in marks):,} prompts')
        now = events[-1][1] if events else 0
        plot.change(timeline_traces(spans, marks, now))  # the calls that began or ended since, not the figure

    pending = False

    async def changed() -> None:
        nonlocal pending
        if pending:
            return  # a refresh is already on its way: commits in a burst cost one read
        pending = True
        try:
            await show()
        finally:
            pending = False

    await show()
    watcher.changed.subscribe(changed)
