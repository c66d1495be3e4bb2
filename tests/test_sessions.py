"""Sessions: the live list's aggregates, a session's shared timeline, and both pages in Chromium."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet_gui.components.eyelet.session_story import Story
from eyelet_gui.settings import Settings
from eyelet_gui.sources.eyelet.schema import INSERT_HOOK, connect_writer, create_modern_database
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.sqlite.reader import Result
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.eyelet.session_timeline import NOT_EYELET, SessionTimelines

from .conftest import ServedApp, make_database, simulated_user
from .session_records import failure, log, payload, post, pre, session_database
from .test_engine import eventually, watching
from .test_session_story import PROMPT
from .writer import write

NOW = 1_900_000_000.0


def hooks_database(path: Path, rows: list[tuple[float, str, str, str | None, str]]) -> Path:
    create_modern_database(path)
    connection = connect_writer(path)
    for timestamp, session, hook_type, tool, status in rows:
        connection.execute(INSERT_HOOK, {
            'timestamp': timestamp, 'timestamp_iso': '', 'session_id': session, 'hook_type': hook_type,
            'tool_name': tool, 'status': status, 'duration_ms': 5, 'hostname': 'h', 'ip_address': '',
            'project_dir': '/home/dev/code/acme', 'data': '{}'})
    connection.close()
    return path


async def test_a_timeline_is_shared_and_keeps_a_commit_made_while_it_reads(tmp_path: Path) -> None:
    """Two tabs share one timeline (one read per burst, not one per tab), and a commit that lands while a read
    runs is read after it: a tab that skipped a refresh while one was pending showed it never. (Records without a
    tool_use_id, as older Claude Code wrote them: their calls pair by session and tool.)"""
    now = float(int(time.time()))  # whole seconds: the duration below is exact
    path = hooks_database(tmp_path / 'eyelet.db', [(now - 10, 'gamma', 'PreToolUse', 'Bash', 'unknown')])
    async with watching(path) as watcher:
        timelines = SessionTimelines({watcher.database.id: watcher})
        first = timelines.acquire(watcher.database.id, 'gamma')
        try:
            assert timelines.acquire(watcher.database.id, 'gamma') is first
            assert timelines.viewers(watcher.database.id, 'gamma') == 2
            await eventually(lambda: first.story.counts.events == 1)
            fetch, reading = watcher.reader.fetch, asyncio.Event()

            async def slow_fetch(statement: Statement) -> Result:
                result = await fetch(statement)  # what the database held when the read began
                reading.set()
                await asyncio.sleep(0.5)  # a slow disk: the commit below lands meanwhile
                return result

            watcher.reader.fetch = slow_fetch  # type: ignore[method-assign]
            write(path, "INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, tool_name, status, "
                        f"data) VALUES ({now - 5}, '', 'gamma', 'PostToolUse', 'Bash', 'unknown', '{{}}')")
            await asyncio.wait_for(reading.wait(), timeout=15)
            write(path, "INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, status, data) "
                        f"VALUES ({now}, '', 'gamma', 'Stop', 'unknown', '{{}}')")
            await eventually(lambda: first.story.counts.events == 3, timeout=15)
            assert [(entry.kind, entry.at, entry.tool, entry.outcome, entry.duration_ms)
                    for entry in first.story.entries] == [('call', now - 10, 'Bash', 'ok', 5000.0),
                                                          ('stop', now, None, None, None)]
        finally:
            await timelines.release(watcher.database.id, 'gamma')
            await timelines.release(watcher.database.id, 'gamma')
        assert timelines.viewers(watcher.database.id, 'gamma') == 0


STORY = "document.querySelector('.eyelet-story')"
SESSION = 'gamma-session'
COMMAND = 'pytest -q -k "<b>api</b>"'


def entry(entry_id: int, inside: str = '') -> str:
    """A CSS selector of the story's entry for record `entry_id` (or of something inside it)."""
    return f'.eyelet-story [data-entry="{entry_id}"] {inside}'.strip()


