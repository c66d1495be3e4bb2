"""A browser that goes away while a request is answered is not an error: say nothing of it.

NiceGUI's own middlewares are Starlette `BaseHTTPMiddleware`s, which raise `RuntimeError('No response
returned.')` when the client disconnects before the response starts (Kludex/starlette#2516): a tab closed while
plotly.js loads, a phone leaving the network. uvicorn then logs it with a traceback, as if the server had
failed. Our own middleware (server/token_gate.py) is plain ASGI; NiceGUI's cannot be changed from here, so the one
record that says nothing but "the client left" is dropped, and every other error is logged as before.
"""

from __future__ import annotations

import logging

SERVER_LOG = 'uvicorn.error'
CLIENT_LEFT = 'No response returned.'


def is_client_gone(record: logging.LogRecord) -> bool:
    """Whether `record` is uvicorn's report of Starlette's error for a client that left before the response."""
    error = record.exc_info[1] if record.exc_info else None
    return isinstance(error, RuntimeError) and str(error) == CLIENT_LEFT


def keep(record: logging.LogRecord) -> bool:
    return not is_client_gone(record)


def install() -> None:
    """Filter the server's log; call once uvicorn has configured its loggers (at startup)."""
    server_log = logging.getLogger(SERVER_LOG)
    if keep not in server_log.filters:
        server_log.addFilter(keep)
