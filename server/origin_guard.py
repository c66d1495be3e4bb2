"""Other web pages get nothing: an ASGI middleware that checks `Host` and `Origin` in front of every route.

DNS rebinding: a page on evil.example re-resolves its own name to 127.0.0.1 and reads the dashboard as its own origin;
only the `Host` header tells, so without a token only loopback names (and, when serving beyond loopback, the machine's
own addresses as literals) are answered. With a token `Host` is not checked: the rebound page has neither the token
nor the cookie (a cookie belongs to the name it was set for), and people reach a tokened server by names this server
cannot know (laptop.local, a tunnel, a proxy).

Cross-site WebSockets: a page on any site may open ws://127.0.0.1:8080/_nicegui_ws/ (WebSockets are outside CORS,
and NiceGUI's socket.io allows every origin), so a request whose `Origin` is another site's is refused, token or
not. Requests without `Origin` (curl, scripts) pass; browsers send it on every WebSocket, every cross-site request
and every same-origin POST, and the page's own (the browser tab, the native window) matches its `Host`.
"""

from __future__ import annotations

import html
import ipaddress
from urllib.parse import urlsplit

from eyelet_gui.server.token_gate import PAGE, ASGIApp, Receive, Scope, Send, send_refusal
from eyelet_gui.settings import is_loopback

LOOPBACK_NAMES = frozenset({'localhost'})
FOREIGN_HOST = ('This server answers only to localhost and its own addresses (a web page that resolves another name '
                'to it is refused): open http://localhost:{port}/ instead.')
FOREIGN_ORIGIN = 'A page of another site ({origin}) may not use this dashboard: open it from its own address.'


class OriginGuard:
    """Refuse requests whose `Host` is a name that could have been rebound, or whose `Origin` is another site."""

    def __init__(self, app: ASGIApp, *, serving_host: str, port: int, token: str | None) -> None:
        self.app = app
        self.port = port
        self.check_host = token is None
        self.beyond_loopback = not is_loopback(serving_host)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] not in ('http', 'websocket'):
            await self.app(scope, receive, send)
            return
        headers = {name: value.decode('latin-1') for name, value in scope.get('headers', [])}
        host = headers.get(b'host')
        origin = headers.get(b'origin')
        if host is not None and self.check_host and not self._answers_to(host):
            await send_refusal(scope, send, 403, _page('Not this name', FOREIGN_HOST.format(port=self.port)))
        elif origin is not None and not _same_origin(origin, host):
            sentence = FOREIGN_ORIGIN.format(origin=origin[:100])
            await send_refusal(scope, send, 403, _page('Not from another site', sentence))
        else:
            await self.app(scope, receive, send)

    def _answers_to(self, host: str) -> bool:
        """Whether `host` (a Host header: name or literal, with or without a port) is one no page can rebind."""
        try:
            name = (urlsplit(f'//{host}').hostname or '').rstrip('.')  # lower-cased, IPv6 brackets dropped
        except ValueError:  # an unclosed bracket
            return False
        if name in LOOPBACK_NAMES:
            return True
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            return False  # a name: rebinding needs one
        # An address literal cannot be rebound: a page with that origin was served by whatever answers there, which
        # beyond loopback is this machine (by any of its addresses, which may change while it runs).
        return address.is_loopback or self.beyond_loopback


def _same_origin(origin: str, host: str | None) -> bool:
    """Whether `Origin` (scheme://host[:port], or "null") names the server the request was sent to."""
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ('http', 'https') and host is not None and parts.netloc.lower() == host.lower()


def _page(title: str, sentence: str) -> str:
    return PAGE.format(title=title, sentence=html.escape(sentence))  # the sentence quotes the request's own text
