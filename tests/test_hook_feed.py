"""The hook feed on `/`: eyelet's own logger writes into two projects' databases; both appear live, merged."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.state.catalog import Catalog
from eyelet_gui.state.eyelet.hook_feed import DEFAULT_FEED, HookFeed, HookFeeds
from eyelet_gui.state.live.diff import Delta

from .conftest import GRID_API, ServedApp
from .eyelet_logger import log_event
from .test_engine import eventually, watching

ROWS = f'[...Array({GRID_API}.getDisplayedRowCount()).keys()].map(i => {GRID_API}.getDisplayedRowAtIndex(i).data)'


BASH = {'command': 'uv run pytest -q', 'description': 'Run the tests'}


def log(root: Path, name: str, payload: Callable[[str, str], dict[str, Any]]) -> None:
    log_event(root / name, payload)


async def test_records_from_eyelets_logger_appear_live_merged_and_filtered(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    log(tmp_path, 'acme', cc.session_start)
    log(tmp_path, 'shop', cc.session_start)
    app = served_app(str(tmp_path))  # a folder: both projects are found by discovery
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 2', timeout=15_000)

    log(tmp_path, 'acme', lambda session, cwd: cc.pre_tool_use(session, cwd, 'Bash', BASH, 'toolu_01A'))
    log(tmp_path, 'shop', lambda session, cwd: cc.post_tool_use_failure(session, cwd, 'Bash', BASH, 'toolu_01B',
                                                                         'Exit code 1\n1 failed, 41 passed'))
    log(tmp_path, 'acme', cc.stop)
    await page.wait_for_function(f'{GRID_API}.getDisplayedRowCount() === 5', timeout=15_000)
    rows = await page.evaluate(ROWS)
    # project, hook, tool, what, outcome: eyelet 0.3.5 writes no status, so the outcome comes from the payloads
    assert [(row['c1'].rsplit('/', 1)[-1], row['c3'], row['c4'], row['c5'], row['c6']) for row in rows[:3]] == [
        ('acme', 'Stop', '', '', ''),
        ('shop', 'PostToolUseFailure', 'Bash', 'uv run pytest -q — Run the tests — Exit code 1 1 failed, 41 passed',
         'failed'),
        ('acme', 'PreToolUse', 'Bash', 'uv run pytest -q — Run the tests', 'running'),
    ]
    await page.get_by_text('5 rows').wait_for(timeout=15_000)

    filters = quote(json.dumps([['hook_type', '=', 'Stop']]))
    await page.goto(f'{app.url}/?filters={filters}')
    await page.get_by_text('1 of 5 rows match').wait_for(timeout=15_000)
    log(tmp_path, 'shop', cc.stop)
    log(tmp_path, 'shop', lambda session, cwd: cc.pre_tool_use(session, cwd, 'Read', {'file_path': f'{cwd}/a.py'},
                                                                'toolu_01C'))
    await page.get_by_text('2 of 7 rows match').wait_for(timeout=15_000)
    assert [row['c3'] for row in await page.evaluate(ROWS)] == ['Stop', 'Stop']

    await page.locator('.ag-row[row-index="0"] [col-id="c4"]').click()
    await page.get_by_text('Copy row as JSON').wait_for(timeout=15_000)
    await page.get_by_text('session-shop', exact=True).first.wait_for(timeout=15_000)  # the whole value


async def test_a_burst_of_deltas_from_many_projects_is_merged_once(tmp_path: Path) -> None:
    """Each merge reads every project's window: merged per delta, twenty busy projects took the event loop whole
    (bench/attention.py); a burst is merged once, and a delta after it at once."""
    paths = [log_event(tmp_path / f'project-{number}', cc.session_start) for number in range(3)]
    async with watching(paths[0]) as first, watching(paths[1]) as second, watching(paths[2]) as third:
        watchers = {watcher.database.id: watcher for watcher in (first, second, third)}
        feeds = HookFeeds(Catalog(paths=[]), watchers)
        grid = feeds.acquire(DEFAULT_FEED)
        merged = grid.live
        assert isinstance(merged, HookFeed)
        try:
            await eventually(lambda: len(merged.rows) == 3)
            merges = []
            publish = merged.publish  # what each merge ends with
            merged.publish = lambda *args: (merges.append(time.monotonic()), publish(*args))[1]  # type: ignore
            for _ in range(50):  # fifty deltas in one turn of the event loop, from every project
                for _, live in merged.sources.values():
                    live.delta.emit(Delta())
            await eventually(lambda: len(merges) >= 1)
            await asyncio.sleep(0.5)  # what else would come of the burst
            assert len(merges) == 1
        finally:
            await feeds.close()
