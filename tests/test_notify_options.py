"""`--notify`, `--notify-on`, `--idle-after` and `EYELET_GUI_NOTIFY`: what each sets, and each mistake in one
sentence with exit status 2, a URL's secrets never echoed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eyelet_gui.command_line import parse
from eyelet_gui.sources.eyelet.schema import create_modern_database

from .test_command_line import assert_refused

URL = 'json://127.0.0.1:9/hook'


@pytest.fixture
def db(tmp_path: Path) -> str:
    create_modern_database(tmp_path / 'eyelet.db')
    return str(tmp_path / 'eyelet.db')


def test_the_options_set_the_settings(monkeypatch: pytest.MonkeyPatch, db: str) -> None:
    monkeypatch.setenv('EYELET_GUI_NOTIFY', f' {URL}\n ntfy://ntfy.example.com/topic ')
    settings = parse([db, '--notify-on', 'failing,needs_permission', '--idle-after', '2.5'])
    assert (settings.notify, settings.notify_states, settings.idle_after) == (
        (URL, 'ntfy://ntfy.example.com/topic'), ('failing', 'needs_permission'), 150.0)
    settings = parse([db, '--notify', 'json://localhost/a', '--notify', 'json://localhost/b'])
    assert (settings.notify, settings.notify_states, settings.idle_after) == (  # the option replaces the variable
        ('json://localhost/a', 'json://localhost/b'), ('needs_permission', 'waiting_for_input', 'failing'), 3600.0)


@pytest.mark.parametrize(('args', 'sentence'), [
    (['--notify', 'bogus'], '--notify a URL without a scheme (such as ntfy://): Apprise cannot send to this URL; '
                            'write it as Apprise documents its services, such as ntfy://ntfy.sh/TOPIC, '
                            'json://host:port/path or mailto://user:password@host.'),
    (['--notify', URL, '--notify', 'json://user:hunter2secret@'],
     '--notify json://…: Apprise cannot send to this URL; write it as Apprise documents its services, such as '
     'ntfy://ntfy.sh/TOPIC, json://host:port/path or mailto://user:password@host.'),
    (['--notify', 'nosuchservice://mail.example.com/s3cr3t'],
     '--notify nosuchservice://mail.example.com: Apprise cannot send to this URL; write it as Apprise documents its '
     'services, such as ntfy://ntfy.sh/TOPIC, json://host:port/path or mailto://user:password@host.'),
    (['--notify-on', 'failing,asleep'], "Argument --notify-on: asleep is not a state to notify; choose among "
                                        "needs_permission, waiting_for_input, failing."),
    (['--idle-after', '0'], 'Argument --idle-after: 0 is not a number of minutes above zero.'),
])
def test_mistakes(capsys: pytest.CaptureFixture[str], db: str, args: list[str], sentence: str) -> None:
    assert_refused(capsys, [db, *args], sentence)


def test_without_apprise_the_sentence_says_how_to_get_it(db: str) -> None:
    program = ("import sys; sys.modules['apprise'] = None; from eyelet_gui.main import cli; "
               f"cli({db!r}, '--notify', {URL!r})")
    done = subprocess.run([sys.executable, '-c', program], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (2, '', (
        "eyelet-gui: --notify sends through Apprise, which is not installed: run eyelet-gui with it, as "
        "uvx --from 'eyelet-gui[notify]' eyelet-gui …, or install it with pip install 'eyelet-gui[notify]'.\n"
        'Run `eyelet-gui --help` for the options.\n'))