async def test_session_page_tells_the_session_live_in_chromium(served_app: Callable[..., ServedApp], browser: Any,
                                                              tmp_path: Path) -> None:
    """The list leads to the session page; its story shows each entry, a running call turns ok when its
    PostToolUse is committed (changed in place: the list is not rendered anew and the reader's scroll stays), new
    entries follow a reader at the end, and a bar clicked in the timeline scrolls the story to its entry."""
    now = float(int(time.time()))
    grep_calls = [event for i in range(30) for event in (
        (now - 250 + 5 * i, pre(SESSION, 'Grep', f'toolu_g{i}', pattern=f'def test_{i}', path='tests')),
        (now - 249 + 5 * i, post(SESSION, 'Grep', f'toolu_g{i}', {'numFiles': 1}, pattern=f'def test_{i}',
                                 path='tests')))]
    path = session_database(
        tmp_path / 'eyelet.db',
        (now - 300, payload(SESSION, 'SessionStart', source='startup')),  # record 1
        (now - 299, payload(SESSION, 'UserPromptSubmit', prompt=PROMPT)),  # 2
        (now - 290, pre(SESSION, 'Bash', 'toolu_b', command=COMMAND, description='Run the tests')),  # 3
        (now - 260, failure(SESSION, 'Bash', 'toolu_b', 'Command failed with exit code 1', command=COMMAND,
                            description='Run the tests')),  # 4
        *grep_calls,  # 5 … 64
        (now - 20, pre(SESSION, 'Read', 'toolu_r', file_path='/home/dev/code/acme-api/app.py')))  # 65: running
    app = served_app(str(path))
    page = await browser.new_page(viewport={'width': 1400, 'height': 900})
    await page.goto(f'{app.url}/sessions')
    await page.get_by_text(SESSION[:8], exact=True).wait_for(timeout=15_000)  # the list shows ids cut
    await page.locator('.ag-row[row-index="0"] .ag-cell').first.click()
    await page.get_by_text('65 events · 1 prompts · 32 tool calls · 1 failed · 1 running').wait_for(timeout=15_000)
    assert await page.locator('.eyelet-story [data-entry]').count() == 34
    assert await page.locator(entry(2, '[data-text]')).inner_text() == PROMPT
    assert await page.locator(entry(3, '[data-text]')).inner_text() == f'{COMMAND} — Run the tests'
    assert await page.locator('.eyelet-story b').count() == 0, 'text from the database is never markup'
    assert await page.locator(entry(3, '[data-outcome]')).inner_text() == 'failed'
    assert await page.locator(entry(3, '[data-error]')).inner_text() == 'Command failed with exit code 1'
    assert await page.locator(entry(65, '[data-outcome]')).inner_text() == 'running…'
    await page.wait_for_function(f'{STORY}.scrollTop > 0 && {STORY}.scrollTop + {STORY}.clientHeight >= '
                                 f'{STORY}.scrollHeight - 2', timeout=15_000)  # it opens at its latest entry

    # Scrolled up, the reader stays where they are while the running call ends in place and an entry arrives.
    await page.evaluate(f"{STORY}.scrollTop = 0; document.querySelector('{entry(65)}').kept = true")
    log(path, (now - 10, post(SESSION, 'Read', 'toolu_r', {'type': 'text'},
                              file_path='/home/dev/code/acme-api/app.py')),
        (now - 5, payload(SESSION, 'Notification', message='Claude is waiting for your input')))
    await page.get_by_text('67 events · 1 prompts · 32 tool calls · 1 failed · 0 running').wait_for(timeout=15_000)
    await page.locator(entry(65, '[data-outcome]')).get_by_text('ok').wait_for(timeout=15_000)
    assert await page.locator(entry(67, '[data-text]')).inner_text() == 'Claude is waiting for your input'
    clock = page.locator(entry(67, '.text-caption')).first
    assert re.fullmatch(r'\d\d:\d\d:\d\d', await clock.inner_text()), 'today: the time alone'
    assert (await clock.get_attribute('title') or '').endswith(' ago · ' + await page.evaluate(
        f'new Date({(now - 5) * 1000}).toLocaleString()'))
    assert await page.evaluate(f"[document.querySelector('{entry(65)}').kept, {STORY}.scrollTop]") == [True, 0]
    bars = "document.querySelector('.js-plotly-plot').data[0]"
    await page.wait_for_function(f'{bars}.marker.color.at(-1) === "#43a047" && {bars}.x.at(-1) === 10000',
                                 timeout=15_000)

    # At the end, the reader follows it as entries arrive.
    await page.evaluate(f'{STORY}.scrollTop = {STORY}.scrollHeight')
    log(path, (now - 4, payload(SESSION, 'Stop', stop_hook_active=False)))
    await page.locator(entry(68)).wait_for(timeout=15_000)
    await page.wait_for_function(f'{STORY}.scrollTop + {STORY}.clientHeight >= {STORY}.scrollHeight - 2',
                                 timeout=15_000)

    # The Bash bar clicked: its entry, far up the story, scrolls into view, marked.
    bar = await page.locator('.js-plotly-plot .barlayer .point').first.bounding_box()
    assert bar is not None
    await page.mouse.click(bar['x'] + bar['width'] / 2, bar['y'] + bar['height'] / 2)
    await page.wait_for_function(
        f"(() => {{ const e = document.querySelector('{entry(3)}').getBoundingClientRect(),"
        f" s = {STORY}.getBoundingClientRect(); return e.top >= s.top && e.bottom <= s.bottom; }})()",
        timeout=15_000)
    assert 'rgba(255, 193, 7' in (await page.locator(entry(3)).get_attribute('style') or '')
    assert await page.locator('.eyelet-story [data-entry][style*="rgba(255, 193, 7"]').count() == 1


