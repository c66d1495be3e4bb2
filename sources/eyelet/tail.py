"""The statements that read a table of eyelet records as a tail: the records past the last one read, each as
TAIL_COLUMNS, whose facts (the tool call, its failure, the branch, the prompt) are taken out of its JSON by SQL in
the table's dialect."""

from __future__ import annotations

from collections.abc import Sequence

from eyelet_gui.sources.eyelet.failure import PAYLOAD, failed_sql
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.schema import Relation, quote_identifier

# Claude Code's payload sits under `data.input_data`; SQLite parses a row's `data` once per statement and
# answers every json_extract of it from that parse (its JSON cache), so the several paths cost one parse.
TAIL_COLUMNS = ('id', 'timestamp', 'session_id', 'hook_type', 'tool_name', 'project_dir', 'duration_ms',
                'tool_use_id', 'failed', 'branch', 'prompt', 'notice', 'message')
"""What the tail reads of each record; `id` is the table's increasing key (`seq` in PostgreSQL's eyelet_hooks)."""


def _json_text(hooks: Relation, *path: str) -> str:
    """SQL for the value at `path` in the record's `data`, as text, in the relation's dialect."""
    return hooks.dialect.json_text('data', path)


def _tail_select(hooks: Relation, *, with_data: bool = False) -> str:
    key = hooks.increasing_key
    assert key is not None
    prompt = _json_text(hooks, *PAYLOAD, 'prompt')
    return (f'SELECT {quote_identifier(key)}, timestamp, session_id, hook_type, tool_name, project_dir, duration_ms, '
            f"{_json_text(hooks, *PAYLOAD, 'tool_use_id')}, {failed_sql(hooks.dialect)}, "
            f"{_json_text(hooks, 'metadata', 'git', 'branch')}, "
            f"CASE WHEN hook_type = 'UserPromptSubmit' THEN substr({prompt}, 1, 300) END, "
            f"CASE WHEN hook_type = 'Notification' THEN {_json_text(hooks, *PAYLOAD, 'notification_type')} END, "
            f"CASE WHEN hook_type = 'Notification' THEN substr({_json_text(hooks, *PAYLOAD, 'message')}, 1, 300) END"
            f"{', data' if with_data else ''} FROM {quote_identifier(hooks.name)}")


def first_id_since_statement(hooks: Relation, since: float) -> Statement:
    """The key of the first record at or after `since` (by its timestamp index): where a tail starts reading."""
    key, table = quote_identifier(hooks.increasing_key or ''), quote_identifier(hooks.name)
    if hooks.engine == 'postgresql':  # arrival order is not time order across machines: the least key of them all
        return Statement(f'SELECT min({key}) FROM {table} WHERE timestamp >= ?', (since,))
    return Statement(f'SELECT {key} FROM {table} WHERE timestamp >= ? ORDER BY timestamp, {key} LIMIT 1', (since,))


def tail_statement(hooks: Relation, after_id: int, limit: int, *, session_id: str | None = None) -> Statement:
    """TAIL_COLUMNS (and `data`, for one session's) of the next `limit` records past `after_id`, in key order: a
    range on the key, O(change); one session's through its index, whose entries are ordered by key."""
    key = quote_identifier(hooks.increasing_key or '')
    if session_id is None:
        return Statement(f'{_tail_select(hooks)} WHERE {key} > ? ORDER BY {key} LIMIT ?', (after_id, int(limit)))
    return Statement(f'{_tail_select(hooks, with_data=True)} WHERE session_id = ? AND {key} > ? ORDER BY {key} '
                     'LIMIT ?', (session_id, after_id, int(limit)))


def tail_keys_statement(hooks: Relation, after_id: int, *, session_id: str | None = None) -> Statement:
    """The keys past `after_id` (PostgreSQL: what a tail that may have missed some checks against what it read)."""
    key = quote_identifier(hooks.increasing_key or '')
    session = ' AND session_id = ?' if session_id is not None else ''
    return Statement(f'SELECT {key} FROM {quote_identifier(hooks.name)} WHERE {key} > ?{session} ORDER BY {key}',
                     (after_id, *(() if session_id is None else (session_id,))))


def tail_rows_statement(hooks: Relation, keys: Sequence[int], *, session_id: str | None = None) -> Statement:
    """TAIL_COLUMNS (and `data`, for a session's) of the records with these keys, in key order (PostgreSQL)."""
    key = quote_identifier(hooks.increasing_key or '')
    return Statement(f'{_tail_select(hooks, with_data=session_id is not None)} WHERE {key} = ANY(?) ORDER BY {key}',
                     (list(keys),))


def records_statement(hooks: Relation, keys: Sequence[int]) -> Statement:
    """The key, `tool_name` and `data` of the records with these keys: the few whose payload a view needs whole
    (what a permission prompt asks is in its tool call's `tool_input`)."""
    key = quote_identifier(hooks.increasing_key or '')
    select = f'SELECT {key}, tool_name, data FROM {quote_identifier(hooks.name)}'
    if hooks.engine == 'postgresql':
        return Statement(f'{select} WHERE {key} = ANY(?)', (list(keys),))
    return Statement(f'{select} WHERE {key} IN ({", ".join("?" * len(keys))})', tuple(keys))
