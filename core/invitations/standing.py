"""Who of the invited has answered: per category, and the list of those who have not. Internal only.

Nothing here goes into an export: these figures name organisations that never agreed to anything, so
only `consult progress` and the admins' /progress show them.
"""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from core.invitations.model import Invitation
from core.invitations.offer import typed_organisation
from core.session import Session, Status
from core.windows import days_left
from questionnaire.model import Questionnaire

NO_CATEGORY = "(no category given)"


class State(StrEnum):
    """How far an invitation got: the furthest of the sessions that came with its code."""

    NOT_STARTED = "not started"
    WITHDRAWN = "withdrawn"
    STARTED = "started, not submitted"
    SUBMITTED = "submitted"


_RANK = {State.NOT_STARTED: 0, State.WITHDRAWN: 1, State.STARTED: 2, State.SUBMITTED: 3}


@dataclass(frozen=True)
class Arrival:
    """What one session tells about invitations and organisations."""

    respondent_id: str
    channel: str
    invite: str | None
    state: State
    organisation: str | None  # as typed, in the answers that count
    invited_organisation: str | None
    started_at: datetime | None
    submitted_at: datetime | None


def arrival(q: Questionnaire, session: Session) -> Arrival:
    """The facts of one session that invitations and organisations need."""
    state = {Status.SUBMITTED: State.SUBMITTED, Status.IN_PROGRESS: State.STARTED,
             Status.WITHDRAWN: State.WITHDRAWN}.get(session.status, State.NOT_STARTED)
    if session.submitted is not None and session.status is not Status.WITHDRAWN:
        state = State.SUBMITTED
    return Arrival(session.respondent_id, session.channel, session.invite, state,
                   typed_organisation(q, session.counted),
                   session.invited.organisation if session.invited else None,
                   session.started_at, session.submitted.at if session.submitted else None)


async def arrivals(q: Questionnaire, sessions: AsyncIterable[Session]) -> list[Arrival]:
    """The arrival of every session, streamed (one session in memory at a time)."""
    return [arrival(q, session) async for session in sessions]


class InvitedTally(BaseModel):
    """Of the invitations of one category: how many, how many started, how many submitted."""

    invited: int = 0
    started: int = 0
    submitted: int = 0


class NotAnswered(BaseModel):
    """An invited organisation that has not submitted yet."""

    code: str
    organisation: str
    category: str | None
    name: str | None
    email: str | None
    state: State
    days_left: int | None


def states(invitations: list[Invitation], seen: list[Arrival]) -> dict[str, State]:
    """Each open invitation's state, by code (several people may have come with one code)."""
    found = {inv.code: State.NOT_STARTED for inv in invitations if not inv.revoked}
    for one in seen:
        if one.invite in found and _RANK[one.state] > _RANK[found[one.invite]]:
            found[one.invite] = one.state
    return found


def by_category(invitations: list[Invitation], seen: list[Arrival]) -> dict[str, InvitedTally]:
    """Invited / started / submitted per invited category (revoked invitations are not counted)."""
    reached = states(invitations, seen)
    tallies: dict[str, InvitedTally] = {}
    for inv in (inv for inv in invitations if inv.code in reached):
        tally = tallies.setdefault(inv.category or NO_CATEGORY, InvitedTally())
        tally.invited += 1
        tally.started += reached[inv.code] in (State.STARTED, State.SUBMITTED)
        tally.submitted += reached[inv.code] is State.SUBMITTED
    return tallies


def not_answered(q: Questionnaire, invitations: list[Invitation], seen: list[Arrival],
                 now: datetime) -> list[NotAnswered]:
    """The open invitations not submitted yet, those not started first."""
    reached = states(invitations, seen)
    left = days_left(q, now)
    rows = [NotAnswered(code=inv.code, organisation=inv.organisation, category=inv.category, name=inv.name,
                        email=inv.email, state=reached[inv.code], days_left=left)
            for inv in invitations if reached.get(inv.code, State.SUBMITTED) is not State.SUBMITTED]
    return sorted(rows, key=lambda row: (_RANK[row.state], row.organisation.casefold()))
