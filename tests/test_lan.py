"""Serving beyond this machine: the terminal's URLs and QR code, and the installation's cookie secret."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import segno

from eyelet_gui.server import installation, lan

from .conftest import ServedApp, free_port, wait_for

TOKEN = 'token-for-the-lan-tests'


def drawn_modules(block: list[str]) -> list[list[int]]:
    """Modules (1 dark) of a QR code drawn two rows a line: light is '█', dark ' ', half blocks one of each."""
    matrix = []
    for line in block:
        matrix.append([int(char in ' ▄') for char in line])  # upper half
        matrix.append([int(char in ' ▀') for char in line])  # lower half
    return matrix


def test_terminal_shows_working_lan_urls_and_their_qr_code(served_app: Callable[..., ServedApp]) -> None:
    app = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN)
    addresses = lan.addresses('0.0.0.0')
    for address in addresses:  # each address leads to this server from the network
        assert httpx.get(lan.url(address, app.port, TOKEN)).status_code == 303, address
    output = app.stop()
    urls = re.findall(r'^  (http://\S+)$', output, re.MULTILINE)
    assert urls == [f'http://{address}:{app.port}/?token={TOKEN}' for address in addresses]
    # Only links that work: NiceGUI's own banner ("NiceGUI ready to go on http://localhost:…") has no token.
    assert [line for line in output.splitlines() if 'http' in line] == [f'  {url}' for url in urls]

    block = [line for line in output.splitlines() if line and set(line) <= set('█▀▄ ')]
    symbol = segno.make(urls[0], error='l').matrix
    border, width = 2, len(symbol[0]) + 4
    light = [[0] * width] * border
    assert drawn_modules(block)[:width] == light + [[0] * border + list(row) + [0] * border for row in symbol] + light


def test_on_this_machine_only_the_terminal_says_once_where_it_serves(served_app: Callable[..., ServedApp]) -> None:
    app = served_app('--demo')
    output = app.stop()
    assert [line for line in output.splitlines() if 'http' in line] == [
        f'eyelet-gui serves on http://127.0.0.1:{app.port}/ (this machine only; --host 0.0.0.0 serves the network too)']


def test_the_browser_tab_opens_the_link_with_the_token(served_app: Callable[..., ServedApp], tmp_path: Path) -> None:
    """Python's webbrowser runs $BROWSER with the URL: a script that writes it down stands in for a browser."""
    opened = tmp_path / 'opened'
    browser = tmp_path / 'browser'
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    app = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN, show=True, extra_env={'BROWSER': str(browser)})
    wait_for(opened.exists, timeout=15)
    url = f'http://127.0.0.1:{app.port}/?token={TOKEN}'
    assert opened.read_text() == f'{url}\n'
    assert httpx.get(url).status_code == 303  # to the page, with the cookie


def test_the_secret_is_made_once_per_installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / 'one'))
    first = installation.installation_secret()
    assert installation.installation_secret() == first
    path = tmp_path / 'one' / 'eyelet-gui' / 'secret'
    assert path.read_text() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 40
    monkeypatch.setenv('XDG_CONFIG_HOME', str(tmp_path / 'two'))
    assert installation.installation_secret() != first


def test_an_unusable_config_folder_is_said_and_survived(served_app: Callable[..., ServedApp],
                                                        tmp_path: Path) -> None:
    blocked = tmp_path / 'a-file'
    blocked.write_text('')
    app = served_app('--demo', config_home=blocked)
    assert httpx.get(app.url).status_code == 200
    output = app.stop()
    assert f'Could not keep a secret in {blocked / "eyelet-gui"}' in output
    assert 'Traceback' not in output


def test_the_cookie_outlives_a_restart_of_the_same_installation(served_app: Callable[..., ServedApp],
                                                                tmp_path: Path) -> None:
    port = free_port()
    first = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN, port=port, config_home=tmp_path / 'a')
    cookie = httpx.get(f'{first.url}/?token={TOKEN}').headers['set-cookie'].split(';')[0]
    first.stop()
    again = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN, port=port, config_home=tmp_path / 'a')
    assert httpx.get(again.url, headers={'cookie': cookie}).status_code == 200
    again.stop()
    other = served_app('--demo', '--host', '0.0.0.0', '--token', TOKEN, port=port, config_home=tmp_path / 'b')
    assert httpx.get(other.url, headers={'cookie': cookie}).status_code == 401  # another installation's cookie
