"""One BLOB encoding everywhere: the same bytes read the same from the API, both exports and the row panel."""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import httpx

from eyelet_gui.components.row_panel import copied_text, row_json
from eyelet_gui.state.catalog import database_id

from .conftest import ServedApp, make_database

BYTES = bytes(range(256))
"""Binary, not text: redaction passes it as it is."""
ENCODED = base64.b64encode(BYTES).decode()
BLOB = {'$base64': True, 'encoded': ENCODED}


def refuse(constant: str) -> None:
    raise ValueError(f'{constant} is not JSON')


async def test_a_blob_is_base64_in_the_api_the_exports_and_the_row_panel(served_app: Callable[..., ServedApp],
                                                                         tmp_path: Path) -> None:
    path = make_database(tmp_path / 'files.db', f"CREATE TABLE files (id INTEGER PRIMARY KEY, content BLOB);"
                                                f"INSERT INTO files VALUES (1, x'{BYTES.hex()}');"
                                                "CREATE TABLE sizes (id INTEGER PRIMARY KEY, ratio REAL);"
                                                "INSERT INTO sizes VALUES (1, 9e999), (2, -9e999), (3, 0.5);")
    app = served_app(str(path))
    id_ = database_id(path.resolve())
    async with httpx.AsyncClient(base_url=app.url, timeout=30) as client:
        table = (await client.get(f'/api/v1/db/{id_}/table/files')).json()['rows']
        arrays = (await client.get(f'/api/v1/db/{id_}/table/files?_shape=arrays')).json()['rows']
        sql = (await client.get(f'/api/v1/db/{id_}/sql', params={'sql': 'SELECT id, content FROM files'})).json()
        exported_json = json.loads((await client.get(f'/export/{id_}/json/files')).text)
        exported_csv = list(csv.reader(io.StringIO((await client.get(f'/export/{id_}/csv/files')).text)))
        # JSON has no infinity: Python's `Infinity` is not JSON, and strict parsers (a browser's) refuse it.
        sizes = [json.loads(text, parse_constant=refuse) for text in (
            (await client.get(f'/api/v1/db/{id_}/table/sizes?sort=[["id","asc"]]')).text,
            (await client.get(f'/export/{id_}/json/sizes?sort=[["id","asc"]]')).text)]
    assert sizes == [{'columns': ['id', 'ratio'], 'next': None, 'rows': [
        {'id': 1, 'ratio': 'inf'}, {'id': 2, 'ratio': '-inf'}, {'id': 3, 'ratio': 0.5}]}, [
        {'id': 1, 'ratio': 'inf'}, {'id': 2, 'ratio': '-inf'}, {'id': 3, 'ratio': 0.5}]]
    assert (table, arrays, sql['rows'], exported_json, exported_csv) == (
        [{'id': 1, 'content': BLOB}], [[1, BLOB]], [{'id': 1, 'content': BLOB}], [{'id': 1, 'content': BLOB}],
        [['id', 'content'], ['1', ENCODED]])
    assert (json.loads(row_json(('id', 'content'), (1, BYTES))), copied_text(BYTES)) == (
        {'id': 1, 'content': BLOB}, ENCODED)
