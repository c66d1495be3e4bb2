"""The live grid's browser side in Chromium: deltas merged per frame in exact order, bursts, a hidden tab."""

from __future__ import annotations

import itertools
import random
import sqlite3
from pathlib import Path
from typing import Any

from eyelet_gui.components.live_grid import ROW_BUFFER
from eyelet_gui.state.live.diff import diff
from eyelet_gui.state.live.grid_feed import KEY_FIELD, field_id, grid_row

from .conftest import GRID_API, ServedApp
from .test_live_table import open_table, table_url
from .writer import write

ROWS = f'(() => {{ const rows = []; {GRID_API}.forEachNode((node) => rows.push(node.data)); return rows; }})()'
# Every change of rows the grid is given, by either way of giving it.
COUNT_CHANGES = f'''(() => {{
  const api = {GRID_API}, setGridOption = api.setGridOption, applyTransaction = api.applyTransaction;
  window.changes = [];
  api.setGridOption = (name, ...rest) => {{
    if (name === 'rowData') window.changes.push(performance.now());
    return setGridOption.call(api, name, ...rest);
  }};
  api.applyTransaction = (...args) => {{
    window.changes.push(performance.now());
    return applyTransaction.apply(api, args);
  }};
}})()'''


def transaction(old: list[dict[str, str]], new: list[dict[str, str]]) -> dict[str, Any]:
    """The grid transaction GridFeed sends for the change from `old` to `new` (grid rows, same columns)."""
    def keyed(rows: list[dict[str, str]]) -> list[tuple[str, tuple[str, ...]]]:
        return [(row[KEY_FIELD], tuple(row[field_id(i)] for i in range(len(row) - 1))) for row in rows]

    added, updated, removed = diff(keyed(old), keyed(new))
    return {'add': [[index, grid_row(key, values)] for index, key, values in added], 'remove': list(removed),
            'update': [{KEY_FIELD: key, **{field_id(i): text for i, text in cells.items()}} for key, cells in updated]}


def changed(rows: list[dict[str, str]], chance: random.Random, serial: int) -> list[dict[str, str]]:
    """`rows` after a random change, as a live query's window changes: rows go, change, move and arrive."""
    rows = [row for row in rows if chance.random() > 0.03]
    rows = [{**row, 'c1': f'changed {serial}'} if chance.random() < 0.03 else row for row in rows]
    for _ in range(chance.randrange(3)):  # a row whose sort column changed moves
        rows.insert(chance.randrange(len(rows) + 1), rows.pop(chance.randrange(len(rows))))
    for number in range(chance.randrange(6)):
        rows.insert(chance.choice([0, 0, chance.randrange(len(rows) + 1)]),
                    grid_row(f'n{serial}-{number}', (f'n{serial}-{number}', 'new', str(number))))
    return rows


