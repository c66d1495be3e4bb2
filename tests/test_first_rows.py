"""A fresh tab shows a grid's first rows from the page's HTML, before any script library has loaded; then the grid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from eyelet_gui.components.first_rows import FIRST_ROWS

from .conftest import ServedApp, make_database
from .session_records import payload, pre, session_database
from .test_live_table import table_url

HOSTILE = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
NOTES = f"""
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, at REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO notes (body, at) SELECT 'note ' || i, 1796059779 + i FROM n;
INSERT INTO notes (body, at) VALUES ('{HOSTILE}', 1796060000);
"""


@pytest.fixture(scope='module')
def notes(module_served_app: Callable[..., ServedApp],
          tmp_path_factory: pytest.TempPathFactory) -> tuple[ServedApp, Path]:
    """One app on the notes for the tests that only read them."""
    path = make_database(tmp_path_factory.mktemp('notes') / 'notes.db', NOTES)
    return module_served_app(str(path)), path


PREVIEW_CELLS = ("() => [...document.querySelectorAll('#eyelet-first-rows tr')]"
                 ".map((row) => [...row.cells].map((cell) => cell.textContent))")


async def test_the_first_rows_show_before_the_grids_scripts_and_make_way_for_the_grid(
        notes: tuple[ServedApp, Path], browser: Any) -> None:
    app, path = notes
    url = table_url(app, path, 'notes')
    # A fresh tab whose script libraries never arrive (as while they still load): the HTML alone shows the rows.
    stalled = await browser.new_page()
    await stalled.route('**/_nicegui/**/esm/**', lambda route: route.abort())
    await stalled.goto(url)
    await stalled.locator('#eyelet-first-rows td').first.wait_for(timeout=15_000)
    cells = await stalled.evaluate(PREVIEW_CELLS)
    assert cells[0] == ['id', 'body', 'at']
    assert cells[1:4] == [['201', HOSTILE, '1796060000.0'], ['200', 'note 200', '1796059979.0'],
                          ['199', 'note 199', '1796059978.0']]
    assert len(cells) == 1 + FIRST_ROWS
    assert await stalled.evaluate('window.pwned') is None  # the hostile value is text, in the table as in the JSON
    # A tab that loads everything: the grid shows its rows and the plain table is gone.
    page = await browser.new_page()
    await page.goto(url)
    await page.locator('.ag-center-cols-container .ag-row').first.wait_for(timeout=15_000)
    await page.wait_for_function("() => document.getElementById('eyelet-first-rows') === null", timeout=15_000)
    assert await page.evaluate('window.pwned') is None


def test_a_page_does_not_grow_with_the_grids_shown_before(notes: tuple[ServedApp, Path]) -> None:
    app, path = notes
    sizes = {len(httpx.get(table_url(app, path, 'notes'), timeout=30).text) for _ in range(4)}
    assert len(sizes) == 1, sizes  # every grid once added its style to every later page


async def test_the_overview_carries_the_feeds_first_rows_in_its_html(served_app: Callable[..., ServedApp],
                                                                     browser: Any, tmp_path: Path) -> None:
    session = 'ab12cd34-0000-4000-8000-000000000001'
    asked = payload(session, 'UserPromptSubmit', prompt='Write the release notes')
    database = session_database(tmp_path / 'eyelet.db', (1796059779.0, asked),
                                (1796059781.0, pre(session, 'Bash', 'toolu_01a', command='pytest -q')))
    app = served_app(str(database))
    page = await browser.new_page(viewport={'width': 390, 'height': 800})  # a phone: the feed as a list
    await page.route('**/_nicegui/**/esm/**', lambda route: route.abort())
    await page.goto(app.url)
    await page.locator('#eyelet-first-rows td').first.wait_for(timeout=15_000)
    lines = [cells[0] for cells in await page.evaluate(PREVIEW_CELLS)]
    assert [line.split(' · ', 1)[1] for line in lines] == ['PreToolUse · Bash · runningpytest -q',
                                                           'UserPromptSubmitWrite the release notes']
