"""The app-level state as a whole: one failed part neither freezes the others nor keeps the process from ending."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.settings import Settings
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.state.dashboard import Dashboard
from eyelet_gui.state.live.watcher import Watcher

from .conftest import ServedApp, make_database, wait_for
from .test_charts import CHART, CHARTS_DRAWN
from .writer import write

LATER_ROW = ("INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, tool_name, status, data) "
             "VALUES (strftime('%s', 'now') + 300, '', 's', 'PostToolUse', 'Clockskew', 'unknown', '{}')")


async def test_stopping_stops_every_part_when_one_fails(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_database(tmp_path / 'first.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY);')
    second = make_database(tmp_path / 'second.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY);')
    stop = Watcher.stop

    async def fail_on_first(watcher: Watcher) -> None:
        if watcher.database.path == first:
            raise RuntimeError('the disk went away')
        await stop(watcher)

    monkeypatch.setattr(Watcher, 'stop', fail_on_first)  # before the dashboard takes each watcher's stop
    dashboard = Dashboard(Settings(databases=(first, second), demo=True, show=False))
    await dashboard.start()
    by_path = {watcher.database.path: watcher for watcher in dashboard.watchers.values()}
    by_path.pop(first)
    other = by_path.pop(second)
    (demo_folder,) = (path.parents[2] for path in by_path)
    assert demo_folder.name.startswith('eyelet-gui-demo-')

    await dashboard.stop()
    assert isinstance(other.reader, Reader)
    assert other.reader.connections == 0  # closed after the first watcher failed to stop
    assert not demo_folder.exists()
    assert not dashboard.catalog.demo_running
    assert [record.getMessage() for record in caplog.records] == [
        f'Stopping watching {first} failed (RuntimeError: the disk went away); stopping the rest']


async def test_a_record_from_the_future_neither_freezes_the_charts_nor_the_shutdown(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's report: the demo plus one row dated five minutes ahead, `/` open, then Ctrl+C. The charts
    died at their first aggregation, and the shutdown failed, leaving the process and the demo behind."""
    monkeypatch.setenv('TMPDIR', str(tmp_path))  # the demo's folder goes where the test can find it
    app = served_app('--demo')
    (demo,) = tmp_path.glob('eyelet-gui-demo-*/demo-project/.eyelet-logging/eyelet.db')
    write(demo, LATER_ROW)
    page = await browser.new_page()
    await page.goto(app.url)
    await page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    tools = f"{CHART.format(index=1)}.$el.data[0]?.x ?? []"
    await page.wait_for_function(f"{tools}.includes('Bash')", timeout=30_000)  # aggregated, the row left out
    write(demo, LATER_ROW.replace("+ 300", "").replace('Clockskew', 'Latecomer'))
    await page.wait_for_function(f"{tools}.includes('Latecomer')", timeout=30_000)  # and still following
    assert 'Clockskew' not in await page.evaluate(tools)
    await page.close()
    started = time.monotonic()
    output = app.stop()  # exit status 0, no traceback
    assert time.monotonic() - started < 15
    assert 'Application shutdown failed' not in output
    wait_for(lambda: not demo.parents[2].exists(), timeout=15, what='the demo folder is removed')
