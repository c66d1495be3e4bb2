"""Four live charts of the last hour: events per minute by hook type, calls and failures per tool, durations of
paired calls per tool, failed calls per minute.

Each update sends only the points that changed, as `Plotly.extendTraces` patches (components/plot.py): the
current minute's bar growing, a minute scrolling in, a tool's count. A chart is drawn anew only when a trace
appears or goes (a hook type seen for the first time in the hour).
"""

from __future__ import annotations

from typing import Any

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.plot import Plot, plot_text
from eyelet_gui.state.eyelet.charts import MINUTES, Aggregates, Charts

RED = '#e53935'
LAYOUT = {'margin': {'l': 40, 'r': 10, 't': 30, 'b': 30}, 'paper_bgcolor': 'rgba(0,0,0,0)',
          'plot_bgcolor': 'rgba(0,0,0,0)', 'legend': {'orientation': 'h', 'y': -0.15}, 'height': 300}


def _data(aggregates: Aggregates) -> list[list[dict[str, Any]]]:
    """The traces of the four charts, in order. Tools in name order: plotly orders the bars by size."""
    first = aggregates.last_minute - MINUTES + 1
    minutes = [minute * 60_000 for minute in range(first, first + MINUTES)]  # epoch ms, shown in local time
    names = sorted(aggregates.tools)
    figures = [aggregates.tools[name] for name in names]
    tools = [plot_text(name) for name in names]
    return [
        [{'type': 'bar', 'name': plot_text(hook), 'x': minutes, 'y': counts, 'times': ['x']}
         for hook, counts in aggregates.events.items()],
        [{'type': 'bar', 'name': 'ok', 'x': tools, 'y': [f.calls - f.failures for f in figures],
          'marker': {'color': '#43a047'}},
         {'type': 'bar', 'name': 'failed', 'x': tools, 'y': [f.failures for f in figures], 'marker': {'color': RED}}],
        [{'type': 'bar', 'name': 'p50', 'x': tools, 'y': [f.p50_ms for f in figures]},
         {'type': 'bar', 'name': 'p95', 'x': tools, 'y': [f.p95_ms for f in figures]}],
        [{'type': 'bar', 'name': 'failed calls', 'x': minutes, 'y': aggregates.failures, 'times': ['x'],
          'marker': {'color': RED}}],
    ]


TITLES = ('Events per minute by hook type', 'Tool calls in the last hour', 'Duration per tool, ms (p50, p95)',
          'Failed tool calls per minute')
BY_SIZE = {'categoryorder': 'total descending'}
CLOCK = {'type': 'date', 'tickformat': '%H:%M'}  # the last hour: the date would only take room
EXTRA_LAYOUT: tuple[dict[str, Any], ...] = ({'barmode': 'stack', 'xaxis': CLOCK},
                                            {'barmode': 'stack', 'xaxis': BY_SIZE},
                                            {'barmode': 'group', 'xaxis': BY_SIZE, 'yaxis': {'type': 'log'}},
                                            {'xaxis': CLOCK, 'yaxis': {'rangemode': 'tozero'}})


def charts(state: Charts) -> None:
    """The four charts in a grid that becomes one column on a phone."""
    plots = []
    with Lifetime().classes('w-full grid grid-cols-1 lg:grid-cols-2 gap-4') as lifetime:
        state.acquire()
        lifetime.on_end(state.release)
        for title, extra, traces in zip(TITLES, EXTRA_LAYOUT, _data(state.latest), strict=True):
            figure = {'data': traces, 'layout': {**LAYOUT, **extra, 'title': {'text': title, 'font': {'size': 14}}},
                      'config': {'displaylogo': False}}
            plots.append(Plot(figure).classes('w-full').mark('chart'))

    def update(aggregates: Aggregates) -> None:
        for plot, traces in zip(plots, _data(aggregates), strict=True):
            if [trace['name'] for trace in plot.traces] == [trace['name'] for trace in traces]:
                plot.change(traces)
            else:
                plot.draw(traces)

    lifetime.subscribe(state.updated, update)
