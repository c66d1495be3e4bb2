"""Settings read once from the environment reach the part of the app they govern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eyelet_gui.command_line import parse
from eyelet_gui.settings import DEFAULT_READ_TIME_LIMIT, env_defaults
from eyelet_gui.state.dashboard import Dashboard

from .conftest import free_port, make_database


def test_the_read_time_limit_comes_from_the_environment_and_reaches_every_view(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_database(tmp_path / 'data.db', 'CREATE TABLE t (x);')
    arguments = [str(path), '--port', str(free_port())]
    assert parse(arguments).read_time_limit == DEFAULT_READ_TIME_LIMIT == 5.0
    monkeypatch.setenv('EYELET_GUI_READ_TIME_LIMIT', '0.25')
    settings = parse(arguments)
    assert settings.read_time_limit == 0.25
    assert [watcher.reader.time_limit for watcher in Dashboard(settings).watchers.values()] == [0.25]
    with pytest.raises(ValueError, match=re.escape("EYELET_GUI_READ_TIME_LIMIT='0' must be greater than zero.")):
        env_defaults({'EYELET_GUI_READ_TIME_LIMIT': '0'})
