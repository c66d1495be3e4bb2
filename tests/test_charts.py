"""Chart aggregates against hand-checked values, and the charts following eyelet's own logger in Chromium."""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.settings import Settings
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.eyelet.charts import (
    MINUTES,
    Aggregates,
    HourTally,
    ToolFigures,
    aggregate,
    duration_bucket,
    nearest_rank,
)
from eyelet_gui.state.eyelet.tool_calls import HookEvent
from eyelet_gui.state.live.figure_patch import trace_patch
from eyelet_gui.state.live.watcher import Watcher

from .conftest import ServedApp
from .eyelet_logger import log_payloads
from .records import BASH, Session
from .test_engine import eventually, watching

NOW = math.floor(1_900_000_000 / 60) * 60 + 30.0  # half way through a minute
READ = {'file_path': 'src/app.py'}


def acme(tmp_path: Path, now: float = NOW) -> Session:
    """Calls in this minute and the one before, one still running, and one three hours old."""
    return (Session('s1', str(tmp_path / 'acme'))
            .call(now - 20, now - 19.7, 't1', 'Bash', BASH, error='Exit code 1')
            .call(now - 10.1, now - 10, 't2', 'Bash', BASH)
            .call(now - 5.2, now - 5, 't3', 'Bash', BASH)
            .begin(now - 1, 't6', 'Grep', {'pattern': 'TODO'})
            .prompt(now - 50, 'Fix the tests')
            .call(now - 40.007, now - 40, 't4', 'Read', READ)
            .call(now - 65.009, now - 65, 't5', 'Read', READ, error='File does not exist.')
            .call(now - 3 * 3600 - 1, now - 3 * 3600, 't0', 'Read', READ))


def logged(session: Session) -> Path:
    return log_payloads(Path(session.cwd), session.in_order())


async def hour(watcher: Watcher, now: float = NOW) -> tuple[HourTally, Aggregates]:
    tally = HourTally(watcher)
    await tally.tail.read(now, (await watcher.relations())['hooks'])
    return tally, aggregate([tally], now)


EXPECTED_TOOLS = {'Bash': ToolFigures(calls=3, p50_ms=200, p95_ms=300, failures=1),
                  'Read': ToolFigures(calls=2, p50_ms=7, p95_ms=9, failures=1)}


async def test_aggregates_of_eyelets_records_equal_hand_checked_values(tmp_path: Path) -> None:
    """Real records (status unknown, duration NULL): durations and failures come from pairing both ends."""
    async with watching(logged(acme(tmp_path))) as watcher:
        _, result = await hour(watcher)
    assert result.last_minute == math.floor(NOW / 60)
    # NOW is 30 s into its minute: 1 to 20 s before it fall in this minute, 40 to 65 s in the one before.
    assert {hook: counts[-2:] for hook, counts in result.events.items()} == {
        'PostToolUse': [1, 2], 'PostToolUseFailure': [1, 1], 'PreToolUse': [2, 4], 'UserPromptSubmit': [1, 0]}
    assert all(len(counts) == MINUTES for counts in result.events.values())
    assert result.failures[-2:] == [1, 1]
    assert sum(result.failures) == 2
    assert result.tools == EXPECTED_TOOLS
    assert result.running == 1


async def test_a_refresh_reads_only_what_was_committed_since(tmp_path: Path) -> None:
    path = logged(acme(tmp_path))
    async with watching(path) as watcher:
        tally, _ = await hour(watcher)
        read: list[list[HookEvent]] = []
        tally.tail._consume = read.append
        log_payloads(path.parent.parent, Session('s1', str(tmp_path / 'acme'))
                     .end(NOW - 0.5, 't6', 'Grep', {'pattern': 'TODO'}).events)
        await tally.tail.read(NOW, (await watcher.relations())['hooks'])
    assert [(event.hook_type, event.tool_use_id) for batch in read for event in batch] == [('PostToolUse', 't6')]


def test_durations_are_counted_to_two_significant_digits() -> None:
    assert [duration_bucket(ms) for ms in (0.4, 7.4, 42, 1234, 98_765, 5_551_000)] \
        == [0, 7, 42, 1200, 99_000, 5_600_000]


def test_nearest_rank_percentiles() -> None:
    durations = Counter[float]({10: 1, 20: 18, 30: 1})  # 20 calls
    assert [nearest_rank(durations, p) for p in (50, 95, 100)] == [20, 20, 30]  # ranks 10, 19, 20
    assert nearest_rank(Counter[float]({5: 1}), 95) == 5
    assert nearest_rank(Counter[float](), 50) is None


