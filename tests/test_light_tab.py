"""What keeps a live tab light: charts draw a burst of changes once, off screen or in a hidden tab not at all,
and exactly the moment they are looked at; a story entry appended re-renders no other entry; the database list
shows a burst of commits once a second, and ends exact."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nicegui import ui

from eyelet_gui.settings import Settings
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.figure_patch import trace_patch

from .conftest import ServedApp, make_database, simulated_user
from .session_records import log, payload, pre, session_database
from .test_charts import CHART, CHARTS_DRAWN, SHOW_CHARTS, acme, logged
from .writer import write

COUNT_DRAWS = """(chart) => {  // plotly.js calls that draw new points (a resize draws too, and is not counted)
  // Only this chart's: the page's other three get the server's first figures or a minute scrolling in at any time,
  // later under load, and a test must not count a draw that something else caused.
  window.draws = 0;
  for (const name of ['extendTraces', 'redraw', 'react', 'newPlot']) {
    const call = Plotly[name];
    Plotly[name] = (...args) => { if (args[0] === chart.$el) window.draws++; return call(...args); };
  }
}"""
SETTLED = "(chart) => chart.pending.length === 0 && chart.timer === undefined"
"""The chart holds no change it has yet to draw: whatever the server sent before the test's own changes is drawn."""
HELD = "([chart, count]) => chart.pending.length === count && chart.timer === undefined"
"""The chart holds `count` changes and has no drawing planned: it waits to be looked at."""
HIDE = """(hidden) => {
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => hidden});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SEND = """([chart, patches]) => {
  for (const patch of patches) chart.patch({revision: chart.revision + 1, patches: [patch]});
}"""
A_SECOND_AND_MORE = "() => new Promise((done) => setTimeout(done, 1500))"  # longer than a draw may be put off


@pytest.fixture(scope='module')
def acme_app(module_served_app: Callable[..., ServedApp], tmp_path_factory: pytest.TempPathFactory) -> ServedApp:
    """One app on acme's records for the module's chart tests: no test writes to them, each changes only its own
    page's chart."""
    return module_served_app(str(logged(acme(tmp_path_factory.mktemp('acme'), time.time()))))


async def calls_chart(app: ServedApp, browser: Any) -> tuple[Any, Any, str]:
    """A page on `/` with the calls chart (no writes: it changes only by the patches a test sends), drawn."""
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    chart = CHART.format(index=1)
    await page.wait_for_function(f"{chart}.$el.data[0].x.length === 2", timeout=15_000)
    await page.evaluate(SHOW_CHARTS)
    handle = await page.evaluate_handle(chart)
    await page.wait_for_function(SETTLED, arg=handle, timeout=15_000)
    return page, handle, f"(() => {{ const t = {chart}.$el.data[0]; return [t.x, t.y] }})()"


def patches_to(start: list[list[Any]], ends: list[list[Any]]) -> list[dict[str, Any]]:
    """The patches that take the trace through each of `ends` in turn."""
    patches, current = [], {'x': start[0], 'y': start[1]}
    for x, y in ends:
        patch = trace_patch(0, current, {'x': x, 'y': y})
        assert patch is not None
        patches.append(dataclasses.asdict(patch))
        current = {'x': x, 'y': y}
    return patches


STEPS: list[list[Any]] = [[['Bash', 'Read', 'Edit'][:1 + n % 3], [n, n + 1, n + 2][:1 + n % 3]] for n in range(1, 21)]
FINAL = json.dumps(STEPS[-1], separators=(',', ':'))


async def test_a_burst_of_changes_is_drawn_once_and_exactly(acme_app: ServedApp, browser: Any) -> None:
    page, chart, read = await calls_chart(acme_app, browser)
    await page.evaluate(COUNT_DRAWS, chart)
    await page.evaluate(SEND, [chart, patches_to(await page.evaluate(read), STEPS)])
    await page.wait_for_function(f"JSON.stringify({read}) === '{FINAL}'", timeout=15_000)
    assert await page.evaluate('window.draws') == 1, 'twenty changes, one drawing'


async def test_a_hidden_tab_draws_nothing_until_it_is_looked_at(acme_app: ServedApp, browser: Any) -> None:
    page, chart, read = await calls_chart(acme_app, browser)
    before = await page.evaluate(read)
    await page.evaluate(COUNT_DRAWS, chart)
    await page.evaluate(HIDE, True)
    await page.evaluate(SEND, [chart, patches_to(before, STEPS)])
    assert await page.evaluate(HELD, [chart, len(STEPS)])
    await page.evaluate(A_SECOND_AND_MORE)
    assert [await page.evaluate(read), await page.evaluate('window.draws')] == [before, 0]
    await page.evaluate(HIDE, False)
    await page.wait_for_function(f"JSON.stringify({read}) === '{FINAL}'", timeout=15_000)
    assert await page.evaluate('window.draws') == 1


async def test_a_chart_off_screen_draws_when_scrolled_to(acme_app: ServedApp, browser: Any) -> None:
    page, chart, read = await calls_chart(acme_app, browser)
    before = await page.evaluate(read)
    await page.evaluate(COUNT_DRAWS, chart)
    await page.evaluate("window.scrollTo(0, 0); document.body.style.paddingTop = '300vh'")  # the charts far below
    await page.wait_for_function("document.querySelector('.js-plotly-plot').getBoundingClientRect().top > innerHeight",
                                 timeout=15_000)
    await page.evaluate(SEND, [chart, patches_to(before, STEPS)])
    await page.evaluate(A_SECOND_AND_MORE)
    assert [await page.evaluate(read), await page.evaluate('window.draws')] == [before, 0]
    await page.evaluate(SHOW_CHARTS)
    await page.wait_for_function(f"JSON.stringify({read}) === '{FINAL}'", timeout=15_000)
    assert await page.evaluate('window.draws') == 1


