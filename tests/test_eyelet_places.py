"""eyelet's global places, its 0.4.0 single database and its legacy `executions` table: found, named, shown."""

from __future__ import annotations

from pathlib import Path

from nicegui import ui

from eyelet_gui.settings import Settings
from eyelet_gui.sources.eyelet.discovery import Search, default_roots
from eyelet_gui.sources.eyelet.schema import create_modern_database
from eyelet_gui.sources.schema import main_relation, schema_kind
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.state.catalog import database_label

from .conftest import make_database, simulated_user
from .eyelet_040 import RECALL_SCHEMA
from .test_discovery import LEGACY, project

EXECUTIONS = """
INSERT INTO executions (hook_id, hook_type, tool_name, timestamp, duration_ms, status, error_message) VALUES
    ('h1', 'PreToolUse', 'Bash', '2026-11-30T10:00:00', 41, 'success', NULL),
    ('h2', 'PostToolUse', 'Bash', '2026-11-30T10:00:02', 1250, 'error', 'exit 1');
"""


def eyelet_040_database(path: Path) -> Path:
    """What eyelet 0.4.0 keeps in `~/.eyelet/eyelet.db`: the hooks of every project, and its recall tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    create_modern_database(path)
    return make_database(path, RECALL_SCHEMA)


async def test_eyelet_040s_single_database_is_eyelets_and_lists_hooks_first(tmp_path: Path) -> None:
    reader = Reader(eyelet_040_database(tmp_path / '.eyelet' / 'eyelet.db'))
    try:
        relations = await reader.relations()
    finally:
        await reader.close()
    # No FTS5 table, nor its five shadow tables (messages_fts_data, _idx, _content, _docsize, _config).
    assert [relation.name for relation in relations] == ['hooks', 'conversations', 'loaded_files', 'messages']
    assert schema_kind(relations) == 'eyelet'
    assert main_relation(relations) == relations[0]


def test_eyelets_global_places_are_searched_and_named(tmp_path: Path) -> None:
    home = tmp_path / 'home'
    (home / '.eyelet').mkdir(parents=True)
    legacy = make_database(home / '.eyelet' / 'eyelet.db', LEGACY)
    claude = home / '.claude' / 'eyelet-logging' / 'eyelet.db'
    claude.parent.mkdir(parents=True)
    create_modern_database(claude)
    xdg = home / '.local' / 'share' / 'eyelet' / 'eyelet.db'
    xdg.parent.mkdir(parents=True)
    make_database(xdg, LEGACY)
    acme = project(home, 'code', 'acme')
    create_modern_database(acme)
    found = Search(default_roots(home, home / 'code')).run()
    assert [(path, database_label(path)) for path in found] == [
        (claude.resolve(), 'global (~/.claude/eyelet-logging)'), (legacy.resolve(), 'global (~/.eyelet)'),
        (xdg.resolve(), 'global (~/.local/share/eyelet)'), (acme.resolve(), 'acme')]


async def test_the_legacy_executions_table_has_its_own_card_with_status_and_duration(tmp_path: Path) -> None:
    legacy = tmp_path / '.eyelet' / 'eyelet.db'
    legacy.parent.mkdir()
    make_database(legacy, LEGACY + EXECUTIONS)
    async with simulated_user(Settings(databases=(legacy,), show=False)) as user:
        await user.open('/')
        await user.should_see('eyelet (legacy) · executions: 2 rows', retries=150)
        await user.should_see("global (~/.eyelet) — eyelet's own hook runs, newest first (status, duration)",
                              retries=150)
        (grid,) = [grid for grid in user.find(ui.aggrid).elements
                   if [column['headerName'] for column in grid.options['columnDefs']][:2] == ['id', 'hook_id']]
        columns = [column['headerName'] for column in grid.options['columnDefs']]
        assert columns == ['id', 'hook_id', 'hook_type', 'tool_name', 'timestamp', 'input_data', 'output_data',
                           'duration_ms', 'status', 'error_message']
        assert [[row[f'c{columns.index(name)}'] for name in ('hook_id', 'status', 'duration_ms', 'error_message')]
                for row in grid.options['rowData']] == [['h2', 'error', '1250', 'exit 1'], ['h1', 'success', '41', '']]