async def test_percentiles_across_databases_are_exact(tmp_path: Path) -> None:
    """Bash's calls split over two projects: the percentiles are those of all six calls together."""
    first, second = Session('a', str(tmp_path / 'a')), Session('b', str(tmp_path / 'b'))
    for number, ms in enumerate((10, 20, 30)):
        first.call(NOW - 10 - ms / 1000, NOW - 10, f'a{number}', 'Bash', BASH)
    for number, ms in enumerate((5, 600, 7)):
        second.call(NOW - 10 - ms / 1000, NOW - 10, f'b{number}', 'Bash', BASH, error='failed' if ms < 7 else None)
    second.end(NOW - 5, 'unpaired', 'Bash', BASH)  # its PreToolUse was never logged: a call without a duration
    async with watching(logged(first)) as one, watching(logged(second)) as other:
        tallies = [(await hour(watcher))[0] for watcher in (one, other)]
    result = aggregate(tallies, NOW)
    # Durations 5, 7, 10, 20, 30, 600 (the unpaired call counts as a call, not as a duration): ranks 3 and 6.
    assert result.tools == {'Bash': ToolFigures(calls=7, p50_ms=10, p95_ms=600, failures=1)}


COUNT_PLOTLY_CALLS = """() => {
  window.plotlyCalls = {react: 0, newPlot: 0, redraw: 0};
  for (const name of Object.keys(window.plotlyCalls)) {
    const call = Plotly[name];
    Plotly[name] = (...args) => { window.plotlyCalls[name]++; return call(...args); };
  }
}"""


async def test_charts_follow_eyelets_logger(served_app: Callable[..., ServedApp], browser: Any,
                                            tmp_path: Path) -> None:
    """eyelet's own logger, in another process, commits calls one record at a time: the calls chart follows by
    patches, never drawn anew, and a failed call shows in the failures chart."""
    cwd, now = tmp_path / 'acme', time.time()
    # Every hook type from the start: a type new to the hour adds a trace, which draws its chart anew.
    path = log_payloads(cwd, Session('s1', str(cwd)).call(now - 1, now - 0.5, 't1', 'Bash', BASH)
                        .call(now - 1, now - 0.5, 't0', 'Read', READ, error='File does not exist.').events)
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(app.url)
    calls = "document.querySelectorAll('.js-plotly-plot')[1]?.data?.[0]"  # the ok calls per tool
    await page.wait_for_function(f"{calls}?.y?.[0] === 1 && {calls}?.y?.length === 2", timeout=15_000)
    await page.evaluate(SHOW_CHARTS)  # a chart off screen is drawn when it is scrolled to
    await page.evaluate(COUNT_PLOTLY_CALLS)
    log_payloads(cwd, Session('s1', str(cwd)).call(now, now + 0.2, 't2', 'Bash', BASH, error='Exit code 1')
                 .call(now, now + 0.1, 't3', 'Read', READ).events)
    failed = "document.querySelectorAll('.js-plotly-plot')[1].data[1]"
    await page.wait_for_function(f"JSON.stringify([{calls}.x, {calls}.y, {failed}.y]) === "
                                 "'[[\"Bash\",\"Read\"],[1,1],[1,1]]'", timeout=15_000)
    calls_made = await page.evaluate('window.plotlyCalls')
    assert calls_made['react'] == calls_made['newPlot'] == 0  # never drawn anew
    assert calls_made['redraw'] >= 1
    failures = "document.querySelectorAll('.js-plotly-plot')[3].data[0].y"
    await page.wait_for_function(f"{failures}.reduce((a, b) => a + b) === 2", timeout=15_000)


SHOW_CHARTS = "document.querySelector('.js-plotly-plot').scrollIntoView({block: 'start'})"
CHART = "getElement(document.querySelectorAll('.js-plotly-plot')[{index}].id.slice(1))"
CHARTS_DRAWN = "document.querySelectorAll('.js-plotly-plot').length === 4"


@pytest.fixture(scope='module')
def acme_app(module_served_app: Callable[..., ServedApp], tmp_path_factory: pytest.TempPathFactory) -> ServedApp:
    """One app on acme's records for the tests that only look at them (no writes: the charts stay)."""
    return module_served_app(str(logged(acme(tmp_path_factory.mktemp('acme'), time.time()))))


async def test_patches_change_plotly_exactly(acme_app: ServedApp, browser: Any) -> None:
    """Random changes to the calls chart, sent as patches to the real component and plotly.js in Chromium."""
    app = acme_app
    page = await browser.new_page()
    await page.goto(app.url)
    chart = CHART.format(index=1)
    read = f"(() => {{ const t = {chart}.$el.data[0]; return {{x: t.x, y: t.y}} }})()"
    await page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    await page.wait_for_function(f"{chart}.$el.data[0].x.length === 2", timeout=15_000)
    rng = random.Random(5)
    current = await page.evaluate(read)
    for _ in range(60):
        size = rng.randrange(0, 6)
        new: dict[str, list[Any]] = {'x': [rng.choice('ABCDEF') for _ in range(size)],
                                     'y': [rng.randrange(3) for _ in range(size)]}
        patch = trace_patch(0, current, new)
        if patch is not None:
            await page.evaluate(f"(patch) => {{ const c = {chart}; c.patch({{revision: c.revision + 1, "
                                f"patches: [patch]}}); c.flush() }}", dataclasses.asdict(patch))
        current = await page.evaluate(read)
        assert current == new


