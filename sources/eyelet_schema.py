"""eyelet's SQLite schemas (PyPI `eyelet` 0.3.5), so the demo writes exactly what eyelet writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

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
