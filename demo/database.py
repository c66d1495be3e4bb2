"""The `--demo` database: a temporary eyelet database and the separate writer process that fills it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from eyelet_gui.demo.writer import READY
from eyelet_gui.sources.eyelet.facts import DATABASE_FILE, PROJECT_FOLDER
from eyelet_gui.sources.eyelet.schema import create_modern_database


class DemoError(Exception):
    """The demo could not start; the message says why."""


class DemoDatabase:
    """Owns the temporary folder and the writer process; `stop()` removes both."""

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.process: subprocess.Popen[str] | None = None

    @property
    def path(self) -> Path:
        """The demo database; looks like a project's own eyelet log."""
        if self.folder is None:
            raise DemoError('The demo has not been started.')
        return self.folder / 'demo-project' / PROJECT_FOLDER / DATABASE_FILE

    def start(self) -> Path:
        """Create the database, start the writer and return once its history is committed (blocks briefly)."""
        self.folder = Path(tempfile.mkdtemp(prefix='eyelet-gui-demo-'))
        self.path.parent.mkdir(parents=True)
        create_modern_database(self.path)
        self.process = subprocess.Popen(
            [sys.executable, '-m', 'eyelet_gui.demo.writer', str(self.path), '--parent', str(os.getpid())],
            stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if line != READY:
            self.stop()
            raise DemoError('The demo writer stopped before it wrote its first events.')
        return self.path

    def stop(self) -> None:
        """Stop the writer (politely, then firmly) and delete the temporary folder."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

