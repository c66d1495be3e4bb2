"""Diff two ordered, keyed snapshots of a window into the smallest delta that turns one into the other."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

Row = tuple[Any, ...]
Keyed = Sequence[tuple[str, Row]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """Rows added (with their index in the new window), updated (only the changed columns), removed (by key).

    Applied in this order — remove, update, then add in ascending index — to the old window, it yields
    exactly the new one. A row whose position changed (its sort column was updated) is removed and re-added.
    `columns` is set only when the columns themselves changed: then the delta adds every row anew.
    """

    added: tuple[tuple[int, str, Row], ...] = ()
    updated: tuple[tuple[str, dict[int, Any]], ...] = ()
    removed: tuple[str, ...] = ()
    columns: tuple[str, ...] | None = None
    total: int = 0
    matching: int = 0


def diff(old: Keyed, new: Keyed) -> tuple[tuple[tuple[int, str, Row], ...], tuple[tuple[str, dict[int, Any]], ...],
                                          tuple[str, ...]]:
    """(added, updated, removed) between two windows, as described on Delta."""
    old_index = {key: position for position, (key, _) in enumerate(old)}
    new_keys = {key for key, _ in new}
    removed = [key for key, _ in old if key not in new_keys]
    survivors = [(key, old_index[key]) for key, _ in new if key in old_index]
    staying = _in_order(survivors)
    old_rows = dict(old)
    added: list[tuple[int, str, Row]] = []
    updated: list[tuple[str, dict[int, Any]]] = []
    for index, (key, row) in enumerate(new):
        if key not in staying:
            if key in old_index:
                removed.append(key)  # moved: taken out and put back at its new place
            added.append((index, key, row))
            continue
        before = old_rows[key]
        changes = {column: value for column, (value, previous) in enumerate(zip(row, before, strict=False))
                   if value != previous or type(value) is not type(previous)}
        if changes:
            updated.append((key, changes))
    return tuple(added), tuple(updated), tuple(removed)


def _in_order(survivors: list[tuple[str, int]]) -> set[str]:
    """Keys of the longest run of survivors whose old positions keep increasing: these need not move.

    Patience sorting, O(n log n): with a tail of new rows and a few updates, nearly every row stays.
    """
    tails: list[int] = []  # tails[i]: smallest old position ending an increasing run of length i + 1
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(survivors)
    for i, (_, position) in enumerate(survivors):
        length = bisect.bisect_left(tails, position)
        if length == len(tails):
            tails.append(position)
            tail_index.append(i)
        else:
            tails[length] = position
            tail_index[length] = i
        previous[i] = tail_index[length - 1] if length else -1
    keep: set[str] = set()
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        keep.add(survivors[i][0])
        i = previous[i]
    return keep


R = TypeVar('R')
U = TypeVar('U')


def apply_delta(rows: Sequence[R], *, key: Callable[[R], str], removed: Iterable[str], updated: Mapping[str, U],
                merge: Callable[[R, U], R], added: Iterable[tuple[int, R]]) -> list[R]:
    """The rows after a delta, in any row shape (a snapshot's (key, values) pairs, the grid's dicts): removed
    rows dropped, `merge(row, update)` for the updated ones, then the added rows inserted at their index in
    ascending order, as Delta describes."""
    gone = set(removed)
    kept = [merge(row, updated[key(row)]) if key(row) in updated else row for row in rows if key(row) not in gone]
    for index, row in sorted(added, key=lambda item: item[0]):
        kept.insert(index, row)
    return kept


def apply(old: Keyed, added: Sequence[tuple[int, str, Row]], updated: Sequence[tuple[str, dict[int, Any]]],
          removed: Sequence[str]) -> list[tuple[str, Row]]:
    """The window after a delta: what a viewer computes; tests check that it equals the new snapshot."""
    def merge(entry: tuple[str, Row], changes: dict[int, Any]) -> tuple[str, Row]:
        return entry[0], tuple(changes.get(i, value) for i, value in enumerate(entry[1]))

    return apply_delta(old, key=lambda entry: entry[0], removed=removed, updated=dict(updated), merge=merge,
                       added=((index, (key, row)) for index, key, row in added))
