"""A browser that leaves mid-request gets no traceback in the terminal; every other server error still does."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from eyelet_gui.server import quiet_disconnects
from eyelet_gui.settings import Settings

from .conftest import make_database, simulated_app


def server_error(error: Exception) -> logging.LogRecord:
    """The record uvicorn logs for an exception in the application, as it logs it."""
    try:
        raise error
    except Exception:
        return logging.LogRecord('uvicorn.error', logging.ERROR, __file__, 1, 'Exception in ASGI application\n',
                                 None, sys.exc_info())


def test_only_the_client_that_left_is_dropped() -> None:
    assert quiet_disconnects.keep(server_error(RuntimeError('No response returned.'))) is False
    assert quiet_disconnects.keep(server_error(RuntimeError('No response returned. Or was it?'))) is True
    assert quiet_disconnects.keep(server_error(ValueError('No response returned.'))) is True
    assert quiet_disconnects.keep(server_error(KeyError('hooks'))) is True
    plain = logging.LogRecord('uvicorn.error', logging.INFO, __file__, 1, 'Started server process', None, None)
    assert quiet_disconnects.keep(plain) is True


async def test_the_app_filters_its_server_log_from_the_start(tmp_path: Path) -> None:
    server_log = logging.getLogger(quiet_disconnects.SERVER_LOG)
    database = make_database(tmp_path / 'shop.db', 'CREATE TABLE t (id INTEGER PRIMARY KEY);')
    try:
        async with simulated_app(Settings(databases=(database,), show=False)):
            assert server_log.filters == [quiet_disconnects.keep]
    finally:
        server_log.removeFilter(quiet_disconnects.keep)
