"""eyelet's SQLite schemas and records (PyPI `eyelet` 0.3.5), so the demo writes exactly what eyelet writes."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

# Verbatim from eyelet 0.3.5 `eyelet/services/sqlite_logger.py` (SQLiteLogger.SCHEMA).
MODERN_SCHEMA = """
CREATE TABLE IF NOT EXISTS hooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL NOT NULL,
    timestamp_iso TEXT NOT NULL,
    session_id TEXT NOT NULL,
    hook_type TEXT NOT NULL,
    tool_name TEXT,
    status TEXT,
    duration_ms INTEGER,
    hostname TEXT,
    ip_address TEXT,
    project_dir TEXT,
    -- Store as BLOB for JSONB optimization in SQLite 3.45+
    data BLOB NOT NULL CHECK(json_valid(data)),
    -- Generated columns for frequently queried JSON fields
    error_code TEXT GENERATED ALWAYS AS (json_extract(data, '$.execution.error_message')) STORED,
    git_branch TEXT GENERATED ALWAYS AS (json_extract(data, '$.metadata.git_branch')) STORED
);

CREATE INDEX IF NOT EXISTS idx_timestamp ON hooks(timestamp);
CREATE INDEX IF NOT EXISTS idx_session_id ON hooks(session_id);
CREATE INDEX IF NOT EXISTS idx_hook_type ON hooks(hook_type);
CREATE INDEX IF NOT EXISTS idx_tool_name ON hooks(tool_name);
CREATE INDEX IF NOT EXISTS idx_project_dir ON hooks(project_dir);
CREATE INDEX IF NOT EXISTS idx_error_code ON hooks(error_code) WHERE error_code IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_git_branch ON hooks(git_branch) WHERE git_branch IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_type_timestamp ON hooks(hook_type, timestamp DESC);
"""

MODERN_USER_VERSION = 1

INSERT_HOOK = """
INSERT INTO hooks (timestamp, timestamp_iso, session_id, hook_type, tool_name,
                   status, duration_ms, hostname, ip_address, project_dir, data)
VALUES (:timestamp, :timestamp_iso, :session_id, :hook_type, :tool_name,
        :status, :duration_ms, :hostname, :ip_address, :project_dir, :data)
"""


def connect_writer(path: Path) -> sqlite3.Connection:
    """A writing connection set up the way eyelet's logger sets up its own (WAL, autocommit, long busy timeout)."""
    connection = sqlite3.connect(path, timeout=60.0, isolation_level=None)
    connection.execute('PRAGMA journal_mode = WAL')
    connection.execute('PRAGMA synchronous = NORMAL')
    connection.execute('PRAGMA busy_timeout = 60000')
    return connection


def create_modern_database(path: Path) -> None:
    """Create an empty eyelet database with the modern `hooks` schema, WAL and `user_version` 1."""
    connection = connect_writer(path)
    try:
        connection.executescript(MODERN_SCHEMA)
        connection.execute(f'PRAGMA user_version = {MODERN_USER_VERSION}')
    finally:
        connection.close()


ENV_PREFIXES = ('CLAUDE', 'EYELET', 'ANTHROPIC')
"""eyelet copies every environment variable with these prefixes into each record (API keys included)."""
EYELET_REPORTED_VERSION = '0.2.0'
"""eyelet 0.3.5 hard-codes this in `environment.eyelet_version` (a TODO in its HookLogger)."""


def eyelet_environment(environ: Mapping[str, str], python_version: str = sys.version,
                       platform: str = sys.platform) -> dict[str, Any]:
    """`data.environment` as eyelet's HookLogger builds it in a hook process whose environment is `environ`."""
    return {'python_version': python_version, 'platform': platform, 'eyelet_version': EYELET_REPORTED_VERSION,
            'env_vars': {key: value for key, value in environ.items() if key.startswith(ENV_PREFIXES)}}


def eyelet_record(payload: Mapping[str, Any], at: float, *, environment: Mapping[str, Any],
                  metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The INSERT_HOOK parameters eyelet 0.3.5 writes for Claude Code's `payload` received at `at` (Unix seconds).

    Mirrors `HookLogger._create_hook_data` + `SQLiteLogger.log_hook`: no execution result ever reaches SQLite, so
    `status` is 'unknown' and `duration_ms` NULL; the times are a naive local datetime's, as eyelet's
    `datetime.now()`; `data` keeps HookData's field order; the hostname and IP columns are the machine's (here:
    the ones in `metadata`, which eyelet fills from the same calls).
    """
    moment = datetime.fromtimestamp(at)
    cwd = str(Path(payload.get('cwd', os.getcwd())))
    data = {
        'timestamp': moment.isoformat(), 'timestamp_unix': moment.timestamp(),
        'hook_type': payload.get('hook_event_name', 'unknown'), 'tool_name': payload.get('tool_name', ''),
        'session_id': payload.get('session_id', 'unknown'), 'transcript_path': payload.get('transcript_path', ''),
        'cwd': cwd, 'environment': environment, 'input_data': payload, 'metadata': metadata,
        'execution': None, 'completed_at': None,
    }
    return {'timestamp': data['timestamp_unix'], 'timestamp_iso': data['timestamp'], 'session_id': data['session_id'],
            'hook_type': data['hook_type'], 'tool_name': data['tool_name'] or None, 'status': 'unknown',
            'duration_ms': None, 'hostname': metadata.get('hostname', 'unknown'),
            'ip_address': metadata.get('ip_address', 'unknown'), 'project_dir': cwd,
            'data': json.dumps(data, default=str)}


def git_metadata(branch: str, commit: str, repo_name: str, *, dirty: bool = False, remote_url: str | None = None,
                 user_name: str | None = None, last_commit_message: str | None = None) -> dict[str, Any]:
    """`data.metadata.git` as eyelet's GitMetadata gives it for a repository (absent values left out, as there)."""
    git: dict[str, Any] = {'is_git_repo': True, 'branch': branch, 'commit': commit, 'dirty': dirty,
                           'repo_name': repo_name}
    optional = {'remote_url': remote_url, 'user_name': user_name, 'last_commit_message': last_commit_message}
    return git | {key: value for key, value in optional.items() if value is not None}