async def test_the_page_keeps_its_copy_of_the_story_in_step(tmp_path: Path) -> None:
    """What a tab that reconnects is sent: the server's copy of the entries, changed in place like the browser's."""
    now = float(int(time.time()))
    path = session_database(tmp_path / 'eyelet.db', (now - 9, payload(SESSION, 'UserPromptSubmit', prompt='go')),
                            (now - 8, pre(SESSION, 'Glob', 'toolu_1', pattern='**/*.py')))
    async with simulated_user(Settings(databases=(path,), show=False)) as user:
        await user.open(f'/sessions/{database_id(path)}/{SESSION}')
        await user.should_see('2 events · 1 prompts · 1 tool calls · 0 failed · 1 running')
        (story,) = user.find(Story).elements
        log(path, (now - 6, post(SESSION, 'Glob', 'toolu_1', {'numFiles': 3}, pattern='**/*.py')),
            (now - 5, payload(SESSION, 'Stop', stop_hook_active=False)))
        await user.should_see('4 events · 1 prompts · 1 tool calls · 0 failed · 0 running')
        assert story.props['entries'] == [
            {'id': 1, 'kind': 'prompt', 'at': now - 9, 'title': 'Prompt', 'text': 'go', 'outcome': None,
             'duration': '', 'error': None, 'colour': '#8e24aa'},
            {'id': 2, 'kind': 'call', 'at': now - 8, 'title': 'Glob', 'text': '**/*.py', 'outcome': 'ok',
             'duration': '2.0 s', 'error': None, 'colour': '#43a047'},
            {'id': 4, 'kind': 'stop', 'at': now - 5, 'title': 'Stop', 'text': '', 'outcome': None, 'duration': '',
             'error': None, 'colour': '#546e7a'}]


async def test_a_long_story_draws_its_latest_entries_and_a_click_reveals_an_earlier_one(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    """A session of 600 calls draws its latest 500 entries (5,000 took seconds to draw); the rest come on request,
    or when a bar of one of them is clicked."""
    now = float(int(time.time()))
    calls = [event for i in range(600) for event in (
        (now - 1200 + 2 * i, pre(SESSION, 'Read', f'toolu_{i}', file_path=f'/home/dev/code/acme-api/m{i}.py')),
        (now - 1199 + 2 * i, post(SESSION, 'Read', f'toolu_{i}', {'type': 'text'},
                                  file_path=f'/home/dev/code/acme-api/m{i}.py')))]
    path = session_database(tmp_path / 'eyelet.db', *calls)
    app = served_app(str(path))
    page = await browser.new_page(viewport={'width': 1400, 'height': 900})
    await page.goto(f'{app.url}/sessions/{database_id(path)}/{SESSION}')
    await page.get_by_text('100 earlier entries: show 100 of them').wait_for(timeout=15_000)
    assert await page.locator('.eyelet-story [data-entry]').count() == 500
    assert await page.locator('.eyelet-story [data-entry]').first.get_attribute('data-entry') == '201'

    bar = await page.locator('.js-plotly-plot .barlayer .point').first.bounding_box()  # the first call: record 1
    assert bar is not None
    await page.mouse.click(bar['x'] + bar['width'] / 2, bar['y'] + bar['height'] / 2)
    await page.locator(entry(1)).wait_for(timeout=15_000)
    await page.wait_for_function(
        f"(() => {{ const e = document.querySelector('{entry(1)}').getBoundingClientRect(),"
        f" s = {STORY}.getBoundingClientRect(); return e.top >= s.top && e.bottom <= s.bottom; }})()",
        timeout=15_000)
    assert await page.locator('.eyelet-story [data-entry]').count() == 600
    assert await page.locator('.eyelet-story [data-earlier]').count() == 0


async def test_a_database_without_sessions_says_so(tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', 'CREATE TABLE orders (id INTEGER PRIMARY KEY, total REAL);')
    async with simulated_user(Settings(databases=(shop,), show=False)) as user:
        await user.open(f'/sessions/{database_id(shop)}/{SESSION}')
        await user.should_see(NOT_EYELET)
