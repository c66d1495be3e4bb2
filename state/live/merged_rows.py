"""A row source assembled from several databases: each refresh merges their rows and publishes the delta."""

from __future__ import annotations

from typing import Any

from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.row_window import RowWindow


class MergedRows(RowWindow):
    """A window merged across databases, keyed `<database id>:<key>`. Its `problem` stays None: a database that
    cannot be read is left out, and the connection list says why."""

    def publish(self, entries: list[tuple[Any, str, Row]], limit: int, total: int, matching: int) -> None:
        """Keep the `limit` entries with the largest sort values ((sort value, key, row) each), newest first, and
        emit what changed since the last publication, if anything did."""
        entries.sort(key=lambda entry: (entry[0], entry[1]), reverse=True)
        self.show(self.columns, [(key, row) for _, key, row in entries[:limit]], total, matching)
