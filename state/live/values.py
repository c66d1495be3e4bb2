"""How a value read from SQLite is shown: as a cell's text (always text, never markup, long values cut), or as JSON."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

CELL_CHARACTERS = 80
BLOB_PREVIEW_BYTES = 16


def byte_size(size: int | None) -> str:
    """A file size as a person reads it: `812 B`, `4.2 MB`; `missing` for a file that does not exist."""
    if size is None:
        return 'missing'
    value = float(size)
    for unit in ('B', 'KB', 'MB', 'GB'):
        if value < 1024 or unit == 'GB':
            return f'{value:.0f} {unit}' if unit == 'B' else f'{value:.1f} {unit}'
        value /= 1024
    raise AssertionError('unreachable')


def cell_text(value: object, limit: int = CELL_CHARACTERS) -> str:
    """`value` as the text a cell shows: NULL as an empty cell, BLOBs as size and hex preview, text cut at `limit`."""
    if value is None:
        return ''
    if isinstance(value, bytes):
        preview = value[:BLOB_PREVIEW_BYTES].hex(' ')
        more = ' …' if len(value) > BLOB_PREVIEW_BYTES else ''
        return f'BLOB {len(value):,} bytes: {preview}{more}'
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + '…'


def json_value(value: Any) -> Any:
    """`value` as JSON can carry it: BLOBs as Datasette writes them (base64), infinities as text."""
    if isinstance(value, bytes):
        return {'$base64': True, 'encoded': base64.b64encode(value).decode()}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def json_row(columns: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    """A row as a JSON object by column name."""
    return {column: json_value(value) for column, value in zip(columns, values, strict=True)}


def age_text(seconds: float | None) -> str:
    """How long ago, as a person says it: `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 days ago`."""
    if seconds is None:
        return 'never'
    if seconds < 2:
        return 'just now'
    for limit, unit, size in ((60, 's', 1), (3600, 'min', 60), (86400, 'h', 3600)):
        if seconds < limit:
            return f'{int(seconds // size)} {unit} ago'
    days = int(seconds // 86400)
    return f'{days} day{"" if days == 1 else "s"} ago'


def parse_json(value: object) -> Any | None:
    """The JSON document in a text or BLOB value (eyelet's `data`), or None when it holds none."""
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            return None
    if not isinstance(value, str) or value[:1] not in ('{', '['):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None
