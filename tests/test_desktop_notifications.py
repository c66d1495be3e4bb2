"""The native window's OS notifications: the app's real attention state through desktop-notifier, over a private
D-Bus session bus, to a notification service written here that records each `Notify` call (as a desktop's
notification daemon would show it). The window itself is not opened: tests/test_native.py covers it."""

# ruff: noqa: F722, F821, UP037
# mypy: disable-error-code="name-defined, valid-type"
# (dbus-fast reads the D-Bus signatures from the annotations)
from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

from eyelet_gui.notify.desktop import SAYS_FAILURE, DesktopChannel
from eyelet_gui.notify.message import Message
from eyelet_gui.settings import Settings

from .conftest import DEADLINE, simulated_app
from .test_notify import ASKS, ask_permission, started

pytestmark = pytest.mark.skipif(shutil.which('dbus-daemon') is None, reason='needs dbus-daemon (apt: dbus-daemon)')


class Notifications(ServiceInterface):
    """org.freedesktop.Notifications, as far as desktop-notifier uses it."""

    def __init__(self) -> None:
        super().__init__('org.freedesktop.Notifications')
        self.shown: list[tuple[str, str, str]] = []
        self.notified = asyncio.Event()

    @method()
    def Notify(self,  # noqa: PLR0917 (D-Bus arguments are positional)
                app_name: 's', replaces_id: 'u', app_icon: 's', summary: 's', body: 's',
               actions: 'as', hints: 'a{sv}', expire_timeout: 'i') -> 'u':
        self.shown.append((app_name, summary, body))
        self.notified.set()
        return len(self.shown)

    @method()
    def GetCapabilities(self) -> 'as':
        return ['body', 'actions']

    @method()
    def GetServerInformation(self) -> 'ssss':
        return ['eyelet-gui tests', 'eyelet-gui', '1', '1.2']

    @method()
    def CloseNotification(self, identifier: 'u'):  # type: ignore[no-untyped-def]  # no reply: no annotation
        pass

    @signal()
    def ActionInvoked(self, identifier: int, action: str) -> 'us':
        return [identifier, action]

    @signal()
    def NotificationClosed(self) -> 'uu':
        raise NotImplementedError


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private D-Bus session bus, the app's (and desktop-notifier's) for the test."""
    daemon = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address'], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        monkeypatch.setenv('DBUS_SESSION_BUS_ADDRESS', address)
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        daemon.stdout.close()  # type: ignore[union-attr]


async def serve(address: str) -> tuple[MessageBus, Notifications]:
    bus = await MessageBus(bus_address=address).connect()
    service = Notifications()
    bus.export('/org/freedesktop/Notifications', service)
    await bus.request_name('org.freedesktop.Notifications')
    return bus, service


async def test_each_episode_is_an_os_notification(session_bus: str, tmp_path: Path) -> None:
    bus, service = await serve(session_bus)
    project = tmp_path / 'shop'
    db = await asyncio.to_thread(started, project)
    try:
        async with simulated_app(Settings(databases=(db,), native=True, port=8123)) as (_, dashboard):
            await dashboard.attention.read.emitted(DEADLINE)  # running: what comes now is fresh
            at = await asyncio.to_thread(ask_permission, project, 'alpha')
            await asyncio.wait_for(service.notified.wait(), DEADLINE)
            began = time.strftime('%H:%M:%S', time.localtime(at))
            assert service.shown == [('eyelet-gui', 'shop', f'{ASKS}\nSince {began}, in {project}')]
    finally:
        bus.disconnect()


async def test_no_notification_service_is_said_once(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    monkeypatch.setenv('DBUS_SESSION_BUS_ADDRESS', f'unix:path={tmp_path}/no-bus')  # nothing listens there
    project = tmp_path / 'shop'
    db = await asyncio.to_thread(started, project)
    async with simulated_app(Settings(databases=(db,), native=True, port=8123)) as (_, dashboard):
        await dashboard.attention.read.emitted(DEADLINE)
        await asyncio.to_thread(ask_permission, project, 'alpha')
        deadline = time.monotonic() + DEADLINE
        said: list[str] = []
        while not said and time.monotonic() < deadline:
            said += [line for line in capsys.readouterr().out.splitlines() if line.startswith(SAYS_FAILURE)]
            await asyncio.sleep(0.05)
    out = capsys.readouterr()
    assert said == [f'{SAYS_FAILURE} ([Errno 2] No such file or directory); said once.']
    assert 'Traceback' not in out.err


async def test_a_click_leads_to_the_session(session_bus: str) -> None:
    bus, service = await serve(session_bus)
    opened: list[str] = []
    clicked = asyncio.Event()

    async def open_page(page: str) -> None:
        opened.append(page)
        clicked.set()

    try:
        async with simulated_app(Settings()):
            channel = DesktopChannel(say=print, open_page=open_page)
            channel.start()
            channel.send(Message(title='shop', text='needs your permission', link='http://127.0.0.1:8080/sessions/d/a',
                                 page='/sessions/d/a'))
            await asyncio.wait_for(service.notified.wait(), DEADLINE)
            # What the desktop sends when the notification is clicked. desktop-notifier knows the notification once
            # it has read Notify's reply, which may be just after our side set `notified`: clicked until it knows.
            deadline = time.monotonic() + DEADLINE
            while not clicked.is_set() and time.monotonic() < deadline:
                service.ActionInvoked(1, 'default')
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(clicked.wait(), 0.5)
            channel.stop()
        assert set(opened) == {'/sessions/d/a'}  # a click repeated by the test may open it twice
    finally:
        bus.disconnect()
