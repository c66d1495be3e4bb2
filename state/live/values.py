"""How a value read from SQLite is shown in a cell: always text, never markup, long values cut (as JSON:
sources/json_values.py)."""

from __future__ import annotations

import json
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
    if len(text) <= limit:
        return text
    if text.startswith('/') and not any(character.isspace() for character in text):
        # A path: its end names the file or the project (`…/clients/acme/acme-api`), which a cell must keep.
        return text[: limit // 3] + '…' + text[len(text) - (limit - limit // 3 - 1):]
    return text[: limit - 1] + '…'


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
