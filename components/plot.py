"""A plotly chart that changes by appending: each change sends only the points that changed.

NiceGUI's `ui.plotly` loads plotly.js's full bundle (4.5 MB), whose parsing took ~0.7 s of this machine's main
thread on every page load and put `/`'s charts past their 1 s budget. Every chart here is bars, lines and markers,
which plotly.js's basic bundle draws (1.1 MB; `vendor/plotly` is npm's plotly.js-basic-dist-min 3.1.1, the
plotly.js version NiceGUI bundles, MIT). `ui.plotly` also has no way to send less than a whole trace.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from nicegui import ui

from eyelet_gui.state.live.figure_patch import point_columns, trace_patch


def plot_text(value: object) -> str:
    """A name from a database as plotly.js text: it reads a subset of HTML there (<b>, <br>, <a href>), so a
    tool called `<b>x</b>` would show bold, and one with a link would be a link. Escaped, it shows as typed."""
    return str(value).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


class Plot(ui.element, component='plot.js', esm={'eyelet-plotly': 'vendor/plotly'}):
    def __init__(self, figure: dict[str, Any]) -> None:
        """`figure` is plotly's {data, layout, config}; a trace's `times` names its epoch-millisecond arrays,
        which the browser shows in the viewer's time zone."""
        super().__init__()
        self._props['figure'] = {**figure, 'revision': 0}
        self._update_method = 'draw'

    @property
    def traces(self) -> list[dict[str, Any]]:
        return list(self._props['figure']['data'])

    def draw(self, data: list[dict[str, Any]]) -> None:
        """Draw anew with other traces: only when a trace appears or goes."""
        figure = self._props['figure']
        self._props['figure'] = {**figure, 'data': data, 'revision': figure['revision'] + 1}
        self.update()

    def change(self, data: list[dict[str, Any]]) -> None:
        """Bring the same traces to new points, sending `Plotly.extendTraces` patches (state/live/figure_patch.py)."""
        patches = []
        for index, (old, new) in enumerate(zip(self.traces, data, strict=True)):
            patch = trace_patch(index, point_columns(old), point_columns(new))
            if patch is not None:
                patches.append(dataclasses.asdict(patch))
        if not patches:
            return
        # The server's copy, for a tab that opens or reconnects later: it changes without being sent. A browser
        # given the new copy skips the patch by its revision number.
        figure = self._props['figure']
        with self._props.suspend_updates():
            figure['data'], figure['revision'] = data, figure['revision'] + 1
        self.run_method('patch', {'revision': figure['revision'], 'patches': patches})