async def test_many_deltas_in_one_frame_are_one_change_to_the_grid_in_exact_order(
        a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    rows = await page.evaluate(ROWS)
    assert len(rows) == 300
    await page.evaluate(COUNT_CHANGES)
    chance = random.Random(15)
    for run in range(4):
        transactions = []
        for serial in range(25):
            new = changed(rows, chance, run * 100 + serial)
            transactions.append(transaction(rows, new))
            rows = new
        # All in one task, so in one frame; a transaction the grid already holds may come again (after a build).
        replayed = [*transactions, transactions[-1]]
        await page.evaluate(f'''(transactions) => {{
          window.changes = [];
          for (const transaction of transactions) {GRID_API}.applyLiveDelta(transaction, true);
        }}''', replayed)
        await page.wait_for_function('window.changes.length > 0', timeout=15_000)
        await page.wait_for_timeout(100)  # not a synchronisation: a margin for changes that should not come
        changes = await page.evaluate('window.changes')
        # Rows removed in view fade out for a moment (250 ms) and then leave in a change of their own.
        assert len([time for time in changes if time < changes[0] + 100]) == 1, \
            'one change to the grid per frame, however many deltas it brings'
        await page.wait_for_function(f'{GRID_API}.eyeletLeaving.size === 0', timeout=15_000)
        await page.wait_for_function(f'{GRID_API}.getDisplayedRowCount() === {len(rows)}', timeout=15_000)
        assert await page.evaluate(ROWS) == rows


async def test_a_burst_of_commits_leaves_the_grid_equal_to_the_table(
        a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    write(shop, "INSERT INTO orders (customer, total) VALUES ('burst {i}', {i})",
          'UPDATE orders SET customer = customer || \' changed\' WHERE id = 150 + {i}',
          'DELETE FROM orders WHERE id = 10 + 2 * {i}', repeat=60)
    await page.get_by_text('300 rows').wait_for(timeout=15_000)  # 60 added, 60 deleted
    with sqlite3.connect(shop) as connection:
        table = [grid_row(str(row[0]), row) for row in connection.execute('SELECT * FROM orders ORDER BY id DESC')]
    keys = [row[KEY_FIELD] for row in table]
    await page.wait_for_function(f'(keys) => JSON.stringify({ROWS}.map((row) => row.__key)) === JSON.stringify(keys)',
                                 arg=keys, timeout=15_000)
    assert await page.evaluate(ROWS) == table


async def test_a_hidden_tab_applies_changes_in_batches_and_is_exact_when_shown(
        a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    await page.evaluate(f'''() => {{
      {COUNT_CHANGES};
      window.hidden = true;  // what the browser says of a tab in the background
      Object.defineProperty(document, 'hidden', {{ configurable: true, get: () => window.hidden }});
      Object.defineProperty(document, 'visibilityState', {{ configurable: true,
                                                           get: () => window.hidden ? 'hidden' : 'visible' }});
      document.dispatchEvent(new Event('visibilitychange'));
    }}''')
    write(shop, "INSERT INTO orders (customer, total) VALUES ('unseen {i}', {i})", repeat=30, pause=0.1)
    await page.get_by_text('330 rows').wait_for(timeout=15_000)  # the last delta reached the page
    changes = await page.evaluate('window.changes')
    assert changes, 'a hidden tab still applies its changes, in batches'
    assert all(later - earlier > 500 for earlier, later in itertools.pairwise(changes)), changes
    shown = await page.evaluate(f'''() => {{
      window.hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
      return {ROWS}.map((row) => row.__key);  // at once, in the same task
    }}''')
    assert shown == [str(key) for key in range(330, 0, -1)]


async def test_rows_faster_than_anyone_reads_come_twice_a_second_without_animation_and_all_arrive(
        a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    # One row after a quiet moment: drawn at once, and it fades in.
    await page.evaluate(f'{GRID_API}.applyLiveDelta({{add: [[0, {{__key: "one", c0: "one", c1: "x", c2: "1"}}]],'
                        ' remove: [], update: []}, true)')
    await page.locator('.ag-center-cols-container .ag-row[row-id="one"].eyelet-arrived').wait_for(timeout=15_000)
    await page.wait_for_timeout(1200)  # not a synchronisation: a second with no new rows
    # Then 50 rows a second for 3 s, one delta each, as a flood of commits brings them: by the clock, not by the
    # timer's ticks, which a busy machine spaces out (fewer than 20 rows a second would be no flood at all).
    await page.evaluate(f'''() => new Promise((done) => {{
      {COUNT_CHANGES};
      const started = performance.now();
      let sent = 0;
      const every = setInterval(() => {{
        for (const due = Math.min(150, 1 + Math.floor((performance.now() - started) / 20)); sent < due; sent++) {{
          const key = 'f' + sent;
          {GRID_API}.applyLiveDelta({{ add: [[0, {{ __key: key, c0: key, c1: 'flood', c2: String(sent) }}]],
                                       remove: [], update: [] }}, true);
        }}
        if (sent === 150) {{ clearInterval(every); done(); }}
      }}, 20);
    }})''')
    await page.wait_for_function(f'{GRID_API}.getRowNode("f149") !== undefined', timeout=15_000)
    changes = await page.evaluate('window.changes')
    flooded = [time for time in changes if time > changes[0] + 1000]  # once the rate is known
    assert flooded, changes
    assert all(later - earlier >= 450 for earlier, later in itertools.pairwise(flooded)), changes
    assert await page.locator('.ag-row.eyelet-arrived[row-id^="f1"]').count() == 0  # no animation in a flood
    keys = await page.evaluate(f'{ROWS}.map((row) => row.__key)')
    assert keys[:151] == [f'f{i}' for i in range(149, -1, -1)] + ['one']


async def test_the_grid_draws_few_rows_beyond_those_in_view(a_shop: tuple[ServedApp, Path], browser: Any) -> None:
    """A new row on top moves every drawn row, so each unseen one drawn costs the browser on every commit."""
    app, shop = a_shop
    page = await open_table(browser, table_url(app, shop, 'orders'))
    drawn, in_view = await page.evaluate('''() => {
      const rows = document.querySelectorAll('.ag-center-cols-container .ag-row');
      const height = document.querySelector('.ag-body-viewport').clientHeight;
      return [rows.length, Math.ceil(height / rows[0].offsetHeight)];
    }''')
    assert in_view < drawn <= in_view + ROW_BUFFER
