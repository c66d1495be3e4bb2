"""Sessions: tool calls paired into spans, the live list's aggregates, and both pages in Chromium."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet_gui.sources.eyelet_schema import INSERT_HOOK, connect_writer, create_modern_database
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.reader import Result
from eyelet_gui.state.session_timeline import SessionTimelines
from eyelet_gui.state.timeline import Mark, Span, pair_tool_calls

from .conftest import ServedApp
from .test_engine import eventually, watching
from .writer import write

NOW = 1_900_000_000.0


def test_pre_and_post_tool_use_pair_first_in_first_out() -> None:
    events = [
        (1, NOW, 'UserPromptSubmit', None, 'success', 3, None),
        (2, NOW + 1, 'PreToolUse', 'Bash', 'success', 1, None),
        (3, NOW + 1.5, 'PreToolUse', 'Read', 'success', 1, None),
        (4, NOW + 2, 'PreToolUse', 'Bash', 'success', 1, None),
        (5, NOW + 2.5, 'PostToolUse', 'Read', 'success', 500, None),
        (6, NOW + 4, 'PostToolUse', 'Bash', 'error', 3000, 'Command failed with exit code 1'),
        (7, NOW + 5, 'PostToolUse', 'Grep', 'success', 20, None),  # its PreToolUse was never logged
        (8, NOW + 6, 'Stop', None, 'success', 2, None),
    ]
    spans, marks = pair_tool_calls(events)
    assert spans == [
        Span('Bash', NOW + 1, NOW + 4, 'error', 'Command failed with exit code 1'),
        Span('Read', NOW + 1.5, NOW + 2.5, 'success', None),
        Span('Bash', NOW + 2, None, None, None),  # still running
        Span('Grep', NOW + 5, NOW + 5, 'success', None),
    ]
    assert marks == [Mark('UserPromptSubmit', NOW), Mark('Stop', NOW + 6)]


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
    runs is read after it: a tab that skipped a refresh while one was pending showed it never."""
    now = time.time()
    path = hooks_database(tmp_path / 'eyelet.db', [(now - 10, 'gamma', 'PreToolUse', 'Bash', 'unknown')])
    async with watching(path) as watcher:
        timelines = SessionTimelines({watcher.database.id: watcher})
        first = timelines.acquire(watcher.database.id, 'gamma')
        try:
            assert timelines.acquire(watcher.database.id, 'gamma') is first
            assert timelines.viewers(watcher.database.id, 'gamma') == 2
            await eventually(lambda: first.latest.events == 1)
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
            await eventually(lambda: first.latest.events == 3, timeout=15)
            assert first.latest.spans == [Span('Bash', now - 10, now - 5, 'unknown', None)]
            assert first.latest.marks == [Mark('Stop', now)]
        finally:
            await timelines.release(watcher.database.id, 'gamma')
            await timelines.release(watcher.database.id, 'gamma')
        assert timelines.viewers(watcher.database.id, 'gamma') == 0


async def test_sessions_page_and_timeline_in_chromium(served_app: Callable[..., ServedApp], browser: Any,
                                                     tmp_path: Path) -> None:
    now = time.time()
    path = hooks_database(tmp_path / 'eyelet.db', [
        (now - 50, 'gamma-session', 'UserPromptSubmit', None, 'success'),
        (now - 40, 'gamma-session', 'PreToolUse', 'Bash', 'success'),
        (now - 30, 'gamma-session', 'PostToolUse', 'Bash', 'error'),
        (now - 20, 'gamma-session', 'PreToolUse', 'Read', 'success'),
    ])
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(f'{app.url}/sessions')
    await page.get_by_text('gamma-session').wait_for(timeout=15_000)
    await page.locator('.ag-row[row-index="0"] .ag-cell').nth(1).click()
    await page.get_by_text('4 events · 2 tool calls · 1 failed · 1 running · 1 prompts').wait_for(timeout=15_000)
    await page.locator('.js-plotly-plot .barlayer .point').nth(1).wait_for(state='attached', timeout=15_000)
    assert await page.locator('.js-plotly-plot .barlayer .point').count() == 2
    write(path, "INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, tool_name, status, data) "
                f"VALUES ({now}, '', 'gamma-session', 'PostToolUse', 'Read', 'success', '{{}}')")
    await page.get_by_text('5 events · 2 tool calls · 1 failed · 0 running · 1 prompts').wait_for(timeout=15_000)
    bars = "document.querySelector('.js-plotly-plot').data[0]"
    # The running Read call (grey) ended: its bar, patched in place, is green and 20 s long.
    await page.wait_for_function(f"JSON.stringify({bars}.marker.color) === '[\"#e53935\",\"#43a047\"]'",
                                 timeout=15_000)
    assert await page.evaluate(f'[{bars}.y, {bars}.x[1]]') == [['Bash', 'Read'], 20_000]
