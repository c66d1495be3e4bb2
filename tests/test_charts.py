"""Chart aggregates against hand-checked values, and the charts following eyelet's own logger in Chromium."""

from __future__ import annotations

import dataclasses
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from eyelet_gui.settings import Settings
from eyelet_gui.sources.eyelet_schema import INSERT_HOOK, connect_writer, create_modern_database
from eyelet_gui.state.charts import MINUTES, Aggregates, ToolFigures, aggregate, nearest_rank
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.figure_patch import trace_patch

from .conftest import ServedApp
from .eyelet_logger import log_hook
from .test_engine import eventually, watching

NOW = math.floor(1_900_000_000 / 60) * 60 + 30.0  # half way through a minute


ROWS = [  # (seconds before NOW, hook type, tool, status, duration)
    (0, 'PreToolUse', 'Bash', 'success', 1), (1, 'PostToolUse', 'Bash', 'error', 300),
    (5, 'PostToolUse', 'Bash', 'success', 100), (10, 'PostToolUse', 'Bash', 'success', 200),
    (20, 'PostToolUse', 'Read', 'success', 7), (40, 'UserPromptSubmit', None, 'success', 3),
    (65, 'PostToolUse', 'Read', 'error', 9), (3 * 3600, 'PostToolUse', 'Read', 'success', 1),  # too old
]


def database(path: Path, rows: Sequence[tuple[float, str, str | None, str, int | None]] = ROWS,
             now: float = NOW) -> Path:
    create_modern_database(path)
    connection = connect_writer(path)
    for before, hook_type, tool, status, duration in rows:
        connection.execute(INSERT_HOOK, {
            'timestamp': now - before, 'timestamp_iso': '', 'session_id': 's', 'hook_type': hook_type,
            'tool_name': tool, 'status': status, 'duration_ms': duration, 'hostname': '', 'ip_address': '',
            'project_dir': '/p', 'data': '{}'})
    connection.close()
    return path


async def test_aggregates_equal_hand_checked_values(tmp_path: Path) -> None:
    async with watching(database(tmp_path / 'eyelet.db')) as watcher:
        result = await aggregate([watcher], NOW)
    assert result.last_minute == math.floor(NOW / 60)
    # NOW is 30 s into its minute: 0, 1, 5, 10 and 20 s before it fall in this minute, 40 and 65 s in the one before.
    assert {hook: counts[-3:] for hook, counts in result.events.items()} == {
        'PostToolUse': [0, 1, 4], 'PreToolUse': [0, 0, 1], 'UserPromptSubmit': [0, 1, 0]}
    assert all(len(counts) == MINUTES for counts in result.events.values())
    assert result.error_rate[-2:] == [1.0, 0.25]
    assert result.error_rate[0] is None
    assert result.tools == {'Bash': ToolFigures(calls=3, p50_ms=200, p95_ms=300, errors=1),
                            'Read': ToolFigures(calls=2, p50_ms=7, p95_ms=9, errors=1)}


def test_nearest_rank_percentiles() -> None:
    durations = Counter[float]({10: 1, 20: 18, 30: 1})  # 20 calls
    assert [nearest_rank(durations, p) for p in (50, 95, 100)] == [20, 20, 30]  # ranks 10, 19, 20
    assert nearest_rank(Counter[float]({5: 1}), 95) == 5
    assert nearest_rank(Counter[float](), 50) is None


async def test_percentiles_across_databases_are_exact(tmp_path: Path) -> None:
    """Bash's calls split over two projects: the percentiles are those of all six calls together."""
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    first = database(tmp_path / 'a' / 'eyelet.db', [(1, 'PostToolUse', 'Bash', 'success', ms) for ms in (10, 20, 30)])
    second = database(tmp_path / 'b' / 'eyelet.db', [(1, 'PostToolUse', 'Bash', 'error', ms) for ms in (5, 600)]
                      + [(2, 'PostToolUse', 'Bash', 'success', None), (3, 'PostToolUse', 'Bash', 'success', 7)])
    async with watching(first) as one, watching(second) as other:
        result = await aggregate([one, other], NOW)
    # Durations 5, 7, 10, 20, 30, 600 (a NULL duration counts as a call, not as a duration): ranks 3 and 6.
    assert result.tools == {'Bash': ToolFigures(calls=7, p50_ms=10, p95_ms=600, errors=2)}


