"""Four live charts of the last hour: events per minute by hook type, calls per tool, durations, error rate.

Each update restyles the traces' data arrays only (at most 60 numbers a trace); the figure is drawn anew
only when a trace appears (a hook type or tool seen for the first time).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from nicegui import ui

from eyelet_gui.state.charts import MINUTES, Aggregates, Charts

LAYOUT = {'margin': {'l': 40, 'r': 10, 't': 30, 'b': 30}, 'paper_bgcolor': 'rgba(0,0,0,0)',
          'plot_bgcolor': 'rgba(0,0,0,0)', 'legend': {'orientation': 'h'}, 'height': 280}


def _minutes(aggregates: Aggregates) -> list[str]:
    first = aggregates.last_minute - MINUTES + 1
    return [datetime.fromtimestamp(minute * 60, tz=timezone.utc).isoformat() for minute in range(first,
                                                                                               first + MINUTES)]


def _data(aggregates: Aggregates) -> list[list[dict[str, Any]]]:
    """The traces of the four charts, in order."""
    minutes, tools = _minutes(aggregates), list(aggregates.tools)
    return [
        [{'type': 'bar', 'name': hook, 'x': minutes, 'y': counts} for hook, counts in aggregates.events.items()],
        [{'type': 'bar', 'name': 'calls', 'x': tools, 'y': [f.calls for f in aggregates.tools.values()]}],
        [{'type': 'bar', 'name': 'p50', 'x': tools, 'y': [f.p50_ms for f in aggregates.tools.values()]},
         {'type': 'bar', 'name': 'p95', 'x': tools, 'y': [f.p95_ms for f in aggregates.tools.values()]}],
        [{'type': 'scatter', 'mode': 'lines+markers', 'name': 'error rate', 'x': minutes,
          'y': aggregates.error_rate, 'connectgaps': False}],
    ]


TITLES = ('Events per minute by hook type', 'Tool calls (last hour)', 'Duration per tool, ms (p50, p95)',
          'Failed tool calls, share per minute')
EXTRA_LAYOUT: tuple[dict[str, Any], ...] = ({'barmode': 'stack', 'xaxis': {'type': 'date'}}, {},
                                            {'barmode': 'group', 'yaxis': {'type': 'log'}},
                                            {'xaxis': {'type': 'date'}, 'yaxis': {'tickformat': '.0%'}})


def charts(state: Charts) -> None:
    """The four charts in a grid that becomes one column on a phone."""
    plots = []
    with ui.element('div').classes('w-full grid grid-cols-1 lg:grid-cols-2 gap-4'):
        for title, extra, traces in zip(TITLES, EXTRA_LAYOUT, _data(state.latest), strict=True):
            figure = {'data': traces, 'layout': {**LAYOUT, **extra, 'title': {'text': title, 'font': {'size': 14}}},
                      'config': {'displaylogo': False, 'responsive': True}}
            plots.append(ui.plotly(figure).classes('w-full').mark('chart'))

    def update(aggregates: Aggregates) -> None:
        for plot, traces in zip(plots, _data(aggregates), strict=True):
            old = plot.figure['data']
            if [trace['name'] for trace in old] != [trace['name'] for trace in traces]:
                plot.figure['data'] = traces
                plot.update()  # a new trace: the only time a chart is drawn anew
                continue
            for trace, new in zip(old, traces, strict=True):
                trace['x'], trace['y'] = new['x'], new['y']  # the server's copy, for new and reconnecting tabs
            plot.run_plot_method('restyle', {'x': [t['x'] for t in traces], 'y': [t['y'] for t in traces]},
                                 list(range(len(traces))))

    state.updated.subscribe(update)
