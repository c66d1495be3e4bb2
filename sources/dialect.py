"""What differs in the SQL an engine speaks, for the statements built outside its own package (sources/query.py,
eyelet's tail and failure rule): a JSON path's value, a JSON flag, NULLs, and whether its keys grow in commit
order."""

from __future__ import annotations

from typing import Protocol

JsonPath = tuple[str, ...]
"""Keys from a JSON document's root down to one value: ('input_data', 'tool_response', 'is_error')."""


def path_keys(path: JsonPath, start: str, separator: str, end: str) -> str:
    """`path` as an SQL string literal `'<start>a<separator>b<end>'`. The keys are the product's own names
    (eyelet's fields), never text a person typed, so they need no quoting: checked, not escaped."""
    assert all(key.isidentifier() for key in path), path
    return f"'{start}{separator.join(path)}{end}'"


class Dialect(Protocol):
    @property
    def name(self) -> str:
        """The engine whose SQL this is, as `Relation.engine` names it."""
        ...

    @property
    def keys_in_commit_order(self) -> bool:
        """Whether a table's increasing key grows in commit order, so that the rows not read yet are those past the
        largest key read (SQLite serializes its writers; PostgreSQL's transactions commit in any order)."""
        ...

    @property
    def redacts_in_sql(self) -> bool:
        """Whether a statement can ask what the browser sees of a value (SQLite's `visible()`, a function of the
        reader's connections); where not, the reader checks the rows the SQL kept (sources/query.py `Shown`)."""
        ...

    @property
    def null_safe_equal(self) -> str:
        """The operator for `equal, NULL to NULL too`."""
        ...

    @property
    def sorts_nulls_first(self) -> bool:
        """Whether NULLs come first ascending by themselves (SQLite); else ORDER BY says so, for one order on both."""
        ...

    def json_text(self, column: str, path: JsonPath) -> str:
        """SQL for the value at `path` in the JSON of `column`, as text (NULL when there is none)."""
        ...

    def json_true(self, column: str, path: JsonPath) -> str:
        """SQL that holds when the value at `path` in the JSON of `column` is JSON `true` (not a truthy other)."""
        ...
