"""Forwarding one eyelet database to the team's PostgreSQL: each record once, in order, soon after its commit.

The same commit detection as the dashboard's (sources/sqlite/changes.py) wakes it; it then reads the records
past the mark PostgreSQL keeps for this database, a batch at a time, through a Reader that redacts every value
(secrets stay on the machine that logged them), and appends each batch with its mark in one transaction
(sources/eyelet/team_hooks.py). A failure to write is tried again with a growing pause; nothing is read twice into
PostgreSQL, because the mark is read back from it after any failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from eyelet_gui.sources.events import cancel_and_wait
from eyelet_gui.sources.eyelet.facts import EVENT_TABLE
from eyelet_gui.sources.eyelet.team_hooks import COLUMNS, TeamHooks
from eyelet_gui.sources.postgres.connection import PostgresProblem
from eyelet_gui.sources.query import Statement
from eyelet_gui.sources.schema import quote_identifier
from eyelet_gui.sources.sqlite.changes import ChangeDetector
from eyelet_gui.sources.sqlite.reader import Reader
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.state.live.pacing import back_off

BATCH = 1000
"""Records read and appended in one transaction."""


class NotForwarded(Exception):
    """Why the database's records are not forwarded now, in a sentence: no eyelet `hooks` table (yet), or fewer
    records than were forwarded from it."""


class Forwarder:
    """Follows one database and appends its new records to `target`; `said` is told each new problem, and when
    it is over."""

    def __init__(self, path: Path, target: TeamHooks, *, machine: str, poll_interval: float,
                 said: Callable[[str], None]) -> None:
        self.path = path
        self.source = str(path)
        self.target = target
        self.machine = machine
        self.forwarded = 0
        """Records this process appended (a record appended before, by a forwarder killed before it knew, is
        counted again, and left out by PostgreSQL)."""
        self.problem: str | None = None
        self._problem_key: str | None = None
        self._said = said
        self._reader = Reader(path)  # redacts every value it reads
        self._detector = ChangeDetector(path, poll_interval)
        self._schema_version: int | None = None
        self._select: tuple[int | None, str] | None = None
        """The statement that reads a batch, for the schema version it was made for."""
        self._mark: int | None = None
        """The last id appended, as PostgreSQL last said; None: ask it again."""
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f'forwarding {self.path}')

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        await self._reader.close()

    async def _run(self) -> None:
        async for observation in self._detector.observe():  # at once, then after each batch of commits
            self._schema_version = observation.schema_version
            failures = 0
            while True:
                try:
                    await self.forward_new()
                except PostgresProblem as problem:
                    # A server that is down says so in other words at each try: it is one problem until it is back.
                    self._set_problem(str(problem), same_as=None if problem.lasting else 'unreachable')
                except (DatabaseProblem, NotForwarded) as problem:
                    self._set_problem(str(problem))
                    break  # the database itself: looked at again at its next change
                except Exception as error:  # a bug, or a refusal not foreseen: said, and tried again, never the end
                    self._set_problem(f'Forwarding {self.path} failed ({type(error).__name__}: {error}); trying '
                                      'again.')
                else:
                    self._set_problem(None)
                    break
                failures += 1
                await asyncio.sleep(back_off(failures))

    async def forward_new(self) -> None:
        """Append every record past the mark, a batch at a time."""
        select = await self._statement()
        try:
            if self._mark is None:
                self._mark = await self.target.mark(self.machine, self.source)
            while True:
                batch = await self._reader.fetch(Statement(select, (self._mark, BATCH)))
                await self.target.append(self.machine, self.source, batch.rows)
                if batch.rows:
                    self._mark = int(batch.rows[-1][0])
                    self.forwarded += len(batch.rows)
                if not batch.rows and self._mark:
                    await self._check_not_behind(self._mark)
                if len(batch.rows) < BATCH:
                    return
        except PostgresProblem:
            self._mark = None  # a batch may have committed unbeknown: read the mark back
            raise

    async def _check_not_behind(self, mark: int) -> None:
        table = quote_identifier(EVENT_TABLE)
        newest = await self._reader.value(Statement(f'SELECT coalesce(max(id), 0) FROM {table}'))
        if newest < mark:
            raise NotForwarded(
                f'The newest record of {self.path} is {newest:,}, yet records up to {mark:,} were forwarded from it as '
                f'{self.machine}: it was made anew, and its records would be taken for those. Forward it with '
                'another --machine name.')

    async def _statement(self) -> str:
        """The SELECT of a batch, made again only when the schema changed."""
        if self._select is None or self._select[0] != self._schema_version or self._schema_version is None:
            self._select = self._schema_version, await self._made_statement()
        return self._select[1]

    async def _made_statement(self) -> str:
        relation = {relation.name: relation for relation in await self._reader.relations()}.get(EVENT_TABLE)
        if relation is None or 'id' not in relation.column_names:
            raise NotForwarded(f'{self.path} has no eyelet `hooks` table: nothing to forward until eyelet writes one.')
        present = set(relation.column_names)
        shown = ', '.join(quote_identifier(name) if name in present else f'NULL AS {name}' for name in COLUMNS)
        return f'SELECT {shown} FROM {quote_identifier(EVENT_TABLE)} WHERE id > ? ORDER BY id LIMIT ?'

    def _set_problem(self, problem: str | None, same_as: str | None = None) -> None:
        """Say a new problem, and when it is over; `same_as` names a problem whose sentence varies."""
        key = same_as or problem
        if key == self._problem_key:
            return
        if problem is not None:
            self._said(problem)  # each names what it is about
        elif self.problem is not None:
            self._said(f'{self.path}: forwarding again.')
        self.problem, self._problem_key = problem, key
