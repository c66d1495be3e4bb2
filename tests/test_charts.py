"""Chart aggregates against hand-checked values, and the charts following eyelet's own logger in Chromium."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet_gui.sources.eyelet_schema import INSERT_HOOK, connect_writer, create_modern_database
from eyelet_gui.state.charts import MINUTES, ToolFigures, aggregate

from .conftest import ServedApp
from .eyelet_logger import log_hook
from .test_engine import watching

NOW = math.floor(1_900_000_000 / 60) * 60 + 30.0  # half way through a minute


def database(path: Path) -> Path:
    create_modern_database(path)
    connection = connect_writer(path)
    rows = [  # (seconds before NOW, hook type, tool, status, duration)
        (0, 'PreToolUse', 'Bash', 'success', 1), (1, 'PostToolUse', 'Bash', 'error', 300),
        (5, 'PostToolUse', 'Bash', 'success', 100), (10, 'PostToolUse', 'Bash', 'success', 200),
        (20, 'PostToolUse', 'Read', 'success', 7), (40, 'UserPromptSubmit', None, 'success', 3),
        (65, 'PostToolUse', 'Read', 'error', 9), (3 * 3600, 'PostToolUse', 'Read', 'success', 1),  # too old
    ]
    for before, hook_type, tool, status, duration in rows:
        connection.execute(INSERT_HOOK, {
            'timestamp': NOW - before, 'timestamp_iso': '', 'session_id': 's', 'hook_type': hook_type,
            'tool_name': tool, 'status': status, 'duration_ms': duration, 'hostname': '', 'ip_address': '',
            'project_dir': '/p', 'data': '{}'})
    connection.close()
    return path


async def test_aggregates_equal_hand_checked_values(tmp_path: Path) -> None:
    async with watching(database(tmp_path / 'eyelet.db')) as watcher:
        result = await aggregate([watcher], NOW)
    assert result.last_minute == math.floor(NOW / 60)
    # NOW is 30 s into its minute: 0, 1, 5, 10 and 20 s before it fall in this minute, 40 and 65 s in the one before.
    assert {hook: counts[-3:] for hook, counts in result.events.items()} == {
        'PostToolUse': [0, 1, 4], 'PreToolUse': [0, 0, 1], 'UserPromptSubmit': [0, 1, 0]}
    assert all(len(counts) == MINUTES for counts in result.events.values())
    assert result.error_rate[-2:] == [1.0, 0.25]
    assert result.error_rate[0] is None
    assert result.tools == {'Bash': ToolFigures(calls=3, p50_ms=200, p95_ms=300, errors=1),
                            'Read': ToolFigures(calls=2, p50_ms=7, p95_ms=9, errors=1)}


async def test_charts_follow_eyelets_logger(served_app: Callable[..., ServedApp], browser: Any,
                                            tmp_path: Path) -> None:
    project = tmp_path / 'acme' / '.eyelet-logging' / 'eyelet.db'
    project.parent.mkdir(parents=True)
    log_hook(project, 'acme', 'PostToolUse', 'Bash')
    app = served_app(str(project))
    page = await browser.new_page()
    await page.goto(app.url)
    calls = "document.querySelectorAll('.js-plotly-plot')[1]?.data?.[0]"
    await page.wait_for_function(f"{calls}?.y?.[0] === 1", timeout=15_000)
    log_hook(project, 'acme', 'PostToolUse', 'Bash', error='Command failed')
    log_hook(project, 'acme', 'PostToolUse', 'Read')
    await page.wait_for_function(f"JSON.stringify([{calls}.x, {calls}.y]) === '[[\"Bash\",\"Read\"],[2,1]]'",
                                 timeout=10_000)
    rates = "document.querySelectorAll('.js-plotly-plot')[3].data[0].y.filter((v) => v !== null)"
    # 1 failure in 3 calls, or in 2 and 1 when a minute turned between them: a failure shows in any case.
    assert 0 < await page.evaluate(f'Math.max(...{rates})') <= 0.5
