"""The SQL page in Chromium, on records eyelet wrote: a shared link runs live, the editor runs what is typed and
the address follows it, refusals are sentences, and Cancel stops a runaway statement."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from playwright.async_api import TimeoutError as PlaywrightTimeout

from eyelet_gui.sources.sqlite.sandbox import UNREDACTED, WRITING
from eyelet_gui.state.catalog import database_id
from eyelet_gui.state.live.live_sql import CANCELLED

from .conftest import GRID_API, ServedApp
from .test_api import logged, stop_record
from .test_no_secret_leaves import leaks, random_parts

WAIT_MS = 15_000
NEWEST = 'SELECT id, hook_type, tool_name FROM hooks ORDER BY id DESC'
# The grid's rows in its order, as the browser holds them (none before the grid is there).
GRID_ROWS = f'''(() => {{
  if (!document.querySelector('.eyelet-grid') || !{GRID_API}) return [];
  const rows = [];
  {GRID_API}.forEachNodeAfterFilterAndSort((node) => rows.push(Object.keys(node.data).filter((key) => key !== '__key')
    .sort().map((key) => node.data[key])));
  return rows;
}})()'''
ROW_IDS = f'(() => {{ const ids = []; {GRID_API}.forEachNode((node) => ids.push(node.id)); return ids; }})()'


def sql_url(app: ServedApp, path: Path, sql: str | None = None, live: bool = False) -> str:
    params = ({} if sql is None else {'sql': sql}) | ({'live': '1'} if live else {})
    return f'{app.url}/db/{database_id(path.resolve())}/sql' + (f'?{urlencode(params)}' if params else '')


async def until(page: Any, condition: str, arg: Any) -> None:
    """Wait for `condition(arg)` in the page, at most WAIT_MS: the assertion that follows shows what was there
    instead."""
    with contextlib.suppress(PlaywrightTimeout):
        await page.wait_for_function(condition, arg=arg, timeout=WAIT_MS)


async def grid_rows(page: Any, expected: list[list[str]] | int) -> list[list[str]]:
    """The grid's rows once they are `expected`, or that many (else what they are at the deadline)."""
    await until(page, f'(expected) => {GRID_ROWS}.length === expected' if isinstance(expected, int) else
                f'(expected) => JSON.stringify({GRID_ROWS}) === JSON.stringify(expected)', expected)
    return await page.evaluate(GRID_ROWS)  # type: ignore[no-any-return]


async def status(page: Any, text: str) -> str:
    """The status line once it reads `text` (else what it reads at the deadline)."""
    await until(page, '(text) => document.querySelector(".sql-status")?.innerText === text', text)
    return await page.locator('.sql-status').inner_text()  # type: ignore[no-any-return]


