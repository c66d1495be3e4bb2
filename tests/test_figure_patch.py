"""Patches turn any trace into any other, as the browser applies them, and cost only what changed."""

from __future__ import annotations

import random
from typing import Any

from eyelet_gui.state.live.figure_patch import TracePatch, point_columns, trace_patch


def applied(patch: TracePatch, old: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """What plot.js does: take `remove` points off the end, append, and let extendTraces' maxPoints keep the
    last `length`."""
    result = {}
    for name, values in old.items():
        extended = [*values[:len(values) - patch.remove], *patch.append[name]]
        result[name] = extended[len(extended) - patch.length:] if patch.length else []
    return result


def series(first: int, counts: list[int]) -> dict[str, list[Any]]:
    return {'x': list(range(first, first + len(counts))), 'y': counts}


def test_an_unchanged_trace_needs_no_patch() -> None:
    assert trace_patch(0, series(5, [1, 2, 3]), series(5, [1, 2, 3])) is None


def test_the_current_minute_growing_sends_one_point() -> None:
    assert trace_patch(2, series(5, [1, 2, 3]), series(5, [1, 2, 4])) == TracePatch(
        trace=2, remove=1, append={'x': [7], 'y': [4]}, length=3)


def test_a_minute_scrolling_in_sends_the_new_minute_only() -> None:
    patch = trace_patch(0, series(5, [1, 2, 3]), series(6, [2, 3, 0]))
    assert patch == TracePatch(trace=0, remove=0, append={'x': [8], 'y': [0]}, length=3)
    assert applied(patch, series(5, [1, 2, 3])) == series(6, [2, 3, 0])


def test_a_new_tool_sends_itself_and_what_follows_it() -> None:
    old: dict[str, list[Any]] = {'x': ['Bash', 'Read'], 'y': [3, 1]}
    new: dict[str, list[Any]] = {'x': ['Bash', 'Edit', 'Read'], 'y': [3, 1, 1]}
    assert trace_patch(0, old, new) == TracePatch(trace=0, remove=1, append={'x': ['Edit', 'Read'], 'y': [1, 1]},
                                                  length=3)


def test_any_change_is_applied_exactly() -> None:
    rng = random.Random(3)

    def trace() -> dict[str, list[Any]]:
        size = rng.randrange(0, 8)
        return {'x': [rng.randrange(4) for _ in range(size)], 'marker.color': [rng.choice('rg') for _ in range(size)]}

    for _ in range(2000):
        old, new = trace(), trace()
        patch = trace_patch(0, old, new)
        assert (applied(patch, old) if patch else old) == new


def test_point_columns_are_the_per_point_arrays_by_dotted_name() -> None:
    trace: dict[str, Any] = {'type': 'bar', 'x': [1], 'y': [2], 'times': ['x'], 'marker': {'color': ['red'], 'size': 9}}
    assert point_columns(trace) == {'x': [1], 'y': [2], 'marker.color': ['red']}
