""""Needs you" in Chromium, from records eyelet's own HookLogger wrote: the strip on every page, the tab's title and
favicon, the session's state on its page and in the list, the phone width, and browser notifications."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eyelet_gui.demo import claude_code as cc
from eyelet_gui.server import lan
from eyelet_gui.state.catalog import database_id

from .conftest import GRID_API, ServedApp
from .eyelet_logger import database_of, log_payloads
from .records import BASH

SESSION = 'a1b2c3d4-attention'
OTHER = 'e5f6a7b8-attention'
THIRD = 'c9d0e1f2-attention'
PROMPT = 'Run the tests and fix what fails'
STRIP = '.eyelet-attention'
ITEM = '.eyelet-attention-item'
WAIT = 30_000
"""Milliseconds the browser waits for what normally takes a second (tests/conftest.py DEADLINE)."""
RECORDED = '''(() => {
  // Each notification the page makes, recorded, then shown by the real one.
  const Real = window.Notification;
  window.shown = [];
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.shown.push({ title, body: options.body, tag: options.tag });
    }
  }
  window.Notification = Recorded;
  // And each beep: a sound is an AudioContext made for it.
  const Audio = window.AudioContext;
  window.beeps = 0;
  window.AudioContext = class extends Audio {
    constructor(...options) {
      super(...options);
      window.beeps += 1;
    }
  };
})()'''


CLOCK_AN_HOUR_FAST = '''(() => {
  const now = Date.now;
  Date.now = () => now() + 3600 * 1000;
})()'''


def working(project: Path, session: str = SESSION) -> Path:
    """A session at work in `project` (a Bash call running), logged by eyelet; its database."""
    cwd = str(project)
    return log_payloads(project, [(None, cc.session_start(session, cwd)), (None, cc.user_prompt(session, cwd, PROMPT)),
                                  (None, cc.pre_tool_use(session, cwd, 'Bash', BASH, 'toolu_1'))])


def log(project: Path, event: str, session: str = SESSION, **fields: Any) -> None:
    log_payloads(project, [(None, cc.hook_payload(event, session, str(project), **fields))])


def asks_permission(project: Path) -> None:
    log(project, 'Notification', message='Claude needs your permission to use Bash',
        notification_type='permission_prompt')


async def strip_items(page: Any) -> list[list[str]]:
    """Each item of the strip: project, state in words, what it asks."""
    return [[await item.locator(part).inner_text() for part in ('[data-project]', '[data-words]', '[data-asks]')]
            for item in await page.locator(ITEM).all()]


async def test_a_permission_prompt_shows_on_every_page_until_the_call_ends(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    """The strip lists the prompt with what it asks, the title counts it, the favicon has a dot, the list's state
    column says it; one click opens the session, whose page says it at the top; the call's end empties it all."""
    project = tmp_path / 'acme-api'
    database = working(project)
    app = served_app(str(database))
    page = await browser.new_page(viewport={'width': 1280, 'height': 800})
    await page.goto(f'{app.url}/sessions')
    await page.get_by_text(SESSION[:8], exact=True).wait_for(timeout=WAIT)
    assert await page.title() == 'Sessions · eyelet-gui'
    assert await page.locator(STRIP).count() == 0
    plain_icon = await page.evaluate("document.querySelector('link[rel~=\"icon\"]').href")

    asks_permission(project)
    await page.locator(ITEM).wait_for(timeout=WAIT)
    assert await strip_items(page) == [['acme-api', 'needs your permission', 'Bash: pytest -q — Run the tests']]
    assert await page.title() == '(1) Sessions · eyelet-gui'
    await page.wait_for_function("document.querySelector('link[rel~=\"icon\"]').href.startsWith('data:image/png')",
                                 timeout=WAIT)
    await page.wait_for_function(f"{GRID_API}.getDisplayedRowAtIndex(0)?.data.c0 === 'needs your permission'",
                                 timeout=WAIT)
    assert await page.locator(f'{ITEM} [data-age]').inner_text() in {f'{s} s' for s in range(60)}
    state_cell = page.locator('.ag-row[row-index="0"] .ag-cell[col-id="c0"]')
    assert await state_cell.evaluate('(cell) => getComputedStyle(cell).color') == 'rgb(245, 124, 0)'  # amber

    await page.locator(ITEM).click()
    await page.wait_for_url(f'{app.url}/sessions/{database_id(database)}/{SESSION}', timeout=WAIT)
    state = page.locator('.eyelet-session-state')
    await state.get_by_text('needs your permission').wait_for(timeout=WAIT)
    text = ' '.join((await state.inner_text()).split())
    assert text.startswith('needs your permission — Bash: pytest -q — Run the tests — since '), text
    assert await strip_items(page) == [['acme-api', 'needs your permission', 'Bash: pytest -q — Run the tests']]
    assert await page.title() == f'(1) Session {SESSION[:8]} · eyelet-gui'

    log_payloads(project, [(None, cc.post_tool_use(SESSION, str(project), 'Bash', BASH, 'toolu_1', {}))])
    await page.wait_for_function(f"!document.querySelector('{STRIP}')", timeout=WAIT)
    assert await page.title() == f'Session {SESSION[:8]} · eyelet-gui'
    assert await page.evaluate("document.querySelector('link[rel~=\"icon\"]').href") == plain_icon
    await state.get_by_text('working', exact=True).wait_for(timeout=WAIT)
    assert ' '.join((await state.inner_text()).split()) == 'working'


