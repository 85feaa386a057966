"""What invitations and organisations need of every session, read in SQL: a few fields, never whole sessions.

`consult progress` counts in SQL (migration 0002) so that it never reads every session; the invited
and organisation figures keep it so, reading only the invitation code, the organisation given and the
invited one, out of each row's JSON.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql
from psycopg_pool import AsyncConnectionPool

from core.invitations.offer import organisation_place
from core.invitations.standing import Arrival, State
from questionnaire.model import Questionnaire

_STATES = {"submitted": State.SUBMITTED, "in_progress": State.STARTED, "withdrawn": State.WITHDRAWN}


async def arrivals(pool: AsyncConnectionPool[Any], q: Questionnaire) -> list[Arrival]:
    """Every stored respondent's arrival (core.invitations.standing.arrival), from a few JSON fields."""
    query = sql.SQL(
        "SELECT respondent_id, channel, session->>'invite', status, {organisation}, "
        "session->'invited'->>'organisation', started_at, submitted_at "
        "FROM consult_respondent WHERE session IS NOT NULL"
    ).format(organisation=_organisation(q))
    async with pool.connection() as conn:
        rows = await (await conn.execute(query)).fetchall()
    return [_arrival(row) for row in rows]


def _organisation(q: Questionnaire) -> sql.Composable:
    """The organisation given, in the answers that count (the last submission's, else the current ones)."""
    place = organisation_place(q)
    if place is None:
        return sql.SQL("NULL")
    counted = sql.SQL("coalesce(session->'submissions'->-1->'answers', session->'answers')->{item}->'value'")
    value = counted.format(item=sql.Literal(place[0]))
    if place[1] is None:
        return sql.SQL("({value})#>>'{{}}'").format(value=value)
    return sql.SQL("({value})->>{field}").format(value=value, field=sql.Literal(place[1]))


def _arrival(row: tuple[Any, ...]) -> Arrival:
    respondent_id, channel, invite, status, organisation, invited, started_at, submitted_at = row
    state = _STATES.get(status, State.NOT_STARTED)
    if submitted_at is not None and state is not State.WITHDRAWN:
        state = State.SUBMITTED
    given = organisation if isinstance(organisation, str) and organisation.strip() else None
    return Arrival(respondent_id, channel, invite, state, given, invited, started_at, submitted_at)
