"""SQLite's SQL where it differs (sources/dialect.py): json_extract and json_type on `$.`-paths."""

from __future__ import annotations

from dataclasses import dataclass

from eyelet_gui.sources.dialect import JsonPath, path_keys


def _path(path: JsonPath) -> str:
    """`'$.a.b'`."""
    return path_keys(path, '$.', '.', '')


@dataclass(frozen=True, slots=True)
class SqliteDialect:
    name: str = 'sqlite'
    redacts_in_sql: bool = True
    null_safe_equal: str = 'IS'
    sorts_nulls_first: bool = True
    keys_in_commit_order: bool = True

    def json_text(self, column: str, path: JsonPath) -> str:
        # A row's JSON is parsed once per statement and cached: several paths of one column cost one parse.
        return f'json_extract({column}, {_path(path)})'

    def json_true(self, column: str, path: JsonPath) -> str:
        return f"json_type({column}, {_path(path)}) = 'true'"  # json_extract gives 1 for both true and 1


SQLITE = SqliteDialect()
