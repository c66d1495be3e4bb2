"""PostgreSQL's SQL where it differs (sources/dialect.py): jsonb's `#>` and `#>>` on text-array paths."""

from __future__ import annotations

from dataclasses import dataclass

from eyelet_gui.sources.dialect import JsonPath, path_keys


def _path(path: JsonPath) -> str:
    """`'{a,b}'`."""
    return path_keys(path, '{', ',', '}')


@dataclass(frozen=True, slots=True)
class PostgresDialect:
    name: str = 'postgresql'
    redacts_in_sql: bool = False
    null_safe_equal: str = 'IS NOT DISTINCT FROM'
    sorts_nulls_first: bool = False
    keys_in_commit_order: bool = False

    def json_text(self, column: str, path: JsonPath) -> str:
        return f'({column} #>> {_path(path)})'

    def json_true(self, column: str, path: JsonPath) -> str:
        return f"({column} #> {_path(path)}) = 'true'::jsonb"


POSTGRES = PostgresDialect()
