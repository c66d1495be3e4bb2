"""A live view as a stream of numbered events for scripts: a snapshot, then one change per delta, resumable.

One ChangeStream per database and Query, shared by every client of it and built on the same LiveQuery the pages
share: a thousand `curl -N` clients cost one read and one diff per commit, as a thousand tabs do. Each event has an
id, `<epoch>-<number>`; the last BUFFERED events are kept, so a client that reconnects with `Last-Event-ID` gets
exactly what it missed, or, when its id is older than that (or from an earlier epoch: the stream was closed and made
again in between), a fresh snapshot. A client that falls CLIENT_BUFFER events behind is let go rather than let it
hold events for the others; it reconnects and is told what it missed the same way. NumberedEvents is that part
alone, which the attention list's stream shares (state/eyelet/attention_stream.py).
"""

from __future__ import annotations

import asyncio
import collections
import json
import secrets
from dataclasses import dataclass
from typing import Any

from eyelet_gui.sources.json_values import json_row, json_value
from eyelet_gui.sources.query import Query
from eyelet_gui.state.live.diff import Delta
from eyelet_gui.state.live.live_query import LiveQuery
from eyelet_gui.state.live.shared import Shared
from eyelet_gui.state.live.subscriptions import Subscriptions
from eyelet_gui.state.live.watcher import Watcher

BUFFERED = 1000
"""Events kept for clients that reconnect."""
CLIENT_BUFFER = 1000
"""Events a client may fall behind before it is let go."""


@dataclass(frozen=True, slots=True)
class StreamEvent:
    id: str
    name: str
    """`snapshot`, `change` or `problem`."""
    json: str
    """What the event says, as JSON: made once for every client."""


Client = asyncio.Queue[StreamEvent | None]
"""One open stream: the events to send it, in order; `None` at the end when it fell too far behind."""


class NumberedEvents:
    """Numbered, resumable events for any number of clients: what every stream of the API shares. A subclass says
    what its snapshot is and sends its events with `_send(self._next(name, data))`."""

    def __init__(self) -> None:
        self.epoch = secrets.token_hex(4)
        self.number = 0
        self.buffer: collections.deque[tuple[int, StreamEvent]] = collections.deque(maxlen=BUFFERED)
        self.clients: set[Client] = set()
        self.ended = False
        """Whether `close` ended it: a client that connects afterwards is ended at once."""
        self._snapshot: StreamEvent | None = None
        """The last snapshot made: every client that connects before the next event gets this one."""
        self.ready = asyncio.Event()
        """Set once there is something to say: the first read (rows, even none, or a problem)."""

    def close(self) -> None:
        self.ended = True
        for client in self.clients:
            _end(client)
        self.clients.clear()

    def connect(self, last_event_id: str | None) -> tuple[Client, list[StreamEvent]]:
        """A new client, and what it is sent first: what it missed since `last_event_id` (nothing, when it missed
        nothing), else a snapshot."""
        client: Client = asyncio.Queue(CLIENT_BUFFER + 1)  # room for the end mark after CLIENT_BUFFER events
        if self.ended:
            _end(client)
        else:
            self.clients.add(client)
        missed = self._missed(last_event_id)
        return client, [self.snapshot()] if missed is None else missed

    def disconnect(self, client: Client) -> None:
        self.clients.discard(client)

    def snapshot(self) -> StreamEvent:
        """Everything as it is now, numbered as the last event sent."""
        if self._snapshot is None or self._snapshot.id != self._id(self.number):
            self._snapshot = _event(self._id(self.number), 'snapshot', self.snapshot_data())
        return self._snapshot

    def snapshot_data(self) -> dict[str, Any]:
        raise NotImplementedError

    def _missed(self, last_event_id: str | None) -> list[StreamEvent] | None:
        epoch, _, number = (last_event_id or '').partition('-')
        if epoch != self.epoch or not number.isdigit():
            return None
        seen = int(number)
        if seen == self.number:
            return []
        if not self.buffer or seen < self.buffer[0][0] - 1 or seen > self.number:
            return None  # too old: events were let go since
        return [event for number_, event in self.buffer if number_ > seen]

    def _next(self, name: str, data: dict[str, Any]) -> StreamEvent:
        self.number += 1
        event = _event(self._id(self.number), name, data)
        self.buffer.append((self.number, event))
        return event

    def _send(self, event: StreamEvent) -> None:
        for client in list(self.clients):
            if client.qsize() >= CLIENT_BUFFER:  # too far behind: it reconnects and gets what it missed, or a snapshot
                self.clients.discard(client)
                _end(client)
            else:
                client.put_nowait(event)

    def _id(self, number: int) -> str:
        return f'{self.epoch}-{number}'


