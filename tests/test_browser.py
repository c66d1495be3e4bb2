"""The product as a user meets it: `python -m eyelet_gui --demo` in its own process, seen in Debian's Chromium."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import ServedApp, make_database
from .writer import write


async def test_demo_records_appear_in_chromium(served_app: Callable[..., ServedApp], browser: Any) -> None:
    app = served_app('--demo')
    page = await browser.new_page()
    await page.goto(app.url)
    await page.get_by_text('demo-project — newest records').wait_for(timeout=15_000)
    body = page.locator('.q-table tbody')
    await body.locator('tr').nth(99).wait_for(timeout=15_000)
    assert await body.locator('tr').count() == 100
    headers = await page.locator('.q-table thead th').all_inner_texts()
    assert headers[:6] == ['id', 'timestamp', 'timestamp_iso', 'session_id', 'hook_type', 'tool_name']
    first_row = await body.locator('tr').first.locator('td').all_inner_texts()
    assert first_row[4] in {'PreToolUse', 'PostToolUse', 'UserPromptSubmit', 'Notification', 'Stop',
                            'SubagentStop', 'SessionStart', 'SessionEnd'}
    ids = [int(text) for text in await body.locator('tr td:first-child').all_inner_texts()]
    assert ids == sorted(ids, reverse=True), 'newest first'

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
    rows = page.locator('.q-table tbody tr')
    await page.get_by_text('ada').wait_for(timeout=10_000)
    assert await rows.count() == 1

    write(shop, "INSERT INTO orders (customer, total) VALUES ('grace', 7.25)")
    await page.get_by_text('grace').wait_for(timeout=5_000)
    assert await rows.nth(0).locator('td').all_inner_texts() == ['2', 'grace', '7.25']
    write(shop, "UPDATE orders SET customer = 'ada lovelace' WHERE id = 1", 'DELETE FROM orders WHERE id = 2')
    await page.get_by_text('ada lovelace').wait_for(timeout=5_000)
    await page.get_by_text('grace').wait_for(state='detached', timeout=5_000)
    assert await rows.count() == 1
