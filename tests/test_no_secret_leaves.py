"""Secrets that eyelet logged never reach the browser: no WebSocket frame, page or export of any page holds them."""

from __future__ import annotations

import contextlib
import secrets
import string
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Error as PlaywrightError

from eyelet_gui.demo import claude_code
from eyelet_gui.state.catalog import database_id

from .conftest import GRID_API, ServedApp
from .eyelet_logger import log_payloads

WINDOW = 12
"""Characters of a secret's random part that must not appear anywhere, in any order of the frames."""
SESSION = 'session-leak'


def _random(length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return ''.join(secrets.choice(alphabet) for _ in range(length))


def planted() -> dict[str, str]:
    """Each secret by its random part (what must not leak) and the whole secret as logged."""
    return {'anthropic': f'sk-ant-api03-{_random(80)}-{_random(6)}AA', 'oauth': _random(40),
            'github': f'ghp_{_random(36)}', 'aws': _random(40), 'pem': _random(64)}


def random_parts(secret: dict[str, str]) -> list[str]:
    return [secret['anthropic'][13:], secret['oauth'], secret['github'][4:], secret['aws'], secret['pem']]


def log_secrets(project: Path, secret: dict[str, str]) -> Path:
    now, cwd = time.time(), str(project)
    pem = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{secret['pem']}\n-----END OPENSSH PRIVATE KEY-----\n"
    bash = {'command': f"export AWS_SECRET_ACCESS_KEY={secret['aws']} && aws s3 ls", 'description': 'List'}
    read = {'file_path': f'{cwd}/.ssh/id_ed25519'}
    key_file = {'type': 'text', 'file': {'filePath': read['file_path'], 'content': pem}}
    events = [
        (now - 5, claude_code.session_start(SESSION, cwd)),
        (now - 4, claude_code.user_prompt(SESSION, cwd, f"push with my token {secret['github']} please")),
        (now - 3, claude_code.pre_tool_use(SESSION, cwd, 'Bash', bash, 'toolu_1')),
        (now - 2.5, claude_code.post_tool_use(SESSION, cwd, 'Bash', bash, 'toolu_1', {'stdout': 'ok'})),
        (now - 2, claude_code.pre_tool_use(SESSION, cwd, 'Read', read, 'toolu_2')),
        (now - 1.5, claude_code.post_tool_use(SESSION, cwd, 'Read', read, 'toolu_2', key_file)),
    ]
    env = {'ANTHROPIC_API_KEY': secret['anthropic'], 'CLAUDE_CODE_OAUTH_TOKEN': secret['oauth'],
           'GITHUB_TOKEN': secret['github'], 'CLAUDECODE': '1'}
    return log_payloads(project, events, env=env)


def leaks(received: list[str], parts: list[str]) -> list[str]:
    """The windows of `parts` found in anything received."""
    found = []
    for part in parts:
        for start in range(len(part) - WINDOW + 1):
            window = part[start:start + WINDOW]
            if any(window in text for text in received):
                found.append(window)
                break
    return found


async def _open_every_detail(page: Any) -> None:
    count = await page.evaluate(f'{GRID_API}.getDisplayedRowCount()')
    for index in range(count):
        key = await page.evaluate(f'{GRID_API}.getDisplayedRowAtIndex({index}).data.__key')
        await page.locator(f'.ag-row[row-index="{index}"]').first.click()
        await page.get_by_text(f'Row {key.rsplit(":", 1)[-1]}', exact=True).wait_for(timeout=15_000)  # feed: db:id
        await page.get_by_text('Copy row as JSON').first.wait_for(timeout=15_000)


async def browse_everything(app: ServedApp, browser: Any, path: Path) -> list[str]:
    """Everything the browser receives on every page, with every row's detail opened, and both exports."""
    received: list[str] = []
    page = await browser.new_page(viewport={'width': 1400, 'height': 900})

    def on_websocket(socket: Any) -> None:
        socket.on('framereceived', lambda payload: received.append(payload if isinstance(payload, str)
                                                                     else payload.decode(errors='replace')))

    page.on('websocket', on_websocket)
    responses: list[Any] = []
    page.on('response', lambda response: responses.append(response))  # noqa: PLW0108 (Playwright tags its handler)
    id_ = database_id(path.resolve())
    await page.goto(app.url)
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 6', timeout=15_000)
    await _open_every_detail(page)
    await page.goto(f'{app.url}/db/{id_}/table/hooks')
    await page.wait_for_function(f'{GRID_API}?.getDisplayedRowCount() === 6', timeout=15_000)
    await _open_every_detail(page)
    for url, shows in (('/sessions', 'acme'), (f'/db/{id_}', 'hooks'), (f'/sessions/{id_}/{SESSION}', 'tool calls')):
        await page.goto(app.url + url)
        await page.get_by_text(shows).first.wait_for(timeout=15_000)
    for response in responses:
        with contextlib.suppress(PlaywrightError):  # a redirect has no body
            received.append((await response.body()).decode(errors='replace'))
    await page.close()
    async with httpx.AsyncClient(base_url=app.url) as client:
        for kind in ('csv', 'json'):
            export = await client.get(f'/export/{id_}/{kind}/hooks', timeout=15)
            assert export.status_code == 200
            received.append(export.text)
    return received


@pytest.mark.browser
async def test_no_byte_the_browser_receives_holds_a_secret(served_app: Callable[..., ServedApp], browser: Any,
                                                           tmp_path: Path) -> None:
    secret = planted()
    path = log_secrets(tmp_path / 'acme', secret)
    assert all(part in path.read_bytes().decode(errors='replace') for part in random_parts(secret))  # logged
    received = await browse_everything(served_app(str(path)), browser, path)
    csv, frames = received[-2], '\n'.join(received[:-2])
    # Under its env name, the key is redacted whole (its shape is no business of the browser's).
    assert f'""ANTHROPIC_API_KEY"": ""…[redacted, {len(secret["anthropic"])} chars]""' in csv
    assert '""CLAUDE_CODE_OAUTH_TOKEN"": ""…[redacted, 40 chars]""' in csv
    assert 'export AWS_SECRET_ACCESS_KEY=…[redacted, 40 chars] && aws s3 ls' in csv
    assert '""content"": ""-----BEGIN PRIVATE KEY-----…[redacted, 136 chars]\\n""' in csv  # newlines escaped in JSON
    assert 'push with my token ghp_…[redacted, 40 chars] please' in frames  # the "what" line, the story
    assert leaks(received, random_parts(secret)) == []


@pytest.mark.browser
async def test_show_secrets_shows_them(served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    secret = planted()
    path = log_secrets(tmp_path / 'acme', secret)
    received = await browse_everything(served_app(str(path), '--show-secrets'), browser, path)
    assert len(leaks(received, random_parts(secret))) == len(random_parts(secret))
