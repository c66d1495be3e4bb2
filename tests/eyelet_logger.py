"""eyelet's own code path writes the test records: its HookLogger in a separate process, or its `execute` command.

`log_payloads` runs `HookLogger(ConfigService(project), project).log_hook(payload, start_time)` for each event in
one subprocess (`python tests/eyelet_logger.py PROJECT` with the events as JSON on stdin); `eyelet_execute` runs the
command Claude Code's hooks run. Both set HOME to a temporary folder: eyelet reads ~/.claude/eyelet.yaml and writes
~/.eyelet/eyelet.db, and a test must touch neither the user's files nor depend on them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from eyelet_gui.sources.eyelet.schema import ENV_PREFIXES

SCRIPT = Path(__file__).resolve()
CONFIG = 'logging:\n  format: sqlite\n  scope: project\n'
EYELET = Path(sys.executable).with_name('eyelet')


def database_of(project_dir: Path) -> Path:
    """Where eyelet's project scope puts the log."""
    return project_dir / '.eyelet-logging' / 'eyelet.db'


def _prepare(project_dir: Path, env: dict[str, str] | None, home: str) -> dict[str, str]:
    """Write the project's eyelet.yaml if it has none; the hook process's environment: this one without its own
    CLAUDE*/ANTHROPIC*/EYELET* variables (eyelet records them all), with `env` and the temporary HOME."""
    config = project_dir / 'eyelet.yaml'
    if not config.exists():
        project_dir.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG)
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(ENV_PREFIXES)}
    return {**inherited, **(env or {}), 'HOME': home}


def log_payloads(project_dir: Path, events: Sequence[tuple[float | None, dict[str, Any]]], *,
                 env: dict[str, str] | None = None) -> Path:
    """Log Claude Code payloads through eyelet's HookLogger, each at its time (None: now); return the database."""
    with tempfile.TemporaryDirectory(prefix='eyelet-home-') as home:
        subprocess.run([sys.executable, str(SCRIPT), str(project_dir)], input=json.dumps(events), text=True,
                       env=_prepare(project_dir, env, home), check=True, capture_output=True)
    return database_of(project_dir)


def log_event(project_dir: Path, payload: Callable[[str, str], dict[str, Any]]) -> Path:
    """One event of the project's session (`session-<folder name>`), built by `payload(session_id, cwd)` (one of
    `claude_code`'s builders), logged now; return the database."""
    return log_payloads(project_dir, [(None, payload(f'session-{project_dir.name}', str(project_dir)))])


def eyelet_execute(project_dir: Path, payload: dict[str, Any], *,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `eyelet execute --log-only` with the payload on stdin, in the project, as a Claude Code hook does.

    eyelet 0.3.5 exits 1 after logging an event name its enum lacks (SessionStart, PostToolUseFailure …): the row
    is written all the same, so the exit status is the caller's to judge."""
    with tempfile.TemporaryDirectory(prefix='eyelet-home-') as home:
        return subprocess.run([str(EYELET), 'execute', '--log-only'], input=json.dumps(payload), text=True,
                              cwd=project_dir, env=_prepare(project_dir, env, home), capture_output=True, check=False)


def main(project: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # eyelet 0.3.5 uses pydantic's deprecated class-based config
        from eyelet.services.config_service import ConfigService
        from eyelet.services.hook_logger import HookLogger
    project_dir = Path(project)
    logger = HookLogger(ConfigService(project_dir), project_dir)
    for at, payload in json.load(sys.stdin):
        logger.log_hook(payload, None if at is None else datetime.fromtimestamp(at))


if __name__ == '__main__':
    main(*sys.argv[1:])
