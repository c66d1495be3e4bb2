"""The hook feed on `/`: eyelet's own logger writes into two projects' databases; both appear live, merged."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .conftest import GRID_API, ServedApp
from .eyelet_logger import log_hook

ROWS = f'[...Array({GRID_API}.getDisplayedRowCount()).keys()].map(i => {GRID_API}.getDisplayedRowAtIndex(i).data)'


def project_database(root: Path, name: str) -> Path:
    database = root / name / '.eyelet-logging' / 'eyelet.db'
    database.parent.mkdir(parents=True)
    log_hook(database, name, 'SessionStart', None)
    return database


async def test_records_from_eyelets_logger_appear_live_merged_and_filtered(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    acme = project_database(tmp_path, 'acme')
    shop = project_database(tmp_path, 'shop')
    app = served_app(str(tmp_path))  # a folder: both projects are found by discovery
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 2', timeout=15_000)

    log_hook(acme, 'acme', 'PreToolUse', 'Bash')
    log_hook(shop, 'shop', 'PostToolUse', 'Bash', error='Command failed with exit code 1: pytest -q')
    log_hook(acme, 'acme', 'Stop', None)
    await page.wait_for_function(f'{GRID_API}.getDisplayedRowCount() === 5', timeout=15_000)
    rows = await page.evaluate(ROWS)
    assert [(row['c1'].rsplit('/', 1)[-1], row['c3'], row['c4'], row['c5'], row['c7']) for row in rows[:3]] == [
        ('acme', 'Stop', '', 'success', ''),
        ('shop', 'PostToolUse', 'Bash', 'error', 'Command failed with exit code 1: pytest -q'),
        ('acme', 'PreToolUse', 'Bash', 'success', ''),
    ]
    await page.get_by_text('5 rows').wait_for(timeout=15_000)

    filters = quote(json.dumps([['hook_type', '=', 'Stop']]))
    await page.goto(f'{app.url}/?filters={filters}')
    await page.get_by_text('1 of 5 rows match').wait_for(timeout=15_000)
    log_hook(shop, 'shop', 'Stop', None)
    log_hook(shop, 'shop', 'PreToolUse', 'Read')
    await page.get_by_text('2 of 7 rows match').wait_for(timeout=15_000)
    assert [row['c3'] for row in await page.evaluate(ROWS)] == ['Stop', 'Stop']

    await page.locator('.ag-row[row-index="0"] [col-id="c4"]').click()
    await page.get_by_text('Copy row as JSON').wait_for(timeout=15_000)
    await page.get_by_text('session-shop', exact=True).first.wait_for(timeout=15_000)  # the whole value
