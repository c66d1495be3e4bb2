"""Chart figures for eyelet's hooks over the last hour: tool calls paired and counted as records arrive, merged
across databases."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from nicegui import Event

from eyelet_gui.state.eyelet.event_tail import EventTail, read_tails
from eyelet_gui.state.eyelet.tool_calls import HookEvent, Pairing
from eyelet_gui.state.live.refresh_loop import RefreshLoop
from eyelet_gui.state.live.shared import Viewed
from eyelet_gui.state.live.watcher import Watcher

MINUTES = 60
HORIZON = (MINUTES + 15) * 60.0
"""Seconds of records read at the start: the hour, and a quarter before it, where its first calls began."""
REFRESH_INTERVAL = 2.0
"""Seconds at least between two aggregations: charts need not move faster than the eye reads them."""


@dataclass(frozen=True)
class ToolFigures:
    calls: int
    """Calls that ended in the hour (ok or failed)."""
    p50_ms: float | None
    p95_ms: float | None
    failures: int


@dataclass(frozen=True)
class Aggregates:
    """Everything the charts show, for the MINUTES minutes up to `last_minute` (minutes since the epoch)."""

    last_minute: int
    events: dict[str, list[int]] = field(default_factory=dict)
    """Per hook type: events in each minute, oldest first."""
    failures: list[int] = field(default_factory=list)
    """Per minute: tool calls that ended failed."""
    tools: dict[str, ToolFigures] = field(default_factory=dict)
    """Per tool over the hour, most called first: calls, median and 95th percentile duration, failures."""
    running: int = 0
    """Tool calls begun and not ended yet (in sessions still going)."""


def nearest_rank(durations: Counter[float], percent: int) -> float | None:
    """The duration at rank ceil(percent / 100 * n) in ascending order (integer arithmetic: no float rounding)."""
    rank = (percent * durations.total() + 99) // 100
    for duration, count in sorted(durations.items()):
        rank -= count
        if rank <= 0:
            return duration
    return None


def duration_bucket(ms: float) -> float:
    """A duration to two significant digits (1,234 ms → 1,200 ms): what a log-scale chart can show. Percentiles
    are exact to the bucket, and a minute's durations take a few hundred counters, not one per call."""
    if ms < 10:
        return round(ms)
    scale = 10.0 ** (math.floor(math.log10(ms)) - 1)
    return float(round(ms / scale) * scale)


@dataclass
class MinuteCalls:
    """The tool calls that ended in one minute, per tool."""

    calls: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    durations: dict[str, Counter[float]] = field(default_factory=lambda: defaultdict(Counter))


class HourTally:
    """One eyelet database's last hour, counted per minute as its records arrive: events by hook type, and the
    tool calls that ended (paired from both ends) by tool. Memory and aggregation follow the minutes and tools,
    not the number of records."""

    def __init__(self, watcher: Watcher) -> None:
        self.tail = EventTail(watcher, HORIZON, self._consume, self._reset)
        self._reset()

    def _reset(self) -> None:
        self.pairing = Pairing()
        self.events: dict[int, Counter[str]] = defaultdict(Counter)
        self.calls: dict[int, MinuteCalls] = defaultdict(MinuteCalls)

    def _consume(self, events: list[HookEvent]) -> None:
        for event in events:
            self.events[math.floor(event.at / 60)][event.hook_type] += 1
            for call in self.pairing.add(event):
                if call.end is None:
                    continue
                minute, tool = self.calls[math.floor(call.end / 60)], call.tool or '(none)'
                minute.calls[tool] += 1
                minute.failed[tool] += call.outcome == 'failed'
                duration = call.duration_ms
                if duration is not None:
                    minute.durations[tool][duration_bucket(duration)] += 1

    def forget_before(self, since: float) -> None:
        """Drop the minutes before the hour shown, so that memory follows the hour, not the table."""
        for counts in (self.events, self.calls):
            for minute in [minute for minute in counts if minute * 60 < since]:
                del counts[minute]
        self.pairing.forget_before(since - HORIZON)


def aggregate(tallies: list[HourTally], now: float) -> Aggregates:
    """Merge the tallies of every eyelet database into the hour's figures."""
    last = math.floor(now / 60)
    first = last - MINUTES + 1
    events: dict[str, list[int]] = defaultdict(lambda: [0] * MINUTES)
    failures = [0] * MINUTES
    calls, failed = Counter[str](), Counter[str]()
    durations: dict[str, Counter[float]] = defaultdict(Counter)
    for tally in tallies:
        tally.forget_before(first * 60)
        for minute in range(first, last + 1):  # a record dated later (another machine's clock) is left out
            for hook_type, count in tally.events.get(minute, Counter()).items():
                events[hook_type][minute - first] += count
            ended = tally.calls.get(minute)
            if ended is not None:
                calls.update(ended.calls)
                failed.update(ended.failed)
                failures[minute - first] += ended.failed.total()
                for tool, counts in ended.durations.items():
                    durations[tool].update(counts)
    tools = {tool: ToolFigures(calls=count, p50_ms=nearest_rank(durations[tool], 50),
                               p95_ms=nearest_rank(durations[tool], 95), failures=failed[tool])
             for tool, count in calls.most_common()}
    return Aggregates(last_minute=last, events=dict(sorted(events.items())), failures=failures, tools=tools,
                      running=sum(tally.pairing.running for tally in tallies))


def no_aggregates() -> Aggregates:
    """What the charts show before the first aggregation: the last hour, empty."""
    return Aggregates(last_minute=math.floor(time.time() / 60), failures=[0] * MINUTES)


class Charts(Viewed):
    """App-level: while some tab shows the charts, aggregates again after commits (at most every
    REFRESH_INTERVAL) and fires `updated`. Nobody looking, nothing is read: an hour of a busy log is a
    second's reading."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        super().__init__()
        self.watchers = watchers
        self.latest = no_aggregates()
        self.updated: Event[Aggregates] = Event()
        self._tallies: dict[str, HourTally] = {}
        self.loop = RefreshLoop(watchers, self._refresh, interval=REFRESH_INTERVAL, idle=60.0, name='charts')
        """Also once a minute without commits, so that the time axis moves on."""

    def _start(self) -> None:
        self._tallies.clear()  # counted again from the hour before: nothing was read while nobody looked
        self.latest = no_aggregates()  # not an hour-old picture while the first aggregation runs
        self.loop.start()

    async def _stop(self) -> None:
        await self.loop.stop()

    async def _refresh(self) -> None:
        now = time.time()
        tallies = await read_tails(self.watchers, self._tallies, HourTally, now)
        self.latest = aggregate(list(tallies.values()), now)
        self.updated.emit(self.latest)