async def test_a_shared_live_link_shows_each_new_record_as_a_row_of_its_own(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    path, secret = logged(tmp_path)
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(sql_url(app, path, NEWEST, live=True))
    first = [['6', 'PostToolUse', 'Read'], ['5', 'PreToolUse', 'Read'], ['4', 'PostToolUse', 'Bash'],
             ['3', 'PreToolUse', 'Bash'], ['2', 'UserPromptSubmit', ''], ['1', 'SessionStart', '']]
    assert await grid_rows(page, first) == first
    ids = await page.evaluate(ROW_IDS)

    stop_record(path.parent.parent)  # eyelet, in another process
    assert await grid_rows(page, [['7', 'Stop', ''], *first]) == [['7', 'Stop', ''], *first]
    assert (await page.evaluate(ROW_IDS))[1:] == ids, 'the rows shown stay as they are: only the new one is added'
    assert (await page.locator('.sql-live').get_attribute('aria-checked')) == 'true'

    await page.locator('.ag-center-cols-container .ag-row[row-index="0"] [col-id="c1"]').click()
    detail = page.locator('.row-detail')
    await detail.get_by_text('Copy row as JSON').wait_for(timeout=WAIT_MS)
    shown = [line for line in (await detail.inner_text()).split('\n') if line not in ('', 'close', 'content_copy')]
    assert shown == ['COPY ROW AS JSON', 'id', '7', 'hook_type', 'Stop', 'tool_name', 'NULL']
    await detail.locator('button').first.click()  # close
    await detail.wait_for(state='hidden', timeout=WAIT_MS)

    await page.goto(sql_url(app, path, 'SELECT data FROM hooks'))
    assert len(await grid_rows(page, 7)) == 7
    assert leaks([await page.content()], random_parts(secret)) == []
    assert 'a refresh failed' not in app.stop()


async def test_the_editor_runs_what_is_typed_and_the_address_follows(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    path, _ = logged(tmp_path)
    app = served_app(str(path))
    page = await browser.new_page()
    await page.goto(sql_url(app, path))
    editor = page.locator('.sql-editor .cm-content')
    await editor.wait_for(timeout=WAIT_MS)
    assert (await editor.inner_text()).startswith('SELECT hook_type, tool_name, count(*) AS events')
    assert await page.locator('.eyelet-grid').count() == 0, 'nothing runs until asked'

    await page.locator('.sql-run').click()
    by_kind = sorted(row[:3] for row in await grid_rows(page, 6))  # hook_type, tool_name, events
    assert by_kind == [['PostToolUse', 'Bash', '1'], ['PostToolUse', 'Read', '1'], ['PreToolUse', 'Bash', '1'],
                       ['PreToolUse', 'Read', '1'], ['SessionStart', '', '1'], ['UserPromptSubmit', '', '1']]
    assert parse_qs(urlsplit(page.url).query)['sql'][0].startswith('SELECT hook_type, tool_name, count(*)')

    async def run(sql: str) -> None:
        await editor.click()
        await page.keyboard.press('Control+a')
        await page.keyboard.type(sql)
        await page.keyboard.press('Control+Enter')

    await run('SELECT count(*) AS n, sum(tool_name IS NULL) AS untooled FROM hooks')
    assert await grid_rows(page, [['6', '2']]) == [['6', '2']]
    assert parse_qs(urlsplit(page.url).query) == {
        'sql': ['SELECT count(*) AS n, sum(tool_name IS NULL) AS untooled FROM hooks']}
    await page.locator('.sql-live').click()
    await page.wait_for_function('location.search.endsWith("&live=1")', timeout=WAIT_MS)
    stop_record(path.parent.parent)
    assert await grid_rows(page, [['7', '3']]) == [['7', '3']]

    for sql, sentence in [('DELETE FROM hooks', WRITING.format('this statement')),
                          ('SELECT data FROM main.hooks', UNREDACTED.format('hooks')),
                          ('SELEC 1', 'SQLite cannot run this statement: near "SELEC": syntax error.')]:
        await run(sql)
        assert await status(page, sentence) == sentence
    assert 'text-negative' in (await page.locator('.sql-status').get_attribute('class') or '')
    await run('SELECT 1 AS one')
    assert await grid_rows(page, [['1']]) == [['1']]
    assert 'text-negative' not in (await page.locator('.sql-status').get_attribute('class') or '')
    assert 'a refresh failed' not in app.stop()


async def test_cancel_stops_a_runaway_statement_at_once(served_app: Callable[..., ServedApp], browser: Any,
                                                        tmp_path: Path) -> None:
    path, _ = logged(tmp_path)
    app = served_app(str(path), '--sql-time-limit', '600')
    page = await browser.new_page()
    await page.goto(sql_url(app, path, 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) '
                                       'SELECT count(*) FROM n'))
    assert await status(page, 'Running…') == 'Running…'
    await page.locator('.sql-cancel').click()
    assert await status(page, CANCELLED) == CANCELLED
    assert not await page.locator('.sql-cancel').is_visible()
    await page.goto(sql_url(app, path, 'SELECT max(id) AS newest FROM hooks'))  # the connection is free again
    assert await grid_rows(page, [['6']]) == [['6']]
    assert 'a refresh failed' not in app.stop()