SESSION = 'c0ffee00-1111-4222-8333-444455556666'


async def test_an_entry_appended_re_renders_no_other_entry(served_app: Callable[..., ServedApp], browser: Any,
                                                           tmp_path: Path) -> None:
    """Each entry's time says how long ago it was on hover: were the story rendered whole, the ages would change."""
    now = time.time()
    path = session_database(tmp_path / 'eyelet.db', *[(now - 30 + i, payload(SESSION, 'UserPromptSubmit',
                                                                             prompt=f'prompt {i}')) for i in range(20)])
    app = served_app(str(path))
    page = await browser.new_page(viewport={'width': 1400, 'height': 900})
    await page.goto(f'{app.url}/sessions/{database_id(path)}/{SESSION}')
    await page.locator('.eyelet-story [data-entry="20"]').wait_for(timeout=15_000)
    await page.evaluate("""() => {
      window.changedEntries = new Set();
      new MutationObserver((records) => {
        for (const record of records) {
          const entry = (record.target.nodeType === 1 ? record.target : record.target.parentElement)
            ?.closest('[data-entry]');
          if (entry) window.changedEntries.add(entry.dataset.entry);
        }
      }).observe(document.querySelector('.eyelet-story'),
                 {subtree: true, attributes: true, characterData: true, childList: true});
    }""")
    await page.evaluate(A_SECOND_AND_MORE)  # the ages shown are a second out of date: a render would change them
    log(path, (time.time(), pre(SESSION, 'Bash', 'toolu_1', command='ls')))
    await page.locator('.eyelet-story [data-entry="21"]').wait_for(timeout=15_000)
    assert await page.evaluate('[...window.changedEntries]') in ([], ['21'])


async def test_the_database_list_shows_a_burst_once_a_second(tmp_path: Path) -> None:
    """40 commits 0.05 s apart in another process: the list shows each state it passes through at most about
    twice a second (each change was shown before, up to the watcher's 10 a second), and then the last."""
    shop = make_database(tmp_path / 'shop.db', 'CREATE TABLE orders (id INTEGER PRIMARY KEY);')
    async with simulated_user(Settings(databases=(shop,), show=False)) as user:
        await user.open('/')
        await user.should_see('SQLite · orders: 0 rows', retries=150)
        (status,) = [label for label in user.find(ui.item_label).elements if label.text.startswith('SQLite · ')]
        shown: list[str] = []

        async def watch() -> None:
            while True:
                if not shown or shown[-1] != status.text:
                    shown.append(status.text)
                await asyncio.sleep(0.005)

        watching = asyncio.create_task(watch())
        started = time.monotonic()
        await asyncio.to_thread(write, shop, 'INSERT INTO orders DEFAULT VALUES', repeat=40, pause=0.05)
        await user.should_see('SQLite · orders: 40 rows', retries=150)
        seconds = time.monotonic() - started
        watching.cancel()
        assert status.text == 'SQLite · orders: 40 rows'
        assert len(shown) <= 2 * seconds + 3, (shown, seconds)  # the age's tick shows them too, once a second


async def test_a_hidden_story_shows_what_came_the_moment_it_is_looked_at(served_app: Callable[..., ServedApp],
                                                                       browser: Any, tmp_path: Path) -> None:
    now = time.time()
    path = session_database(tmp_path / 'eyelet.db', (now - 30, payload(SESSION, 'UserPromptSubmit', prompt='one')))
    app = served_app(str(path))
    page = await browser.new_page(viewport={'width': 1400, 'height': 900})
    await page.goto(f'{app.url}/sessions/{database_id(path)}/{SESSION}')
    await page.locator('.eyelet-story [data-entry="1"]').wait_for(timeout=15_000)
    await page.evaluate(HIDE, True)
    log(path, *[(time.time(), pre(SESSION, 'Bash', f'toolu_{i}', command=f'ls {i}')) for i in range(3)])
    await page.get_by_text('4 events ·').wait_for(timeout=15_000)  # the summary line: the tab has the changes
    await page.evaluate(A_SECOND_AND_MORE)
    assert await page.locator('.eyelet-story [data-entry]').count() == 1
    await page.evaluate(HIDE, False)
    await page.locator('.eyelet-story [data-entry="4"]').wait_for(timeout=15_000)
    assert await page.locator('.eyelet-story [data-entry]').count() == 4


NO_SIBLING_RULE = """() => [...document.styleSheets].every((sheet) => {
  try { return [...sheet.cssRules].every((rule) => rule.selectorText !== '#esm-fallback ~ *'); }
  catch (error) { return true; }  // a sheet still loading holds no rules yet
})"""


async def test_no_page_keeps_a_rule_that_restyles_a_container_per_child(acme_app: ServedApp, browser: Any) -> None:
    """NiceGUI's `#esm-fallback ~ *` made every added or removed grid row restyle all the grid's cells."""
    page = await browser.new_page()
    await page.goto(acme_app.url)
    await page.wait_for_function(CHARTS_DRAWN, timeout=15_000)
    assert await page.evaluate(NO_SIBLING_RULE)
    assert await page.evaluate("getComputedStyle(document.getElementById('app')).display") != 'none'

