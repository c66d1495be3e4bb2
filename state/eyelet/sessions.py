"""Live list of eyelet sessions across every database: its state, project, branch, last prompt, prompts, tool calls,
failures, running calls, duration and last activity."""

from __future__ import annotations

import time
from typing import Any

from eyelet_gui.sources.query import Query
from eyelet_gui.state.eyelet.attention import Attention
from eyelet_gui.state.eyelet.session_state import STATE_WORDS, State
from eyelet_gui.state.eyelet.session_tally import SessionFacts
from eyelet_gui.state.live.diff import Row
from eyelet_gui.state.live.grid_feed import GridFeed
from eyelet_gui.state.live.merged_rows import MergedRows
from eyelet_gui.state.live.pacing import PacedLoop
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.subscriptions import Subscriptions

SESSION_COLUMNS = ('state', 'project_dir', 'branch', 'session_id', 'prompt', 'prompts', 'calls', 'failures',
                   'running', 'duration', 'last')
REFRESH_INTERVAL = 1.0
"""Seconds at least between two redraws of the list."""


def session_row(session: str, facts: SessionFacts, state: State) -> Row:
    return (STATE_WORDS[state], facts.project, facts.branch, session, facts.state.prompt, facts.prompts, facts.calls,
            facts.failures, facts.running, round(facts.last - facts.first, 1), facts.last)


class SessionList(MergedRows):
    """Sessions as rows, keyed `<database id>:<session id>`, the most recently active first: the attention list's
    counts (state/eyelet/attention.py reads them), redrawn after its reads."""

    def __init__(self, attention: Attention, limit: int = 200) -> None:
        super().__init__(SESSION_COLUMNS)
        self.attention = attention
        self.limit = limit
        self.loop = PacedLoop(self.refresh, interval=REFRESH_INTERVAL, idle=60.0, name='session list')
        """Also once a minute without reads, so that a session falls quiet on screen."""
        self._subscriptions = Subscriptions()
        self._subscriptions.add(attention.read, self.loop.request)

    async def stop(self) -> None:
        self._subscriptions.release()
        await self.loop.stop()

    async def refresh(self) -> None:
        """Merge every database's sessions newest first and emit the delta."""
        now = time.time()
        idle_after = self.attention.idle_after
        merged: list[tuple[Any, str, Row]] = [
            (facts.last, f'{database_id}:{session}',
             session_row(session, facts, facts.state.shown(now, facts.last, idle_after)))
            for database_id, tally in list(self.attention.tallies.items())
            for session, facts in tally.sessions.items()]
        self.publish(merged, self.limit, len(merged), min(len(merged), self.limit))


class SessionFeeds:
    """The one session list as a grid feed, running while some tab shows it."""

    def __init__(self, attention: Attention) -> None:
        self.attention = attention
        self._feed: Shared[None, GridFeed] = Shared(self._open, self._close)

    def acquire(self, _: Query) -> GridFeed:
        """The list's feed (the grid's query does not change it: it is always the same list)."""
        return self._feed.acquire(None)

    async def release(self, _: Query) -> None:
        await self._feed.release(None)

    @property
    def viewers(self) -> int:
        return self._feed.viewers(None)

    async def close(self) -> None:
        """Stop the list whoever shows it: the app is stopping."""
        await self._feed.close()

    def _open(self, _: None) -> GridFeed:
        sessions = SessionList(self.attention)
        feed = GridFeed(sessions)
        sessions.loop.start()
        return feed

    @staticmethod
    async def _close(_: None, feed: GridFeed) -> None:
        feed.close()
        assert isinstance(feed.live, SessionList)
        await feed.live.stop()
