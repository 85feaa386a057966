"""What invitations and organisations need of every respondent, read from plain columns, never whole sessions.

`consult progress` counts in SQL (migration 0002) so that it never reads every session; the invited and
organisation figures keep it so: the repository writes the invitation code, the organisation given and
the invited one beside each session (migration 0003, core.ports.Standing). Rows whose columns are
missing (stored before 0003) or stale (another questionnaire) are read from their sessions, streamed.
"""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from core import figures
from core.invitations.standing import Arrival, State, arrival
from core.session import Session
from questionnaire.model import Questionnaire

_STATES = {"submitted": State.SUBMITTED, "in_progress": State.STARTED, "withdrawn": State.WITHDRAWN}
_KEPT = "session IS NOT NULL AND arrival_kept AND figures_of = %s"
# Only the rows invitations or organisations can concern: those that came with a code, and the
# submissions whose organisation was given by another submission too (core.organisations.grouping links
# by code or by name; a row with neither a code nor a shared name is in no group). At 100,000
# respondents this is the difference between a few rows and all of them.
_SHARED = (f"SELECT organisation_key FROM consult_respondent WHERE {_KEPT} AND submitted_at IS NOT NULL "
           "AND status <> 'withdrawn' AND organisation_key IS NOT NULL GROUP BY 1 HAVING count(*) > 1")
_COLUMNS = ("SELECT respondent_id, channel, invite, status, organisation, invited_organisation, started_at, "
            f"submitted_at FROM consult_respondent WHERE {_KEPT} AND (invite IS NOT NULL OR organisation_key IN "
            f"({_SHARED}))")
_STALE = f"SELECT session FROM consult_respondent WHERE session IS NOT NULL AND NOT coalesce({_KEPT}, false)"
BATCH = 500


async def arrivals(pool: AsyncConnectionPool[Any], q: Questionnaire) -> list[Arrival]:
    """The arrivals invitations and organisations can concern (core.invitations.standing.arrival), in one snapshot."""
    current = figures.fingerprint_of(q)
    async with pool.connection() as conn, conn.transaction():
        await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = await (await conn.execute(_COLUMNS, [current, current])).fetchall()
        found = [_arrival(row) for row in rows]
        async with conn.cursor(name="consult_arrivals") as cursor:  # stale rows: their sessions, a batch at a time
            cursor.itersize = BATCH
            await cursor.execute(_STALE, [current])
            found += [arrival(q, Session.model_validate(document)) async for (document,) in cursor]
    return found


def _arrival(row: tuple[Any, ...]) -> Arrival:
    respondent_id, channel, invite, status, organisation, invited, started_at, submitted_at = row
    state = _STATES.get(status, State.NOT_STARTED)
    if submitted_at is not None and state is not State.WITHDRAWN:
        state = State.SUBMITTED
    return Arrival(respondent_id, channel, invite, state, organisation, invited, started_at, submitted_at)
