"""The attention list for scripts: each episode as JSON, and a stream with an event when one begins or ends.

One stream for the app's life, fed by the attention list's own `began` and `ended` (state/eyelet/attention.py), so
a thousand `curl -N` clients cost one JSON text per episode. It numbers, buffers and resumes its events as the table
streams do (state/live/change_streams.py): a client that reconnects with `Last-Event-ID` gets the episodes that
began or ended meanwhile, or a fresh snapshot of the list.
"""

from __future__ import annotations

from typing import Any

from eyelet_gui.state.eyelet.attention import Attention, Episode
from eyelet_gui.state.live.change_streams import NumberedEvents
from eyelet_gui.state.live.subscriptions import Subscriptions


def episode_json(episode: Episode) -> dict[str, Any]:
    """One session that needs you, as `/api/v1/attention` and its stream say it. `page` is a path on the server (as
    `/api/v1/databases`'s): a script knows the address it asked."""
    return {'database': episode.database, 'session_id': episode.session_id, 'project': episode.project,
            'state': episode.state, 'since': episode.since, 'asks': episode.asks, 'page': episode.page}


def attention_json(attention: Attention) -> dict[str, Any]:
    """The list, longest waiting first."""
    return {'sessions': [episode_json(episode) for episode in attention.episodes]}


class AttentionStream(NumberedEvents):
    """`snapshot` (the list), then `began` and `ended`, each with the episode's session."""

    def __init__(self, attention: Attention) -> None:
        super().__init__()
        self.attention = attention
        self._subscriptions = Subscriptions()
        self._subscriptions.add(attention.began, self._began)
        self._subscriptions.add(attention.ended, self._ended)
        self._subscriptions.add(attention.read, self.ready.set)  # the first read: the list is known

    def close(self) -> None:
        self._subscriptions.release()
        super().close()

    def snapshot_data(self) -> dict[str, Any]:
        return attention_json(self.attention)

    def _began(self, episode: Episode) -> None:
        self._send(self._next('began', episode_json(episode)))

    def _ended(self, episode: Episode) -> None:
        self._send(self._next('ended', episode_json(episode)))