async def test_each_episode_is_notified_once_on_any_page(served_app: Callable[..., ServedApp], browser: Any,
                                                        tmp_path: Path) -> None:
    """With the bell on (and its sound) and permission granted: a Stop (waiting for your input) shows on a
    database's page and is notified once, with one beep; the idle notice after it is the same episode (no second
    notice); another session's Stop is the next notification. Tagged with the session, titled with the project,
    its body what it asks."""
    project = tmp_path / 'acme-api'
    database = working(project)
    app = served_app(str(database))
    context = await browser.new_context()
    await context.grant_permissions(['notifications'], origin=app.url)
    await context.add_init_script(RECORDED)
    page = await context.new_page()
    await page.goto(f'{app.url}/db/{database_id(database)}')
    await page.locator('[data-bell]').click()
    await page.locator('[data-notify-toggle]').click()
    await page.locator('[data-sound-toggle]').click()
    await page.wait_for_function("document.querySelector('[data-bell]').dataset.notify === 'on'", timeout=WAIT)

    log(project, 'Stop', stop_hook_active=False)
    await page.locator(ITEM).wait_for(timeout=WAIT)
    assert await strip_items(page) == [['acme-api', 'waiting for your input', f'Done: {PROMPT}']]
    await page.wait_for_function('window.shown.length === 1', timeout=WAIT)
    log(project, 'Notification', message='Claude is waiting for your input', notification_type='idle_prompt')
    log_payloads(project, [(None, cc.session_start(OTHER, str(project))), (None, cc.stop(OTHER, str(project)))])
    await page.wait_for_function('window.shown.length >= 2', timeout=WAIT)
    assert await page.evaluate('window.shown') == [
        {'title': 'acme-api', 'body': f'waiting for your input: Done: {PROMPT}', 'tag': f'{database_id(database)}:'
                                                                                          f'{SESSION}'},
        {'title': 'acme-api', 'body': 'waiting for your input: Waiting for your input',
         'tag': f'{database_id(database)}:{OTHER}'}]
    assert await page.title() == '(2) acme-api · eyelet-gui'
    assert await page.evaluate('window.beeps') == 2

    # A tab opened (or reloaded) while they wait does not tell them again; the next new one it does.
    await page.reload()
    await page.locator(ITEM).nth(1).wait_for(timeout=WAIT)
    log_payloads(project, [(None, cc.session_start(THIRD, str(project))), (None, cc.stop(THIRD, str(project)))])
    await page.locator(ITEM).nth(2).wait_for(timeout=WAIT)
    await page.wait_for_function('window.shown.length >= 1', timeout=WAIT)
    assert [notice['tag'] for notice in await page.evaluate('window.shown')] == [f'{database_id(database)}:{THIRD}']
    assert await page.evaluate('window.beeps') == 1


