"""The token that guards a server reachable beyond this machine: an ASGI middleware in front of every route.

The first visit presents `?token=…`; the gate answers with a signed, HttpOnly cookie and a redirect to the
clean URL, so the token does not linger in the address bar or in history. Every later request, the
WebSocket included, must carry that cookie. Scripts on the JSON API (`/api/`) carry no cookies: there
`Authorization: Bearer …` or `?token=…` itself lets a request through. Anything else gets 401 and a page (for
the API, a JSON sentence) that shows no data.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from eyelet_gui.pages.refusal import Refusal, refused

COOKIE = 'eyelet_gui_token'
PAGE = ('<!doctype html><meta charset="utf-8"><title>eyelet-gui: {title}</title>'
        '<body style="font-family:sans-serif;max-width:40em;margin:4em auto"><h1>{title}</h1><p>{sentence}</p></body>')
TOKEN_PAGE = PAGE.format(title='This dashboard needs its token',
                         sentence='Open the link that <code>eyelet-gui</code> printed in its terminal (it ends in '
                                  '<code>?token=&hellip;</code>).')

API_PREFIX = '/api/'
API_REFUSAL = ('This dashboard needs its token: send `Authorization: Bearer <token>` or add `?token=<token>` (the '
               'token is in the link eyelet-gui printed in its terminal).')

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class TokenGate:
    """Let through only requests that carry the token's signed cookie (or the token itself, once)."""

    def __init__(self, app: ASGIApp, *, token: str, secret: str) -> None:
        self.app = app
        self.token = token
        key = hashlib.sha256(b'eyelet-gui token cookie\0' + secret.encode()).digest()  # not the session's key
        self.cookie_value = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope['type'] not in ('http', 'websocket') or self._has_cookie(scope):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get('query_string', b'').decode('latin-1'), keep_blank_values=True)
        offered = next((value for name, value in query if name == 'token'), None)
        valid = offered is not None and _same(offered, self.token)
        if scope['type'] == 'http' and scope['path'].startswith(API_PREFIX):
            if valid or self._has_bearer(scope):
                await self.app(scope, receive, send)
            else:
                await refused(Refusal(401, API_REFUSAL))(scope, receive, send)
        elif scope['type'] == 'http' and valid:
            await self._redirect_with_cookie(scope, [(name, value) for name, value in query if name != 'token'], send)
        else:
            await send_refusal(scope, send, 401, TOKEN_PAGE)

    def _has_bearer(self, scope: Scope) -> bool:
        for name, value in scope.get('headers', []):
            if name == b'authorization':
                scheme, _, credentials = value.decode('latin-1').partition(' ')
                return scheme.lower() == 'bearer' and _same(credentials.strip(), self.token)
        return False

    def _has_cookie(self, scope: Scope) -> bool:
        cookies = SimpleCookie()
        for name, value in scope.get('headers', []):
            if name == b'cookie':
                cookies.load(value.decode('latin-1'))
        morsel = cookies.get(COOKIE)
        return morsel is not None and _same(morsel.value, self.cookie_value)

    async def _redirect_with_cookie(self, scope: Scope, rest: list[tuple[str, str]], send: Send) -> None:
        path = quote(scope.get('root_path', '') + scope['path'])  # quoted: a decoded path may hold CR LF
        location = path + (f'?{urlencode(rest)}' if rest else '')
        cookie = f'{COOKIE}={self.cookie_value}; Path=/; HttpOnly; SameSite=Strict'
        await send({'type': 'http.response.start', 'status': 303,
                    'headers': [(b'location', location.encode()), (b'set-cookie', cookie.encode()),
                                (b'cache-control', b'no-store')]})
        await send({'type': 'http.response.body', 'body': b''})


def _same(offered: str, expected: str) -> bool:
    """Compare in constant time; as bytes, for `compare_digest` refuses strings with non-ASCII characters, which a
    URL or a cookie may hold."""
    return hmac.compare_digest(offered.encode(), expected.encode())


async def send_refusal(scope: Scope, send: Send, status: int, page: str) -> None:
    """Answer with `status` and `page` (HTML); a WebSocket is closed before its handshake, which uvicorn answers
    with 403."""
    if scope['type'] == 'websocket':
        await send({'type': 'websocket.close', 'code': 1008})
        return
    await send({'type': 'http.response.start', 'status': status,
                'headers': [(b'content-type', b'text/html; charset=utf-8'), (b'cache-control', b'no-store')]})
    await send({'type': 'http.response.body', 'body': page.encode()})

