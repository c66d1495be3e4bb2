"""A writer in another process, as eyelet's logger is: `python tests/writer.py DB REPEAT PAUSE SQL ...`.

Each statement is its own commit. `{i}` in a statement is replaced by the repetition's number.
Prints the rows a statement returned (e.g. `PRAGMA wal_checkpoint`) as JSON lines.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve()


def write(path: Path, *statements: str, repeat: int = 1, pause: float = 0.0) -> list[list[object]]:
    """Run `statements` in a separate process (`repeat` times, `pause` s apart) and return the rows they produced."""
    done = subprocess.run([sys.executable, str(SCRIPT), str(path), str(repeat), str(pause), *statements],
                          check=True, capture_output=True, text=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def main(argv: list[str]) -> None:
    path, repeat, pause, *statements = argv
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    for i in range(int(repeat)):
        time.sleep(float(pause))
        for statement in statements:
            for row in connection.execute(statement.replace('{i}', str(i))):
                print(json.dumps(list(row)))
    connection.close()


if __name__ == '__main__':
    main(sys.argv[1:])
