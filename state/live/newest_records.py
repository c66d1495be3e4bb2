"""The newest records of one watched database's main table, live, while a tab shows them."""

from __future__ import annotations

from nicegui import Event

from eyelet_gui.sources.query import Query
from eyelet_gui.sources.schema import SchemaKind, main_relation, schema_kind
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.live.diff import Delta
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.refresh_loop import CommitLoop
from eyelet_gui.state.live.shared import Viewed
from eyelet_gui.state.live.subscriptions import Subscriptions
from eyelet_gui.state.live.watcher import Watcher


class NewestRecords(Viewed):
    """Follows the database's main table (eyelet's `hooks`, else the first table) as it appears or changes,
    from the first `acquire` to the last `release`: with nobody looking, it reads nothing."""

    def __init__(self, watcher: Watcher, limit: int) -> None:
        super().__init__()
        self.watcher = watcher
        self.database = watcher.database
        self.limit = limit
        self.live: LiveQuery | None = None
        """The live query on the main table; None until the database has a table, and while nobody looks."""
        self.problem: str | None = None
        """Why the records cannot be shown right now, in words."""
        self.kind: SchemaKind | None = None
        """Which schema the database holds, as last read; None until it has been read."""
        self.changed: Event[Delta | None] = Event()
        """Fired with each delta of the live query, and with None when the table or the problem changed."""
        # One follow at a time, however fast the commits: two at once would both switch tables.
        self._subscriptions = Subscriptions()
        """To the live query on the main table."""
        self._loop = CommitLoop(watcher, self._follow, name=f'records of {self.database.id}')

    def _start(self) -> None:
        self._loop.start()

    async def _stop(self) -> None:
        await self._loop.stop()
        await self._switch(None)

    async def _follow(self) -> None:
        """Pick the main table again: it may have been created, dropped or replaced since."""
        try:
            relations = await self.watcher.relations()
            problem = None
        except DatabaseProblem as error:
            relations, problem = {}, str(error)
        self.kind = schema_kind(tuple(relations.values())) if problem is None else self.kind
        relation = main_relation(tuple(relations.values()))
        name = relation.name if relation else None
        # While the file cannot be read, keep following the current table: it returns with the file.
        if problem is None and name != (self.live.query.relation if self.live else None):
            await self._switch(name)
        self._set_problem(problem or (self.live.problem if self.live else None))

    async def _switch(self, relation: str | None) -> None:
        live, self.live = self.live, None
        self._subscriptions.release()
        if live is not None:
            await self.watcher.live.release(live.query)
        if relation is not None:
            self.live = self.watcher.live.acquire(Query(relation=relation, limit=self.limit))
            self._subscriptions.add(self.live.delta, self.changed.emit)
            self._subscriptions.add(self.live.problem_changed, self._live_problem)
        self.changed.emit(None)

    def _live_problem(self) -> None:
        self._set_problem(self.live.problem if self.live else None)

    def _set_problem(self, problem: str | None) -> None:
        if problem != self.problem:
            self.problem = problem
            self.changed.emit(None)

    @property
    def summary(self) -> str:
        """One line for the connection list: which table is shown and how many rows it has."""
        if self.live is None:
            return 'no tables yet'
        return f'{self.live.query.relation}: {self.live.total:,} row{"" if self.live.total == 1 else "s"}'
