"""eyelet's own logger in a separate process: `python tests/eyelet_logger.py DB PROJECT HOOK_TYPE TOOL [ERROR]`.

Writes one record through `eyelet.services.sqlite_logger.SQLiteLogger`, exactly as eyelet's hook handler does.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

SCRIPT = Path(__file__).resolve()


def log_hook(database: Path, project: str, hook_type: str, tool: str | None, error: str | None = None) -> None:
    subprocess.run([sys.executable, str(SCRIPT), str(database), project, hook_type, tool or '', error or ''],
                   check=True, capture_output=True)


def main(database: str, project: str, hook_type: str, tool: str, error: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # eyelet 0.3.5 uses pydantic's deprecated class-based config
        from eyelet.domain.hooks import ExecutionResult, HookData
        from eyelet.services.sqlite_logger import SQLiteLogger
    now = time.time()
    SQLiteLogger(Path(database)).log_hook(HookData(
        timestamp=datetime.fromtimestamp(now, tz=timezone.utc).isoformat(), timestamp_unix=now, hook_type=hook_type,
        tool_name=tool or None, session_id='session-' + project, transcript_path='/tmp/transcript.jsonl',
        cwd=Path('/home/dev/code') / project, input_data={'tool_input': {'command': 'pytest -q'}},
        execution=ExecutionResult(status='error' if error else 'success', duration_ms=42,
                                  error_message=error or None)))


if __name__ == '__main__':
    main(*sys.argv[1:])
