"""What differs in the SQL an engine speaks, for the statements built outside its own package (eyelet's tail, the
failure rule): a JSON path's value, a JSON flag, and whether its keys grow in commit order."""

from __future__ import annotations

from typing import Protocol

JsonPath = tuple[str, ...]
"""Keys from a JSON document's root down to one value: ('input_data', 'tool_response', 'is_error')."""


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

    def json_text(self, column: str, path: JsonPath) -> str:
        """SQL for the value at `path` in the JSON of `column`, as text (NULL when there is none)."""
        ...

    def json_true(self, column: str, path: JsonPath) -> str:
        """SQL that holds when the value at `path` in the JSON of `column` is JSON `true` (not a truthy other)."""
        ...
