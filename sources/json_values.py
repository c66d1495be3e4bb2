"""Values as they leave the server: the one encoding of a BLOB, and JSON that every parser reads.

A BLOB is base64, as Datasette writes it: in JSON an object `{"$base64": true, "encoded": "…"}` that no text value
can be mistaken for, and in a CSV cell, which holds text only, the same `encoded` text. Base64 rather than hex
because it is a third shorter (4 characters per 3 bytes against 2 per byte), every language decodes it from its
standard library, and a script that reads Datasette's JSON already reads ours. Datasette's CSV gives a link to
a `.blob` download instead; there is no such route here, so the cell carries the bytes themselves (one that starts
with `+` gets the `'` of every cell a spreadsheet would take for a formula, sources/export.py). The API, the
exports and the row panel's copy buttons all use `blob_text` and `json_value`, so the same bytes read the same
wherever they are taken from. (A cell's preview, `BLOB 1,024 bytes: 00 ff …`, is a hex dump for reading, not an
encoding to decode.)
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from typing import Any


def blob_text(value: bytes) -> str:
    """A BLOB as text: base64."""
    return base64.b64encode(value).decode('ascii')


def json_value(value: Any) -> Any:
    """`value` as JSON can carry it: a BLOB as `{"$base64": true, "encoded": …}`, infinities and NaN (which JSON
    lacks, and Python would write as the invalid `Infinity`) as text."""
    if isinstance(value, bytes):
        return {'$base64': True, 'encoded': blob_text(value)}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def json_row(columns: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    """A row as a JSON object by column name."""
    return {column: json_value(value) for column, value in zip(columns, values, strict=True)}