COUNT_PLOTLY_CALLS = """() => {
  window.plotlyCalls = {react: 0, newPlot: 0, extendTraces: 0};
  for (const name of Object.keys(window.plotlyCalls)) {
    const call = Plotly[name];
    Plotly[name] = (...args) => { window.plotlyCalls[name]++; return call(...args); };
  }
}"""


async def test_charts_follow_eyelets_logger(served_app: Callable[..., ServedApp], browser: Any,
                                            tmp_path: Path) -> None:
    project = tmp_path / 'acme' / '.eyelet-logging' / 'eyelet.db'
    project.parent.mkdir(parents=True)
    log_hook(project, 'acme', 'PostToolUse', 'Bash')
    app = served_app(str(project))
    page = await browser.new_page()
    await page.goto(app.url)
    calls = "document.querySelectorAll('.js-plotly-plot')[1]?.data?.[0]"
    await page.wait_for_function(f"{calls}?.y?.[0] === 1", timeout=15_000)
    await page.evaluate(COUNT_PLOTLY_CALLS)
    log_hook(project, 'acme', 'PostToolUse', 'Bash', error='Command failed')
    log_hook(project, 'acme', 'PostToolUse', 'Read')
    await page.wait_for_function(f"JSON.stringify([{calls}.x, {calls}.y]) === '[[\"Bash\",\"Read\"],[2,1]]'",
                                 timeout=15_000)
    calls_made = await page.evaluate('window.plotlyCalls')
    assert calls_made['react'] == calls_made['newPlot'] == 0  # never drawn anew
    assert calls_made['extendTraces'] >= 1
    rates = "document.querySelectorAll('.js-plotly-plot')[3].data[0].y.filter((v) => v !== null)"
    # 1 failure in 3 calls, or in 2 and 1 when a minute turned between them: a failure shows in any case.
    assert 0 < await page.evaluate(f'Math.max(...{rates})') <= 0.5


CHART = "getElement(document.querySelectorAll('.js-plotly-plot')[{index}].id.slice(1))"
CHARTS_DRAWN = "document.querySelectorAll('.js-plotly-plot').length === 4"


async def test_patches_change_plotly_exactly(served_app: Callable[..., ServedApp], browser: Any,
                                             tmp_path: Path) -> None:
    """Random changes to the calls chart, sent as patches to the real component and plotly.js in Chromium."""
    app = served_app(str(database(tmp_path / 'eyelet.db', now=time.time())))  # no writes: the chart stays
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
                                f"patches: [patch]}}) }}", dataclasses.asdict(patch))
        current = await page.evaluate(read)
        assert current == new


async def test_chart_times_are_the_viewers_local_time(served_app: Callable[..., ServedApp], browser: Any,
                                                      tmp_path: Path) -> None:
    app = served_app(str(database(tmp_path / 'eyelet.db', now=time.time())))
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
    path = database(tmp_path / 'eyelet.db', [(2, 'PreToolUse', HOSTILE_TOOL, 'success', 1),
                                             (1, 'PostToolUse', HOSTILE_TOOL, 'success', 5)], now=time.time())
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
    later = [(-300, 'PostToolUse', 'Bash', 'error', 5000), (-61, 'PreToolUse', 'Grep', 'success', 1)]
    async with watching(database(tmp_path / 'eyelet.db', [*ROWS, *later])) as watcher:
        result = await aggregate([watcher], NOW)
    async with watching(database(tmp_path / 'without.db')) as watcher:
        expected = await aggregate([watcher], NOW)
    assert result == expected


async def test_charts_read_only_while_a_tab_shows_them(tmp_path: Path) -> None:
    """An hour of a busy log is seconds of reading: with nobody on `/`, the aggregation does not run at all."""
    path = database(tmp_path / 'eyelet.db', now=time.time())
    dashboard = Dashboard(Settings(databases=(path,), show=False))
    await dashboard.start()
    updates: list[Aggregates] = []
    dashboard.charts.updated.subscribe(updates.append, unsubscribe_on_delete=False)
    try:
        assert not dashboard.charts.loop.running
        dashboard.charts.acquire()  # a first tab on `/`
        dashboard.charts.acquire()  # and a second
        await eventually(lambda: updates)
        assert updates[-1].tools == {'Bash': ToolFigures(calls=3, p50_ms=200, p95_ms=300, errors=1),
                                     'Read': ToolFigures(calls=2, p50_ms=7, p95_ms=9, errors=1)}
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