class ChangeStream(NumberedEvents):
    """The numbered events of one live query."""

    def __init__(self, live: LiveQuery) -> None:
        super().__init__()
        self.live = live
        if live.columns or live.problem is not None:
            self.ready.set()
        self._subscriptions = Subscriptions()
        self._subscriptions.add(live.delta, self._delta)
        self._subscriptions.add(live.problem_changed, self._problem)

    def close(self) -> None:
        self._subscriptions.release()
        super().close()

    def snapshot_data(self) -> dict[str, Any]:
        """The whole window as it is now."""
        live = self.live
        data: dict[str, Any] = {'columns': list(live.columns), 'total': live.total, 'matching': live.matching,
                                'rows': [{'key': key, 'row': json_row(live.columns, row)} for key, row in live.rows]}
        if live.problem is not None:
            data['problem'] = live.problem
        return data

    def _delta(self, delta: Delta) -> None:
        self.ready.set()
        live = self.live
        if delta.columns is not None:  # the columns changed: every client starts again from the rows
            self.number += 1
            self.buffer.clear()  # older events name other columns
            self._send(self.snapshot())
            return
        self._send(self._next('change', {
            'added': [{'index': index, 'key': key, 'row': json_row(live.columns, row)}
                      for index, key, row in delta.added],
            'updated': [{'key': key, 'changed': {live.columns[i]: json_value(value) for i, value in cells.items()}}
                        for key, cells in delta.updated],
            'removed': list(delta.removed), 'total': delta.total, 'matching': delta.matching}))

    def _problem(self) -> None:
        self.ready.set()
        self._send(self._next('problem', {'problem': self.live.problem}))


def _event(id_: str, name: str, data: dict[str, Any]) -> StreamEvent:
    return StreamEvent(id_, name, json.dumps(data, separators=(',', ':')))


def _end(client: Client) -> None:
    """Tell the client's response to end (its queue has room for this one: it holds CLIENT_BUFFER + 1)."""
    client.put_nowait(None)


class ChangeStreams:
    """One ChangeStream per database and query, while some client reads it, and the streams that stand for the
    app's life (`keep`): all of them end when the server stops."""

    def __init__(self, watchers: dict[str, Watcher]) -> None:
        self._watchers = watchers
        self._streams: Shared[tuple[str, Query], ChangeStream] = Shared(self._open, self._close)
        self._standing: list[NumberedEvents] = []
        self._closed = False

    def keep(self, stream: NumberedEvents) -> None:
        """A stream made once for the app's life (the attention list's), to be ended with the others."""
        self._standing.append(stream)
        if self._closed:
            stream.close()

    def acquire(self, database_id: str, query: Query) -> ChangeStream:
        return self._streams.acquire((database_id, query))

    async def release(self, database_id: str, query: Query) -> None:
        await self._streams.release((database_id, query))

    async def close(self) -> None:
        """End every stream and its clients' responses: the server is stopping, and waits for open responses
        before it stops the app. A stream opened afterwards ends at once."""
        self._closed = True
        for stream in self._standing:
            stream.close()
        await self._streams.close()

    def _open(self, key: tuple[str, Query]) -> ChangeStream:
        database_id, query = key
        stream = ChangeStream(self._watchers[database_id].live.acquire(query))
        if self._closed:
            stream.close()
        return stream

    async def _close(self, key: tuple[str, Query], stream: ChangeStream) -> None:
        stream.close()
        database_id, query = key
        await self._watchers[database_id].live.release(query)
