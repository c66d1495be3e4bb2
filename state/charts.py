"""Chart figures for eyelet's hooks over the last hour: tool calls paired and counted as records arrive, merged
across databases."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from nicegui import Event

from eyelet_gui.state.event_tail import EventTail, read_tails
from eyelet_gui.state.refresh_loop import RefreshLoop
from eyelet_gui.state.shared import Viewed
from eyelet_gui.state.tool_calls import HookEvent, Pairing, ToolCall
from eyelet_gui.state.watcher import Watcher

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


class HourTally:
    """One eyelet database's last hour, counted as its records arrive: events per minute by hook type, and the
    tool calls that ended, paired from both ends."""

    def __init__(self, watcher: Watcher) -> None:
        self.tail = EventTail(watcher, HORIZON, self._consume, self._reset)
        self._reset()

    def _reset(self) -> None:
        self.pairing = Pairing()
        self.minutes: dict[int, Counter[str]] = defaultdict(Counter)
        self.ended: deque[ToolCall] = deque()
        """Calls in the order they ended (records arrive in id order, which is time order but for stragglers)."""

    def _consume(self, events: list[HookEvent]) -> None:
        for event in events:
            self.minutes[math.floor(event.at / 60)][event.hook_type] += 1
            self.ended.extend(call for call in self.pairing.add(event) if call.end is not None)

    def forget_before(self, since: float) -> None:
        """Drop what is older than the hour shown, so that memory follows the hour, not the table."""
        for minute in [minute for minute in self.minutes if minute * 60 < since]:
            del self.minutes[minute]
        while self.ended and (self.ended[0].end or 0) < since:
            self.ended.popleft()
        self.pairing.forget_before(since - HORIZON)


def aggregate(tallies: list[HourTally], now: float) -> Aggregates:
    """Merge the tallies of every eyelet database into the hour's figures."""
    last = math.floor(now / 60)
    first, since, until = last - MINUTES + 1, (last - MINUTES + 1) * 60, (last + 1) * 60
    events: dict[str, list[int]] = defaultdict(lambda: [0] * MINUTES)
    failures = [0] * MINUTES
    calls, failed = Counter[str](), Counter[str]()
    durations: dict[str, Counter[float]] = defaultdict(Counter)
    running = 0
    for tally in tallies:
        tally.forget_before(since)
        for minute, counts in tally.minutes.items():
            if first <= minute <= last:  # a record dated later (another machine's clock) is left out
                for hook_type, count in counts.items():
                    events[hook_type][minute - first] += count
        for call in tally.ended:
            if call.end is None or not since <= call.end < until:
                continue
            tool = call.tool or '(none)'
            calls[tool] += 1
            if call.outcome == 'failed':
                failed[tool] += 1
                failures[math.floor(call.end / 60) - first] += 1
            duration = call.duration_ms
            if duration is not None:
                durations[tool][round(duration)] += 1
        running += len(tally.pairing.open)
    tools = {tool: ToolFigures(calls=count, p50_ms=nearest_rank(durations[tool], 50),
                               p95_ms=nearest_rank(durations[tool], 95), failures=failed[tool])
             for tool, count in calls.most_common()}
    return Aggregates(last_minute=last, events=dict(sorted(events.items())), failures=failures, tools=tools,
                      running=running)


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
