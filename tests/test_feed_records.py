"""The feed and the hooks table say what each record was about, pair its tool calls live, and fit a phone."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet_gui.state.eyelet.hook_feed import FEED_COLUMNS

from .conftest import GRID_API, ServedApp
from .eyelet_logger import log_payloads
from .records import BASH, Session

ROWS = f'[...Array({GRID_API}.getDisplayedRowCount()).keys()].map(i => {GRID_API}.getDisplayedRowAtIndex(i).data)'
SHOWN = ('hook_type', 'tool_name', 'what', 'outcome', 'duration_ms')


def cells(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(row[f'c{FEED_COLUMNS.index(name)}'] for name in SHOWN)


async def test_a_running_call_turns_ok_in_place_when_its_end_is_logged(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    now, cwd = time.time(), tmp_path / 'acme'
    path = log_payloads(cwd, Session('s1', str(cwd)).prompt(now - 2, 'Make the tests pass\nand push')
                        .begin(now - 1.5, 't1', 'Bash', BASH).events)
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 2', timeout=15_000)
    assert [cells(row) for row in await page.evaluate(ROWS)] == [
        ('PreToolUse', 'Bash', 'pytest -q — Run the tests', 'running', ''),
        ('UserPromptSubmit', '', 'Make the tests pass and push', '', '')]

    log_payloads(cwd, Session('s1', str(cwd)).end(now - 1, 't1', 'Bash', BASH, error='Exit code 1').events)
    await page.wait_for_function(f'{GRID_API}.getDisplayedRowCount() === 3', timeout=15_000)
    assert [cells(row) for row in await page.evaluate(ROWS)] == [
        ('PostToolUseFailure', 'Bash', 'pytest -q — Run the tests — Exit code 1', 'failed', '500'),
        ('PreToolUse', 'Bash', 'pytest -q — Run the tests', 'failed', '500'),  # the same row, updated
        ('UserPromptSubmit', '', 'Make the tests pass and push', '', '')]
    shown = "[...document.querySelectorAll('.ag-header-cell-text')].map((cell) => cell.textContent)"
    assert await page.evaluate(shown) == ['time', 'project', 'session', 'hook', 'tool', 'what', 'outcome',
                                          'duration']

    # The detail says it whole, lines and all.
    await page.locator('.ag-row[row-index="2"] [col-id="c5"]').click()
    await page.get_by_text('Copy row as JSON').wait_for(timeout=15_000)
    whole = ("[...document.querySelectorAll('.q-page div')]"
             ".filter((e) => e.textContent === 'Make the tests pass\\nand push')")
    await page.wait_for_function(f'{whole}.length === 1', timeout=15_000)

    # The hooks table itself: the record's what and outcome, and none of the columns eyelet never fills.
    table = await page.evaluate("document.querySelector('a[href$=\"/table/hooks\"]').getAttribute('href')")
    await page.goto(f'{app.url}{table}')
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 3', timeout=15_000)
    headers = await page.evaluate(shown)
    assert headers[:8] == ['id', 'timestamp', 'timestamp_iso', 'session_id', 'hook_type', 'tool_name', 'what',
                           'outcome']
    assert not {'status', 'duration_ms', 'error_code', 'git_branch'} & set(headers)


async def test_at_phone_width_the_feed_is_a_two_line_list(served_app: Callable[..., ServedApp], browser: Any,
                                                          tmp_path: Path) -> None:
    now, cwd = time.time(), tmp_path / 'acme'
    long = {'command': 'uv run pytest -q tests/test_feed_records.py tests/test_tool_calls.py', 'description': 'Test'}
    path = log_payloads(cwd, Session('s1', str(cwd)).call(now - 2, now - 1, 't1', 'Bash', BASH)
                        .call(now - 3, now - 2.5, 't0', 'Bash', long).events)
    app = served_app(str(path))
    page = await browser.new_page(viewport={'width': 390, 'height': 800})
    await page.goto(app.url)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 4', timeout=15_000)
    visible = f"{GRID_API}.getAllDisplayedColumns().map((column) => column.getColId())"
    await page.wait_for_function(f"JSON.stringify({visible}) === '[\"compact\"]'", timeout=15_000)
    first = page.locator('.ag-row[row-index="0"] [col-id="compact"]')
    lines = (await first.inner_text()).split('\n')
    assert lines[0].split(' · ')[1:] == ['PostToolUse', 'Bash', 'ok']
    assert lines[1] == 'pytest -q — Run the tests'
    assert await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')
    fits = (f"{GRID_API}.getColumn('compact').getActualWidth() <= "
            "document.querySelector('.eyelet-grid .ag-body-viewport').clientWidth")
    assert await page.evaluate(fits), 'the list is as wide as the grid, not as its longest line'
    assert (await first.bounding_box() or {}).get('height', 0) > 30, 'two lines'

    await page.set_viewport_size({'width': 1400, 'height': 800})  # wider again: the whole table
    await page.wait_for_function(f'{visible}.length === {len(FEED_COLUMNS)}', timeout=15_000)
