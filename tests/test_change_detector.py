"""On a network filesystem a `stat` can block for long: the event loop keeps serving while commits are detected."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.sources.query import Query

from .conftest import make_database
from .test_engine import eventually, watching
from .test_file_events import TABLE, values
from .writer import write

SLOW_STAT = 0.6
"""Seconds each `stat` of a file in the test's folder takes, as on a slow network share."""


async def test_slow_stat_calls_do_not_stall_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_database(tmp_path / 'data.db', TABLE)
    real_stat = os.stat

    def slow_stat(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if str(target).startswith(str(tmp_path)):
            time.sleep(SLOW_STAT)
        return real_stat(target, *args, **kwargs)

    monkeypatch.setattr(os, 'stat', slow_stat)
    beats: list[float] = []

    async def heartbeat() -> None:
        while True:
            beats.append(time.monotonic())
            await asyncio.sleep(0.02)

    beating = asyncio.create_task(heartbeat())
    try:
        async with watching(path, poll_interval=0.2) as watcher:
            live = watcher.live.acquire(Query(relation='t'))
            await eventually(lambda: values(live) == [1], timeout=60)
            await asyncio.to_thread(write, path, 'INSERT INTO t (x) VALUES (2)')
            await eventually(lambda: values(live) == [2, 1], timeout=60)
    finally:
        beating.cancel()
    longest = max(later - earlier for earlier, later in itertools.pairwise(beats))
    assert longest < SLOW_STAT * 2 / 3, f'the event loop stood still for {longest:.2f} s'
