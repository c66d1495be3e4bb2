"""The live table: an AG Grid that applies each change as a transaction, keeping scroll, selection and place.

Only deltas travel (DESIGN rule 5): the grid is built once per query and afterwards changed only through
`applyLiveDelta`, a small function installed on the grid's API at start. It removes and updates rows, adds
new ones at their index, fades them in (at a pace a person can read), lets deleted rows in view fade out, and
keeps the row at the top of the view where it was (or follows the newest rows when the view is at the top and
following is on). The deltas of one frame reach the grid as one change; see INSTALL_APPLY_LIVE_DELTA.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from nicegui import events, ui

from eyelet_gui.components.first_rows import draw_first_rows
from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.sources.events import wait_event
from eyelet_gui.sources.query import Sort
from eyelet_gui.state.live.grid_feed import KEY_FIELD, FeedSource, GridFeed, GridQuery, field_id

# Runs once in the browser when the grid is ready. Constant code: no data is ever pasted into it.
# Deltas wait for the next frame and go to the grid together, as one new row list: AG Grid (getRowId) turns it
# into one transaction and one relayout per frame, however many deltas and added rows the frame brings; one per
# row forced a style recalculation each. A hidden tab applies its deltas once a second, and at once when shown.
INSTALL_APPLY_LIVE_DELTA = (Path(__file__).parent / 'live_grid.js').read_text(encoding='utf-8')

# Constant code: the classes of rows fading out and of rows just added (applyLiveDelta keeps both sets).
ROW_CLASS_RULES = ("{'eyelet-leaving': (params) => params.api.eyeletLeaving?.has(params.node.id) === true,"
                   " 'eyelet-arrived': (params) => params.api.eyeletArrived?.has(params.node.id) === true}")

COMPACT = 'compact'
COMPACT_BELOW = 600
"""Grid widths (px) below which a grid with a compact column shows that column alone: a list, not a table."""
# Runs when the grid is first laid out and whenever its width changes. Constant code.
SHOW_COMPACT_WHEN_NARROW = f'''(params) => {{
  const compact = params.clientWidth > 0 && params.clientWidth < {COMPACT_BELOW};
  const others = params.api.getColumns().map((column) => column.getColId()).filter((id) => id !== '{COMPACT}');
  params.api.setColumnsVisible(others, !compact);
  params.api.setColumnsVisible(['{COMPACT}'], compact);
  params.api.setGridOption('headerHeight', compact ? 0 : undefined);  // one column needs no header
  if (compact) params.api.setColumnWidths([{{ key: '{COMPACT}', newWidth: params.clientWidth - 20 }}]);
}}'''

FIRST_READ = 0.5
"""Seconds a page with a grid waits for its query's first read, to carry its first rows (draw_first_rows)."""

ColumnOptions = Callable[[str], dict[str, Any]]
"""Extra AG Grid column definition for a column, by its name (constant JavaScript only, never data)."""

# Opacity only: the compositor runs these animations, without a style recalculation per frame.
STYLE = '''
@keyframes eyelet-fade { from { opacity: 1; } to { opacity: 0.15; } }
.ag-row.eyelet-leaving { animation: eyelet-fade 0.25s ease-out forwards; }
@keyframes eyelet-arrive { from { opacity: 0.25; } to { opacity: 1; } }
.ag-row.eyelet-arrived { animation: eyelet-arrive 1.5s ease-out; }
'''


def _header(name: str, sort: tuple[Sort, ...]) -> str:
    for position, entry in enumerate(sort):
        if entry.column == name:
            arrow = '▼' if entry.descending else '▲'
            return f'{name} {arrow}' + (f'{position + 1}' if len(sort) > 1 else '')
    return name


ROW_BUFFER = 2
"""Rows drawn beyond the visible ones (AG Grid's default is 10). AG Grid draws more as a scroll reaches them."""


Q = TypeVar('Q', bound=GridQuery)