async def test_at_phone_width_the_strip_is_a_list_to_tap(served_app: Callable[..., ServedApp], browser: Any,
                                                         tmp_path: Path) -> None:
    """Each item is a row a finger can tap; its age counts up from the server's clock, on a phone whose own clock is
    an hour fast."""
    project = tmp_path / 'acme-api'
    database = working(project)
    app = served_app(str(database))
    context = await browser.new_context(viewport={'width': 390, 'height': 844}, has_touch=True, is_mobile=True)
    await context.add_init_script(CLOCK_AN_HOUR_FAST)
    page = await context.new_page()
    await page.goto(app.url)
    await page.get_by_text('Live hook feed').wait_for(timeout=WAIT)
    asks_permission(project)
    await page.locator(ITEM).wait_for(timeout=WAIT)
    box = await page.locator(ITEM).bounding_box()
    assert box is not None
    assert box['height'] >= 44, box
    assert box['x'] >= 0, box
    assert box['x'] + box['width'] <= 390, box
    age = page.locator(f'{ITEM} [data-age]')
    first = await age.inner_text()
    assert first in {f'{s} s' for s in range(60)}, first
    await page.wait_for_function(f"document.querySelector('{ITEM} [data-age]').innerText.trim() !== {first!r}",
                                 timeout=WAIT)  # it counts up by itself
    await page.locator(ITEM).tap()
    await page.wait_for_url(f'{app.url}/sessions/{database_id(database)}/{SESSION}', timeout=WAIT)
    # The session list at this width is a list of two-line rows: the state leads, in the strip's colour.
    await page.goto(f'{app.url}/sessions')
    colour = await page.wait_for_function("""() => {
      const line = [...document.querySelectorAll('.ag-cell div')]
        .find((div) => !div.children.length && div.textContent.startsWith('needs your permission · '));
      return line && getComputedStyle(line).color;
    }""", timeout=WAIT)
    assert await colour.json_value() == 'rgb(245, 124, 0)'  # #f57c00


async def test_on_an_address_that_is_not_secure_the_bell_says_why(served_app: Callable[..., ServedApp],
                                                                  browser: Any, tmp_path: Path) -> None:
    """Browsers allow notifications only on a secure origin: served on the network and opened at its address, the
    bell looks off and says why, and how to get them."""
    app = served_app('--demo', '--host', '0.0.0.0', '--token', 'token-for-the-bell')
    address = lan.addresses('0.0.0.0')[0]
    page = await browser.new_page()
    await page.goto(f'http://{address}:{app.port}/?token=token-for-the-bell')
    bell = page.locator('[data-bell]')
    await bell.wait_for(timeout=WAIT)
    assert await page.evaluate('window.isSecureContext') is False
    why = ('Browsers show notifications only on a secure address: open eyelet-gui on localhost, or serve it over '
           'https.')
    assert await bell.get_attribute('aria-label') == why
    await bell.hover()
    await page.locator('.q-tooltip').get_by_text(why).wait_for(timeout=WAIT)


async def test_many_waiting_show_the_longest_waiting_first_and_the_rest_on_request(
        served_app: Callable[..., ServedApp], browser: Any, tmp_path: Path) -> None:
    """Six sessions waiting since before the app started: the five that waited longest, in that order, then
    `1 more`, which shows the sixth. (Listed, but not notified: they began before eyelet-gui ran.)"""
    project = tmp_path / 'acme-api'
    now = time.time()
    log_payloads(project, [event for number in range(6) for event in (
        (now - 120 + 10 * number, cc.user_prompt(f'session-{number}', str(project), f'Task {number}')),
        (now - 115 + 10 * number, cc.stop(f'session-{number}', str(project))))])
    app = served_app(str(database_of(project)))
    page = await browser.new_page(viewport={'width': 1280, 'height': 800})
    await page.goto(app.url)
    await page.locator(ITEM).first.wait_for(timeout=WAIT)
    assert [asks for *_, asks in await strip_items(page)] == [f'Done: Task {number}' for number in range(5)]
    assert await page.locator(f'{STRIP} [data-more]').inner_text() == '1 more'
    await page.locator(f'{STRIP} [data-more]').click()
    await page.locator(ITEM).nth(5).wait_for(timeout=WAIT)
    assert [asks for *_, asks in await strip_items(page)] == [f'Done: Task {number}' for number in range(6)]
    assert await page.locator(f'{STRIP} [data-more]').inner_text() == 'fewer'
