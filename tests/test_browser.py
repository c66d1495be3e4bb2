"""The product as a user meets it: `python -m eyelet_gui --demo` in its own process, seen in Debian's Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import GRID_API, ServedApp, make_database
from .writer import write


async def test_demo_records_appear_in_chromium(served_app: Callable[..., ServedApp], browser: Any) -> None:
    app = served_app('--demo')
    page = await browser.new_page()
    await page.goto(app.url)
    await page.get_by_text('Live hook feed').wait_for(timeout=15_000)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 300', timeout=15_000)
    headers = await page.locator('.eyelet-grid').first.locator('.ag-header-cell-text').all_inner_texts()
    assert headers == ['time', 'project', 'session', 'hook', 'tool', 'what', 'outcome', 'duration']
    times = await page.evaluate(f'[...Array(50).keys()].map(i => Number({GRID_API}.getDisplayedRowAtIndex(i).data.c0))')
    assert times == sorted(times, reverse=True), 'newest first'
    # One read of both columns: the writer goes on adding rows on top, which would shift a second read's rows.
    hooks_and_whats = await page.evaluate(
        f'[...Array(300).keys()].map(i => {GRID_API}.getDisplayedRowAtIndex(i).data).map(d => [d.c3, d.c5])')
    hooks = [hook for hook, _ in hooks_and_whats]
    assert {'PreToolUse', 'PostToolUse', 'UserPromptSubmit'} <= set(hooks) <= {
        'PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'UserPromptSubmit', 'Notification', 'PermissionRequest',
        'Stop', 'SubagentStop', 'SessionStart', 'SessionEnd', 'PreCompact'}
    assert all(what for hook, what in hooks_and_whats if hook in {'PreToolUse', 'UserPromptSubmit'}), \
        'every prompt and tool call says what it was about'
    outcome_list = f'[...Array(300).keys()].map(i => {GRID_API}.getDisplayedRowAtIndex(i).data.c6)'
    # Read once, right after the 300 rows arrived, CI's loaded cores once saw no 'failed' among them: wait for it.
    await page.wait_for_function(f"{outcome_list}.includes('failed')", timeout=15_000)
    outcomes = await page.evaluate(outcome_list)
    assert {'ok', 'failed'} <= set(outcomes) <= {'ok', 'failed', 'running', 'abandoned', ''}
    projects = await page.locator('.eyelet-grid').first.locator('.ag-row [col-id="c1"]').all_inner_texts()
    assert set(projects) <= {'acme-api', 'webapp', 'data-pipeline'}

    output = app.stop()
    demo = Path(re.search(r'Watching (\S+demo-project\S+)', output)[1])  # type: ignore[index]
    assert not demo.exists(), 'stopping the app removes the demo database and stops its writer'


async def test_row_inserted_by_another_process_appears_live(served_app: Callable[..., ServedApp], browser: Any,
                                                            tmp_path: Path) -> None:
    shop = make_database(tmp_path / 'shop.db', 'PRAGMA journal_mode = WAL; '
                         'CREATE TABLE orders (id INTEGER PRIMARY KEY, customer TEXT, total REAL); '
                         "INSERT INTO orders (customer, total) VALUES ('ada', 12.5);")
    app = served_app(str(shop))
    page = await browser.new_page()
    await page.goto(app.url)
    rows = page.locator('.ag-center-cols-container .ag-row')  # the hook feed's grid is empty: no eyelet data
    await page.get_by_text('ada').wait_for(timeout=15_000)
    assert await rows.count() == 1

    write(shop, "INSERT INTO orders (customer, total) VALUES ('grace', 7.25)")
    await page.get_by_text('grace').wait_for(timeout=15_000)
    assert await page.locator('.ag-row[row-index="0"] .ag-cell').all_inner_texts() == ['2', 'grace', '7.25']
    write(shop, "UPDATE orders SET customer = 'ada lovelace' WHERE id = 1", 'DELETE FROM orders WHERE id = 2')
    await page.get_by_text('ada lovelace').wait_for(timeout=15_000)
    await page.get_by_text('grace').wait_for(state='detached', timeout=15_000)
    assert await rows.count() == 1
