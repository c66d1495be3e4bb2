"""Beyond loopback nobody without the token sees anything; the first visit trades it for a signed cookie."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from eyelet_gui.command_line import parse

from .conftest import ServedApp, free_port

TOKEN = 'correct-horse-battery'


def test_non_loopback_host_gets_a_generated_token() -> None:
    settings = parse(['--demo', '--host', '0.0.0.0', '--port', str(free_port())])
    assert settings.token is not None
    assert len(settings.token) >= 20
    assert parse(['--demo', '--port', str(free_port())]).token is None


async def test_token_gate_over_http_and_in_chromium(served_app: Callable[..., ServedApp], browser: Any) -> None:
    app = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN)
    async with httpx.AsyncClient(base_url=app.url) as client:
        for url in ('/', '/?token=wrong', '/_nicegui_ws/socket.io/?EIO=4&transport=polling', '/docs', '/no-such-page'):
            refused = await client.get(url)
            assert (refused.status_code, 'needs its token' in refused.text) == (401, True), url
            assert 'demo-project' not in refused.text
        welcomed = await client.get(f'/?token={TOKEN}')
        assert welcomed.status_code == 303
        assert welcomed.headers['location'] == '/'
        cookie = welcomed.headers['set-cookie']
        assert 'HttpOnly' in cookie
        assert TOKEN not in cookie, 'the cookie holds a signature, not the token'
        assert (await client.get('/')).status_code == 200, 'the client now carries the cookie'

    page = await browser.new_page()
    await page.goto(f'{app.url}/?token={TOKEN}')
    assert page.url == f'{app.url}/'
    await page.locator('.ag-row').nth(10).wait_for(timeout=15_000)
