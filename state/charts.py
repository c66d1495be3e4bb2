"""Chart figures for eyelet's hooks over the last hour, aggregated in SQL and merged across databases."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

from nicegui import Event

from eyelet_gui.sources.query import errors_per_minute_statement, events_per_minute_statement, tool_calls_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.state.refresh_loop import RefreshLoop
from eyelet_gui.state.watcher import Watcher

MINUTES = 60
REFRESH_INTERVAL = 2.0
"""Seconds at least between two aggregations: charts need not move faster than the eye reads them."""


@dataclass(frozen=True)
class ToolFigures:
    calls: int
    p50_ms: float | None
    p95_ms: float | None
    errors: int


@dataclass(frozen=True)
class Aggregates:
    """Everything the charts show, for the MINUTES minutes up to `last_minute` (minutes since the epoch)."""

    last_minute: int
    events: dict[str, list[int]] = field(default_factory=dict)
    """Per hook type: events in each minute, oldest first."""
    error_rate: list[float | None] = field(default_factory=list)
    """Per minute: failed PostToolUse / PostToolUse (None for a minute without tool calls)."""
    tools: dict[str, ToolFigures] = field(default_factory=dict)
    """Per tool over the hour: calls, median and 95th percentile duration, failures."""


async def aggregate(watchers: list[Watcher], now: float) -> Aggregates:
    """Run the three aggregate queries on every eyelet database and merge them."""
    last = math.floor(now / 60)
    since = (last - MINUTES + 1) * 60
    events: dict[str, list[int]] = defaultdict(lambda: [0] * MINUTES)
    errors, calls = [0] * MINUTES, [0] * MINUTES
    tools: dict[str, list[ToolFigures]] = defaultdict(list)
    for watcher in watchers:
        try:
            if await watcher.schema_kind() != 'eyelet':
                continue
            for minute, hook_type, count in (await watcher.reader.fetch(events_per_minute_statement(since))).rows:
                events[hook_type][minute - last + MINUTES - 1] += count
            for minute, failed, total in (await watcher.reader.fetch(errors_per_minute_statement(since))).rows:
                errors[minute - last + MINUTES - 1] += failed or 0
                calls[minute - last + MINUTES - 1] += total
            for tool, total, p50, p95, failed in (await watcher.reader.fetch(tool_calls_statement(since))).rows:
                tools[tool or '(none)'].append(ToolFigures(total, p50, p95, failed or 0))
        except DatabaseProblem:
            continue  # the connection list says what is wrong with it
    merged = {tool: ToolFigures(sum(f.calls for f in figures),
                                # across databases the exact percentile would need the rows: the busiest one's
                                max(figures, key=lambda f: f.calls).p50_ms,
                                max(figures, key=lambda f: f.calls).p95_ms, sum(f.errors for f in figures))
              for tool, figures in tools.items()}
    return Aggregates(last_minute=last, events=dict(sorted(events.items())),
                      error_rate=[e / c if c else None for e, c in zip(errors, calls, strict=True)],
                      tools=dict(sorted(merged.items(), key=lambda item: -item[1].calls)))


class Charts:
    """App-level: aggregates again after commits (at most every REFRESH_INTERVAL) and fires `updated`."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        self.watchers = watchers
        self.latest = Aggregates(last_minute=math.floor(time.time() / 60))
        self.updated: Event[Aggregates] = Event()
        self.loop = RefreshLoop(watchers, self._refresh, interval=REFRESH_INTERVAL, idle=60.0, name='charts')
        """Also once a minute without commits, so that the time axis moves on."""

    async def _refresh(self) -> None:
        self.latest = await aggregate(list(self.watchers.values()), time.time())
        self.updated.emit(self.latest)
