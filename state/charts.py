"""Chart figures for eyelet's hooks over the last hour, aggregated in SQL and merged across databases."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from nicegui import Event

from eyelet_gui.sources.query import errors_per_minute_statement, events_per_minute_statement, tool_durations_statement
from eyelet_gui.sources.readonly import DatabaseProblem
from eyelet_gui.state.refresh_loop import RefreshLoop
from eyelet_gui.state.shared import Viewed
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
    """Per tool over the hour, most called first: calls, median and 95th percentile duration, failures."""


def nearest_rank(durations: Counter[float], percent: int) -> float | None:
    """The duration at rank ceil(percent / 100 * n) in ascending order (integer arithmetic: no float rounding)."""
    rank = (percent * durations.total() + 99) // 100
    for duration, count in sorted(durations.items()):
        rank -= count
        if rank <= 0:
            return duration
    return None


async def aggregate(watchers: list[Watcher], now: float) -> Aggregates:
    """Run the three aggregate queries on every eyelet database and merge them."""
    last = math.floor(now / 60)
    since, until = (last - MINUTES + 1) * 60, (last + 1) * 60
    events: dict[str, list[int]] = defaultdict(lambda: [0] * MINUTES)
    errors, calls = [0] * MINUTES, [0] * MINUTES
    tool_calls, tool_errors = Counter[str](), Counter[str]()
    durations: dict[str, Counter[float]] = defaultdict(Counter)
    statements = (events_per_minute_statement(since, until), errors_per_minute_statement(since, until),
                  tool_durations_statement(since, until))
    for watcher in watchers:
        try:
            if await watcher.schema_kind() != 'eyelet':
                continue
            per_type, per_minute, per_tool = [(await watcher.reader.fetch(statement)).rows for statement in statements]
            for minute, hook_type, count in per_type:
                events[hook_type][minute - last + MINUTES - 1] += count
            for minute, failed, total in per_minute:
                errors[minute - last + MINUTES - 1] += failed or 0
                calls[minute - last + MINUTES - 1] += total
            for name, duration, count, failed in per_tool:
                tool = name or '(none)'
                tool_calls[tool] += count
                tool_errors[tool] += failed or 0
                if isinstance(duration, int | float):  # not NULL, nor text in a column SQLite does not enforce
                    durations[tool][duration] += count
        except DatabaseProblem:
            continue  # the connection list says what is wrong with it
    tools = {tool: ToolFigures(calls=count, p50_ms=nearest_rank(durations[tool], 50),
                               p95_ms=nearest_rank(durations[tool], 95), errors=tool_errors[tool])
             for tool, count in tool_calls.most_common()}
    return Aggregates(last_minute=last, events=dict(sorted(events.items())),
                      error_rate=[e / c if c else None for e, c in zip(errors, calls, strict=True)], tools=tools)


def no_aggregates() -> Aggregates:
    """What the charts show before the first aggregation: the last hour, empty."""
    return Aggregates(last_minute=math.floor(time.time() / 60), error_rate=[None] * MINUTES)


class Charts(Viewed):
    """App-level: while some tab shows the charts, aggregates again after commits (at most every
    REFRESH_INTERVAL) and fires `updated`. Nobody looking, nothing is read: an hour of a busy log is a
    second's reading."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        super().__init__()
        self.watchers = watchers
        self.latest = no_aggregates()
        self.updated: Event[Aggregates] = Event()
        self.loop = RefreshLoop(watchers, self._refresh, interval=REFRESH_INTERVAL, idle=60.0, name='charts')
        """Also once a minute without commits, so that the time axis moves on."""

    def _start(self) -> None:
        self.latest = no_aggregates()  # not an hour-old picture while the first aggregation runs
        self.loop.start()

    async def _stop(self) -> None:
        await self.loop.stop()

    async def _refresh(self) -> None:
        self.latest = await aggregate(list(self.watchers.values()), time.time())
        self.updated.emit(self.latest)
