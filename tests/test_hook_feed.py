"""The hook feed on `/`: eyelet's own logger writes into two projects' databases; both appear live, merged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from eyelet_gui.demo import claude_code as cc

from .conftest import GRID_API, ServedApp
from .eyelet_logger import log_event

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
