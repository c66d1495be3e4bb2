"""The SQL page's content: an editor, the statement's rows in the live grid, and a switch that runs it again after
each commit. The statement and the switch live in the URL, so that a link shows the same live result."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from nicegui import events, ui

from eyelet_gui.components.lifetime import Lifetime
from eyelet_gui.components.live_grid import LiveGrid
from eyelet_gui.components.row_panel import BesideGrid, row_fields
from eyelet_gui.sources.sqlite.sandbox import MAX_ROWS
from eyelet_gui.state.live.live_sql import LiveSql, SqlFeeds, SqlStatement, live_sql

SHOW_RUNNING_AFTER = 0.3
"""Seconds a run takes before the page says it is running and offers Cancel."""
SqlUrl = Callable[[str, bool], str]
"""The page's URL for a statement and whether it runs live."""


def status_text(live: LiveSql) -> str:
    """What the last run found, in a line: rows, whether there were more, how long it took and when."""
    if live.running:
        return 'Running…'
    if live.problem is not None or live.ran_at is None:
        return live.problem or ''
    rows = f'{len(live.rows):,} row{"" if len(live.rows) == 1 else "s"}'
    if live.truncated:
        rows = f'the first {MAX_ROWS:,} rows (more matched: add a WHERE or a LIMIT)'
    took = f'{(live.took or 0) * 1000:,.0f} ms'
    return f'{rows} · {took} · run at {time.strftime("%H:%M:%S", time.localtime(live.ran_at))}'


class _Result:
    """One statement's live result on the page: a status line with Cancel, the grid, the detail of a row."""

    def __init__(self, feeds: SqlFeeds, statement: SqlStatement, *, following: bool) -> None:
        with Lifetime().classes('w-full nicegui-column gap-2') as lifetime:
            with ui.row().classes('w-full items-center gap-2 min-h-8'):
                self.status = ui.label().classes('text-sm sql-status')
                self.cancel = ui.button('Cancel', icon='stop').props('dense flat color=negative').classes('sql-cancel')
            self.detail = BesideGrid()
            with self.detail.main:
                self.grid = LiveGrid(feeds, statement, on_select=self._select, on_sort=lambda _: None)
        self.live = live_sql(self.grid.feed)
        self.cancel.on_click(self.live.cancel)
        self.following = False
        self.follow(following)
        lifetime.on_end(lambda: self.follow(False))  # runs before the grid lets go of the statement
        lifetime.subscribe(self.live.runs_changed, self._show_status)
        self.grid.on_change.append(self._show_status)
        self._problem_shown = False
        self._running_shown = False
        self._running_timer: asyncio.TimerHandle | None = None
        lifetime.on_end(self._forget_running)
        self._show_status()

    def follow(self, following: bool) -> None:
        if following != self.following:
            self.following = following
            (self.live.follow if following else self.live.unfollow)()

    def _show_status(self) -> None:
        """Runs at each start and end of a run, and each change: it touches only what differs, and a run says it
        is running only once it has taken SHOW_RUNNING_AFTER (a live statement's short runs would flicker, and
        each change of the line costs the browser a layout)."""
        if self.live.running and not self._running_shown:
            if self._running_timer is None:  # a plain timer: a ui.timer per run would be an element per run
                self._running_timer = asyncio.get_running_loop().call_later(SHOW_RUNNING_AFTER, self._show_running)
            return
        self._running_shown = self.live.running
        text = status_text(self.live)
        if self.status.text != text:
            self.status.set_text(text)
        if self._problem_shown != (self.live.problem is not None and not self.live.running):
            self._problem_shown = not self._problem_shown
            self.status.classes(toggle='text-negative')
        if self.cancel.visible != self.live.running:
            self.cancel.set_visibility(self.live.running)

    def _forget_running(self) -> None:
        if self._running_timer is not None:
            self._running_timer.cancel()

    def _show_running(self) -> None:
        self._running_timer = None
        if self.live.running:
            self._running_shown = True
            self._show_status()

    def _select(self, key: str | None) -> None:
        """The row's every value, whole. A result's rows are keyed by their content, so the row shown is exact
        for as long as its key is in the result."""
        values = dict(self.live.rows).get(key) if key is not None else None
        columns = self.live.columns
        self.detail.show(None if values is None else lambda: row_fields(columns, values))


class SqlView:
    """Builds the editor and its controls into the current page; Run (or Ctrl+Enter) shows the statement's rows."""

    def __init__(self, feeds: SqlFeeds, database_id: str, sql: str, *, live: bool, url: SqlUrl,
                 api_url: Callable[[str], str]) -> None:
        self.feeds = feeds
        self.database_id = database_id
        self.url = url
        self.api_url = api_url
        self.editor = ui.codemirror(sql, language='SQLite', line_wrapping=True,
                                    keymap={'Mod-Enter': lambda _: self.run()}) \
            .classes('w-full border rounded sql-editor').style('height: auto; max-height: 40vh')
        with ui.row().classes('w-full items-center gap-3'):
            ui.button('Run', icon='play_arrow', on_click=self.run).props('dense').classes('sql-run') \
                .tooltip('Ctrl+Enter (⌘+Enter) in the editor')
            self.live = ui.switch('Live', value=live, on_change=self._live_changed).props('dense').classes('sql-live') \
                .tooltip('Run the statement again after each commit to the database')
            ui.label('Reads only, with secrets redacted; at most '
                     f'{MAX_ROWS:,} rows.').classes('text-caption opacity-70')
            ui.space()
            self.json_link = ui.link('JSON', '').classes('text-sm sql-json') \
                .tooltip('The same result from the JSON API')
            self.json_link.set_visibility(False)
        self.results = ui.column().classes('w-full')
        with self.results:
            ui.label('Write a SELECT and run it with Ctrl+Enter.').classes('text-sm opacity-70')
        self.result: _Result | None = None

    def run(self) -> None:
        """Show the editor's statement: the same one is run again, another replaces the rows shown."""
        statement = SqlStatement(self.database_id, (self.editor.value or '').strip())
        ui.navigate.history.replace(self.url(statement.sql, self.live.value))
        self.json_link.props['href'] = self.api_url(statement.sql)
        self.json_link.set_visibility(True)  # and sends the new address
        if self.result is not None and self.result.grid.query == statement:
            self.result.live.run_again()
            return
        self.results.clear()  # the result shown lets go of its statement
        with self.results:
            self.result = _Result(self.feeds, statement, following=self.live.value)
        self.result.live.run_again()  # another tab may have shown it earlier: a run of our own, now

    def _live_changed(self, event: events.ValueChangeEventArguments[bool | None]) -> None:
        if self.result is not None:
            self.result.follow(bool(event.value))
            ui.navigate.history.replace(self.url(self.result.live.sql, bool(event.value)))