async def test_chart_times_are_the_viewers_local_time(acme_app: ServedApp, browser: Any) -> None:
    app = acme_app
    context = await browser.new_context(timezone_id='Asia/Tokyo')  # UTC+9 all year
    page = await context.new_page()
    before = math.floor(time.time() / 60) * 60_000
    await page.goto(app.url)
    minutes = f"{CHART.format(index=0)}.$el.data[0]?.x"
    await page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    await page.wait_for_function(f'{minutes}?.length === {MINUTES}', timeout=15_000)
    shown = await page.evaluate(minutes)
    after = math.floor(time.time() / 60) * 60_000
    nine_hours = 9 * 3600_000
    assert shown[-1] - nine_hours in {before, after}, (shown, before, after)
    assert shown == [shown[-1] - (MINUTES - 1 - i) * 60_000 for i in range(MINUTES)]
    await context.close()


HOSTILE_TOOL = '<a href="https://example.com/x">link</a><b>bold</b>'


async def test_hostile_tool_names_show_as_typed(served_app: Callable[..., ServedApp], browser: Any,
                                                tmp_path: Path) -> None:
    """plotly.js reads some HTML in text; a tool's name must show as typed, in the charts and the timeline."""
    now = time.time()
    path = logged(Session('s1', str(tmp_path / 'acme')).call(now - 2, now - 1, 't1', HOSTILE_TOOL, {}))
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    ticks = ("[...document.querySelectorAll('.js-plotly-plot')[1].querySelectorAll('.xtick text')]"
             ".map(t => t.textContent)")
    await page.wait_for_function(f'{ticks}.length === 1', timeout=15_000)
    assert await page.evaluate(ticks) == [HOSTILE_TOOL]
    assert await page.locator('.js-plotly-plot a').count() == 0

    await page.goto(f'{app.url}/sessions')
    await page.locator('.ag-row[row-index="0"] .ag-cell').nth(1).click()
    labels = "[...document.querySelectorAll('.js-plotly-plot .ytick text')].map(t => t.textContent)"
    await page.wait_for_function(f'{labels}.length === 1', timeout=15_000)
    assert await page.evaluate(labels) == [HOSTILE_TOOL]
    assert await page.locator('.js-plotly-plot a').count() == 0


async def test_a_record_dated_later_is_left_out_not_fatal(tmp_path: Path) -> None:
    """Another machine's clock, or a commit landing as the minute turns: a row dated after the last minute counted
    once raised IndexError in the aggregation, and the charts froze for good."""
    later = acme(tmp_path).call(NOW + 300, NOW + 305, 'late', 'Bash', BASH, error='Exit code 1') \
        .begin(NOW + 61, 'later', 'Grep', {'pattern': 'x'})
    async with watching(logged(later)) as watcher:
        _, result = await hour(watcher)
    assert result.tools == EXPECTED_TOOLS
    assert sum(sum(counts) for counts in result.events.values()) == 12  # the 12 records of the hour


async def test_charts_read_only_while_a_tab_shows_them(tmp_path: Path) -> None:
    """An hour of a busy log is seconds of reading: with nobody on `/`, the aggregation does not run at all."""
    path = logged(acme(tmp_path, time.time()))
    dashboard = Dashboard(Settings(databases=(path,), show=False))
    await dashboard.start()
    updates: list[Aggregates] = []
    dashboard.charts.updated.subscribe(updates.append, unsubscribe_on_delete=False)
    try:
        assert not dashboard.charts.loop.running
        dashboard.charts.acquire()  # a first tab on `/`
        dashboard.charts.acquire()  # and a second
        await eventually(lambda: updates)
        assert updates[-1].tools == EXPECTED_TOOLS
        await dashboard.charts.release()
        assert dashboard.charts.loop.running  # the second tab still shows them
        await dashboard.charts.release()
        assert not dashboard.charts.loop.running
        dashboard.charts.acquire()  # a tab comes back: aggregated again, and nothing older shown meanwhile
        assert dashboard.charts.latest.tools == {}
        await eventually(lambda: len(updates) == 2)
        assert updates[-1].tools == updates[0].tools
    finally:
        await dashboard.stop()
