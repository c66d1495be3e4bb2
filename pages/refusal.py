"""The one way an HTTP route of ours says no: `{"error": sentence}` with its status, for the API and the exports.

Scripts read both, so a refusal looks the same wherever it comes from (the token gate in server/token_gate.py
writes the same body). The status says whose the fault is: 400 a request that cannot be read, 404 a database or
table that is not there, 503 a database that cannot be read right now.
"""

from __future__ import annotations

import json

from fastapi.responses import Response

from eyelet_gui.sources.query import QueryProblem
from eyelet_gui.sources.sqlite.readonly import DatabaseProblem
from eyelet_gui.sources.sqlite.sandbox import SqlProblem
from eyelet_gui.state.live.query_url import UrlProblem


class Refusal(Exception):
    """A request refused with `status`; `str()` is the sentence for the person or script that sent it."""

    def __init__(self, status: int, sentence: str) -> None:
        super().__init__(sentence)
        self.status = status


REFUSED = (Refusal, DatabaseProblem, QueryProblem, SqlProblem, UrlProblem)
"""The problems a route answers with a refusal: each already says, in one sentence, what was wrong."""


def no_database(database_id: str) -> Refusal:
    """An id that names no watched database (an old link, a database no longer watched)."""
    return Refusal(404, f'No database has the id {database_id!r}: GET /api/v1/databases lists them.')


def no_relation(name: str) -> Refusal:
    """A name that is no table or view of the database (any more)."""
    return Refusal(404, f'{name!r} is not a table or view of this database.')


def refused(problem: Exception) -> Response:
    """The answer to `problem`: a Refusal with its own status, a database that cannot be read 503, the rest 400."""
    status = (problem.status if isinstance(problem, Refusal) else 503 if isinstance(problem, DatabaseProblem)
              else 400)
    return Response(json.dumps({'error': str(problem)}).encode(), status_code=status, media_type='application/json',
                    headers={'Cache-Control': 'no-store'})