class LiveGrid(Generic[Q]):
    """One tab's grid on a shared GridFeed; `set_query` switches feeds, `pause`/`resume` hold changes back."""

    def __init__(self, feeds: FeedSource[Q], query: Q, *, on_select: Callable[[str | None], Any],
                 on_sort: Callable[[str], Any], column_options: ColumnOptions | None = None,
                 compact: dict[str, Any] | None = None) -> None:
        ui.add_css(STYLE)  # this page's: shared, it would be added to every page again with each grid
        self.feeds = feeds
        self.query = query
        self.feed: GridFeed = feeds.acquire(query)
        self.follow = True
        """Whether new rows scroll into view while the view is at its top."""
        self.paused = False
        self.waiting = 0
        """Rows added while paused, shown on the resume button."""
        self._builds = 0
        """Grids sent so far; each carries its number in its context, so a late `gridReady` is recognised."""
        self._ready = False
        self._pending: list[dict[str, Any]] = []
        """Transactions that arrived before the browser's grid was ready for them (after a build)."""
        self.on_change: list[Callable[[], Any]] = []
        """Called after every applied change (counts, badges)."""
        self._on_select = on_select
        self._column_options = column_options or (lambda _: {})
        self._compact = compact
        self._on_sort = on_sort
        with Lifetime().classes('w-full') as lifetime:
            self.grid = ui.aggrid(self._options(), auto_size_columns=False)
        self.grid.classes('w-full eyelet-grid').style('height: 70vh')
        # Only the arguments used travel: AG Grid's events carry the whole row otherwise.
        self.grid.on('rowClicked', lambda event: self._on_select(event.args.get('rowId')), args=['rowId'])
        self.grid.on('gridReady', self._grid_ready, args=['context'])
        self.grid.on('columnHeaderClicked', lambda event: self._on_sort(self._column_name(event.args.get('colId'))),
                     args=['colId'])
        self._watch(self.feed)
        lifetime.on_end(self._release)

    async def draw_first_rows(self) -> None:
        """Put the grid's first rows on the page as plain HTML (components/first_rows.py), for a fresh tab to show
        them before its scripts run. A query no tab showed before is read first: the page waits for that read,
        FIRST_READ seconds at most."""
        if not self.feed.heard.is_set():
            await wait_event(self.feed.heard, FIRST_READ)
        draw_first_rows(self._options())

    def _options(self) -> dict[str, Any]:
        columns = self.feed.live.columns
        compact = {} if self._compact is None else {':onGridSizeChanged': SHOW_COMPACT_WHEN_NARROW}
        return {
            'theme': 'balham',
            'context': {'build': self._builds},
            'columnDefs': [{'field': field_id(i), 'headerName': _header(name, self.query.sort), 'sortable': False,
                            'headerTooltip': f'{name} — click to sort', **self._column_options(name)}
                           for i, name in enumerate(columns)]
                          + ([{'colId': COMPACT, 'hide': True, 'autoHeight': True, 'headerName': '', **self._compact}]
                             if self._compact is not None else []),
            'rowData': self.feed.rows,
            ':getRowId': f'(params) => params.data.{KEY_FIELD}',
            ':onGridReady': INSTALL_APPLY_LIVE_DELTA,
            ':rowClassRules': ROW_CLASS_RULES,
            'rowSelection': {'mode': 'singleRow', 'checkboxes': False, 'enableClickSelection': True},
            'defaultColDef': {'enableCellChangeFlash': True, 'resizable': True, 'minWidth': 70, 'maxWidth': 480},
            # The compact column's width is the grid's, not its text's.
            'autoSizeStrategy': {'type': 'fitCellContents', 'colIds': [field_id(i) for i in range(len(columns))]},
            'suppressColumnVirtualisation': True,
            'animateRows': False,  # rows that slide cost a style recalculation each, per frame
            # A new row on top moves every drawn row, so each one costs style and paint: unseen rows too (the
            # bare grid bench in bench/browser_cost.py measures it).
            'rowBuffer': ROW_BUFFER,
            'overlayNoRowsTemplate': 'No rows',
            **compact,
        }

    def _column_name(self, field: str | None) -> str:
        columns = self.feed.live.columns
        index = int(field[1:]) if field and field[1:].isdigit() else -1
        return columns[index] if 0 <= index < len(columns) else ''

    def _watch(self, feed: GridFeed) -> None:
        """Follow `feed` until `_unwatch` (on a change of query, or when the grid is deleted)."""
        feed.transaction.subscribe(self._apply, unsubscribe_on_delete=False)
        feed.reset.subscribe(self.rebuild, unsubscribe_on_delete=False)
        feed.live.delta.subscribe(self._notify, unsubscribe_on_delete=False)
        feed.live.problem_changed.subscribe(self._notify, unsubscribe_on_delete=False)

    def _unwatch(self, feed: GridFeed) -> None:
        feed.transaction.unsubscribe(self._apply)
        feed.reset.unsubscribe(self.rebuild)
        feed.live.delta.unsubscribe(self._notify)
        feed.live.problem_changed.unsubscribe(self._notify)

    async def _release(self) -> None:
        self._unwatch(self.feed)
        await self.feeds.release(self.query)

    async def set_query(self, query: Q) -> None:
        """Show another query (filter, sort or page changed): the rows are all new, so the grid is rebuilt."""
        if query == self.query:
            return
        old_feed, old_query = self.feed, self.query
        self.query, self.feed = query, self.feeds.acquire(query)
        self._unwatch(old_feed)
        self._watch(self.feed)
        await self.feeds.release(old_query)
        self.rebuild()

    def rebuild(self) -> None:
        """Send the whole grid again: after a change of query or columns, and on resume."""
        self.waiting = 0
        self._ready = False
        self._builds += 1
        self.grid.options.clear()
        self.grid.options.update(self._options())
        self.grid.update()
        self._notify()

    def _apply(self, transaction: dict[str, Any]) -> None:
        # No `_notify` here: the live query's delta, which this transaction comes from, notifies right after.
        if self.paused:
            self.waiting += len(transaction['add'])
        elif not self._ready:
            # The browser builds the grid from the rows as they are when the build is sent, which may already
            # hold this change; applyLiveDelta is idempotent, so replaying it once the grid is ready is exact.
            self._pending.append(transaction)
        else:
            self.grid.run_grid_method('applyLiveDelta', transaction, self.follow)

    def _grid_ready(self, event: events.GenericEventArguments) -> None:
        if (event.args.get('context') or {}).get('build') != self._builds:
            return  # the ready signal of a grid that has since been replaced
        self._ready = True
        pending, self._pending = self._pending, []
        for transaction in pending:
            self.grid.run_grid_method('applyLiveDelta', transaction, self.follow)

    def _notify(self) -> None:
        for callback in self.on_change:
            callback()

    def pause(self) -> None:
        self.paused = True
        self._notify()

    def resume(self) -> None:
        """Apply everything that waited, at once."""
        self.paused = False
        self.rebuild()
