"""Other web pages get nothing: a name rebound to 127.0.0.1 is refused without a token, and socket.io refuses a
handshake from another site's page, over polling and WebSocket alike; the page's own origin, and requests without
one (curl), work as before."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import async_playwright
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from eyelet_gui.settings import Settings

from .conftest import CHROMIUM, CHROMIUM_ARGS, ServedApp, simulated_user
from .test_security import eyelet_database

POLLING = '/_nicegui_ws/socket.io/?EIO=4&transport=polling'
WEBSOCKET = '/_nicegui_ws/socket.io/?EIO=4&transport=websocket'
REBOUND = 'rebound.example'
FOREIGN = 'http://evil.example'
HOST_SENTENCE = 'This server answers only to localhost and its own addresses'
ORIGIN_SENTENCE = f'A page of another site ({FOREIGN}) may not use this dashboard: open it from its own address.'


@pytest.fixture(scope='module')
def app(module_served_app: Callable[..., ServedApp], tmp_path_factory: pytest.TempPathFactory) -> ServedApp:
    """One app for the module: its tests only ask it, and are refused or answered."""
    return module_served_app(str(eyelet_database(tmp_path_factory.mktemp('guarded'))))


async def test_without_a_token_only_loopback_names_are_answered(app: ServedApp) -> None:
    async with httpx.AsyncClient(base_url=app.url) as client:
        for host in (f'{REBOUND}:{app.port}', REBOUND, f'{REBOUND}.', 'localhost.evil.example', '10.0.0.7',
                     '[fe80::1]', '[::1', 'attacker.localhost'):
            refused = await client.get('/', headers={'host': host})
            assert (refused.status_code, HOST_SENTENCE in refused.text) == (403, True), host
            assert 'acme' not in refused.text, host
            refused = await client.get(POLLING, headers={'host': host})
            assert refused.status_code == 403, host
        for host in (f'localhost:{app.port}', 'LOCALHOST', f'127.0.0.1:{app.port}', f'[::1]:{app.port}',
                     'localhost.', '127.0.0.1'):
            welcomed = await client.get('/', headers={'host': host})
            assert (welcomed.status_code, 'Live hook feed' in welcomed.text) == (200, True), host
    with pytest.raises(InvalidStatus) as refusal:
        async with connect(f'ws://{REBOUND}:{app.port}{WEBSOCKET}',  # connected to 127.0.0.1, as if rebound
                           sock=socket.create_connection(('127.0.0.1', app.port))):
            pass
    assert refusal.value.response.status_code == 403


async def test_socket_io_refuses_another_sites_origin(app: ServedApp) -> None:
    async with httpx.AsyncClient(base_url=app.url) as client:
        for origin in (FOREIGN, 'null', f'http://{REBOUND}:{app.port}', f'http://127.0.0.1:{app.port + 1}',
                       f'file://127.0.0.1:{app.port}', 'http://[::1'):
            refused = await client.get(POLLING, headers={'origin': origin})
            assert refused.status_code == 403, origin
            assert 'Not from another site' in refused.text, origin
            assert (await client.post('/', headers={'origin': origin})).status_code == 403, origin
        refused = await client.get(POLLING, headers={'origin': FOREIGN})
        assert ORIGIN_SENTENCE in refused.text
        for headers in ({'origin': app.url}, {'origin': f'http://localhost:{app.port}',
                                              'host': f'localhost:{app.port}'}, {}):
            opened = await client.get(POLLING, headers=headers)
            assert opened.status_code == 200, headers
            assert json.loads(opened.text[1:])['upgrades'] == ['websocket'], headers  # engine.io's open packet
    with pytest.raises(InvalidStatus) as refusal:
        async with connect(f'ws://127.0.0.1:{app.port}{WEBSOCKET}', origin=Origin(FOREIGN)):
            pass
    assert refusal.value.response.status_code == 403
    async with connect(f'ws://127.0.0.1:{app.port}{WEBSOCKET}', origin=Origin(app.url)) as websocket:
        assert json.loads(str(await websocket.recv())[1:])['upgrades'] == []  # opened: engine.io's open packet


async def test_with_a_token_any_name_reaches_the_token_gate(tmp_path: Path) -> None:
    """With a token the name is not checked (laptop.local, a tunnel): the token guards, and the Origin check holds."""
    settings = Settings(databases=(eyelet_database(tmp_path),), show=False, host='0.0.0.0', token='a-token')
    async with simulated_user(settings) as user:
        client = user.http_client
        for host in ('laptop.local:8080', REBOUND):
            gated = await client.get('/', headers={'host': host})
            assert (gated.status_code, 'needs its token' in gated.text) == (401, True), host
        welcomed = await client.get('/?token=a-token', headers={'host': 'laptop.local:8080'})
        assert welcomed.status_code == 303
        cookie = {'cookie': welcomed.headers['set-cookie'].split(';')[0]}
        assert (await client.get('/', headers={'host': 'laptop.local:8080', **cookie})).status_code == 200
        foreign = await client.get('/', headers={'host': 'laptop.local:8080', 'origin': FOREIGN, **cookie})
        assert (foreign.status_code, ORIGIN_SENTENCE in foreign.text) == (403, True)


async def test_beyond_loopback_without_a_token_the_machines_addresses_are_answered(tmp_path: Path) -> None:
    """Only Settings can ask for it (the command line makes a token): address literals pass, names do not."""
    settings = Settings(databases=(eyelet_database(tmp_path),), show=False, host='0.0.0.0')
    async with simulated_user(settings) as user:
        for host, status in (('192.168.1.20:8080', 200), ('[fe80::1]:8080', 200), ('localhost', 200),
                             (REBOUND, 403), ('laptop.local', 403)):
            assert (await user.http_client.get('/', headers={'host': host})).status_code == status, host


@pytest.mark.browser
async def test_chromium_a_rebound_name_and_another_sites_socket_get_nothing(
        app: ServedApp) -> None:
    """Chromium resolves rebound.example to 127.0.0.1, as a rebinding attacker's DNS would; evil.example's page
    (served by Playwright) opens a WebSocket and a polling request to the dashboard; the dashboard's own page works."""
    async with async_playwright() as playwright:
        browser: Any = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, f'--host-resolver-rules=MAP {REBOUND} 127.0.0.1'])
        page = await browser.new_page()
        rebound = await page.goto(f'http://{REBOUND}:{app.port}/')
        assert rebound is not None
        assert (rebound.status, HOST_SENTENCE in await page.content()) == (403, True)

        await page.route(f'{FOREIGN}/', lambda route: route.fulfill(body='<title>evil</title>',
                                                                     content_type='text/html'))
        await page.goto(f'{FOREIGN}/')
        outcome = await page.evaluate('''async ([url, websocket, polling]) => {
            const opened = await new Promise(done => {
                const ws = new WebSocket(url.replace('http', 'ws') + websocket);
                ws.onopen = () => done('opened'); ws.onerror = () => done('refused');
            });
            const polled = await fetch(url + polling).then(r => r.status, () => 'refused');
            return [opened, polled];
        }''', [app.url, WEBSOCKET, POLLING])
        assert outcome == ['refused', 'refused']

        await page.goto(app.url)
        await page.get_by_text('Live hook feed').wait_for(timeout=15_000)
        await page.locator('.ag-row').first.wait_for(timeout=15_000)  # rows arrive over the socket
        await browser.close()
