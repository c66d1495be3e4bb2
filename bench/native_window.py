"""The native window on a real X server: how long until it is on screen, and how long each way of ending takes to
end every process the app started (the window, Qt WebEngine's helpers, the demo writer).

    uv run --group dev python bench/native_window.py [--rounds 5]

Starts an Xvfb of its own, then `--rounds` times for each ending: `python -m eyelet_gui --demo --native` in a
session of its own (as from a terminal), waits until the X server shows the window with the app's title, lets it
settle for 3 s, and ends it by closing the window (pywebview's `destroy()`, the path of the close button, through
tests/native_window_hook), by Ctrl+C (SIGINT to the process group) or by SIGTERM (to the app alone). Measured from
the start to the window on screen, and from the ending to the last process of the session gone.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benches run as scripts from bench/
from common import free_port, print_conditions, summary

HOOK = Path(__file__).resolve().parents[1] / 'tests' / 'native_window_hook'
TITLE = '"Databases · eyelet-gui"'
PATIENCE = 90.0


def x_server() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    server = subprocess.Popen(['Xvfb', '-displayfd', str(write), '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'],
                              pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as announced:
        return server, f':{announced.readline().strip()}'


def session_processes(session: int) -> int:
    count = 0
    for entry in Path('/proc').iterdir():
        try:
            fields = (entry / 'stat').read_text().rsplit(')', 1)[1].split()
        except (OSError, IndexError):
            continue
        count += int(fields[3]) == session and fields[0] != 'Z'
    return count


def until(condition: Callable[[], bool], what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > PATIENCE:
            raise SystemExit(f'gave up waiting {PATIENCE:.0f} s for {what}')
        time.sleep(0.02)
    return time.monotonic() - started


def window_shown(display: str) -> bool:
    tree = subprocess.run(['xwininfo', '-display', display, '-root', '-tree'], capture_output=True, text=True,
                          check=False).stdout
    return TITLE in tree


def one_round(display: str, ending: str, folder: Path) -> tuple[float, float, int]:
    """Seconds to the window on screen, seconds from the ending to no process left, and the exit status."""
    trigger = folder / f'close-{time.monotonic_ns()}'
    env = {**os.environ, 'DISPLAY': display, 'PYTHONPATH': str(HOOK), 'EYELET_TEST_CLOSE_WINDOW': str(trigger),
           'XDG_CONFIG_HOME': str(folder / 'config')}
    for name in ('QT_QPA_PLATFORM', 'WAYLAND_DISPLAY'):
        env.pop(name, None)
    started = time.monotonic()
    app = subprocess.Popen([sys.executable, '-m', 'eyelet_gui', '--demo', '--native', '--port', str(free_port())],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    until(lambda: window_shown(display), 'the window')
    shown = time.monotonic() - started
    time.sleep(3.0)
    ended = time.monotonic()
    if ending == 'close':
        trigger.touch()
    elif ending == 'Ctrl+C':
        os.killpg(app.pid, signal.SIGINT)
    else:
        app.send_signal(signal.SIGTERM)
    until(lambda: app.poll() is not None and session_processes(app.pid) == 0, 'every process to end')
    return shown, time.monotonic() - ended, app.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--rounds', type=int, default=5)
    options = parser.parse_args()
    server, display = x_server()
    print_conditions('native window', f'Xvfb {display}, {options.rounds} rounds per ending, --demo, '
                     f'load average {os.getloadavg()[0]:.2f} at the start')
    shown: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for ending in ('close', 'Ctrl+C', 'SIGTERM'):
                results = [one_round(display, ending, Path(folder)) for _ in range(options.rounds)]
                shown += [result[0] for result in results]
                statuses = sorted({result[2] for result in results})
                print(f'{ending:>8} → every process gone: {summary([result[1] for result in results])}; '
                      f'exit status {", ".join(map(str, statuses))}')
        print(f'start → window on screen: {summary(shown, "s", 1.0)}')
    finally:
        server.terminate()
        server.wait()


if __name__ == '__main__':
    main()
