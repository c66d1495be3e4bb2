"""The smallest change that turns a plotly trace's points into new ones, as `Plotly.extendTraces` can apply it.

A live chart changes at its end: a time axis moves on by a minute and the current minute's count grows; a
timeline gains a call and its running call ends. So a patch drops points from the end, appends the new ones,
and lets extendTraces' `maxPoints` drop from the front what scrolled out. Any change is expressed correctly;
the usual ones cost only the points that changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Columns = Mapping[str, Sequence[Any]]
"""A trace's point arrays by attribute ('x', 'y', 'marker.color' …), all of one length."""


@dataclass(frozen=True)
class TracePatch:
    trace: int
    remove: int
    """Points taken off the end first."""
    append: dict[str, list[Any]]
    """Then appended, per attribute."""
    length: int
    """The trace's length afterwards: extendTraces' maxPoints, which drops the surplus from the front."""


def trace_patch(trace: int, old: Columns, new: Columns) -> TracePatch | None:
    """The patch from `old` to `new` (same attributes), or None when they are equal."""
    names = list(new)
    old_points = list(zip(*(old[name] for name in names), strict=True))
    new_points = list(zip(*(new[name] for name in names), strict=True))
    if old_points == new_points:
        return None
    # Points that scrolled out at the front: where the new first point sits among the old ones.
    shift = next((i for i, point in enumerate(old_points) if new_points and point == new_points[0]), len(old_points))
    kept = old_points[shift:]
    same = 0
    while same < min(len(kept), len(new_points)) and kept[same] == new_points[same]:
        same += 1
    appended = new_points[same:]
    return TracePatch(trace=trace, remove=len(kept) - same,
                      append={name: [point[i] for point in appended] for i, name in enumerate(names)},
                      length=len(new_points))



def point_columns(trace: Mapping[str, Any], prefix: str = '') -> dict[str, Sequence[Any]]:
    """A plotly trace's per-point arrays, nested ones by dotted name ('marker.color'), as extendTraces names them.

    `times` is ours, not plotly's: the names of attributes holding epoch milliseconds (see components/plot.js).
    """
    columns: dict[str, Sequence[Any]] = {}
    for name, value in trace.items():
        if isinstance(value, list) and name != 'times':
            columns[prefix + name] = value
        elif isinstance(value, Mapping):
            columns.update(point_columns(value, f'{prefix}{name}.'))
    return columns
