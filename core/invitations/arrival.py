"""A respondent arriving with an invitation code: the code checked, the invitation kept, the offer made."""

from __future__ import annotations

from core.inputs import Start
from core.invitations.model import Invited
from core.session import Session
from core.windows import INVITE

NOT_VALID = "That invitation code is not valid, so it was not kept. You can still answer."
UNKNOWN = "We do not know that invitation code, so it was not used. You can still answer."
REVOKED = "That invitation has been cancelled, so it was not used. You can still answer."
WELCOME = "Welcome. Your invitation is for {organisation}. When we ask, you can confirm or correct it."


def arrive(session: Session, start: Start) -> str | None:
    """Keep the invitation `start` brings, if it is good; the message to show, if any."""
    code = start.payload
    if code is None or session.invite is not None:
        return None  # no code, or an invitation already kept: the first one stays
    if not INVITE.match(code):
        return NOT_VALID
    if not start.looked_up:  # no invitations are kept here (a test, an old setup): the code is kept as given
        session.invite = code
        return None
    found = start.invitation
    if found is None or found.code != code:
        return UNKNOWN
    if found.revoked:
        return REVOKED
    session.invite, session.invited = code, Invited.of(found)
    return WELCOME.format(organisation=found.organisation)
