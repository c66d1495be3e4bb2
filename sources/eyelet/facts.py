"""eyelet's names, stated once: where it writes its databases and which tables hold its records."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eyelet_gui.sources.engine import DatabaseEngine

PROJECT_FOLDER = '.eyelet-logging'
"""A project's own log folder: `<project>/.eyelet-logging/eyelet.db`."""
DATABASE_FILE = 'eyelet.db'
EVENT_TABLE = 'hooks'
"""eyelet's records in its SQLite databases (eyelet 0.3.5 on), one per hook event."""
LEGACY_TABLE = 'executions'
"""eyelet's older table of records (and 0.4.0's global one)."""
TEAM_TABLE = 'eyelet_hooks'
"""The records of a team's machines, as `eyelet-gui forward` appends them to PostgreSQL."""
PREFERRED_TABLES = (EVENT_TABLE, LEGACY_TABLE, TEAM_TABLE)
"""eyelet's tables, shown first when a database has them."""
_EVENT_TABLES = {'sqlite': EVENT_TABLE, 'postgresql': TEAM_TABLE}


def event_table(engine: DatabaseEngine) -> str:
    """Where eyelet's records are in a database of this engine: its own table in SQLite, the one `eyelet-gui
    forward` fills in PostgreSQL."""
    return _EVENT_TABLES[engine.dialect.name]
