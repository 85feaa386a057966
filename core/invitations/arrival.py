"""A respondent arriving with an invitation code: the code checked, the invitation kept, the offer made."""

from __future__ import annotations

from core.i18n import N_, Translator
from core.inputs import Start
from core.invitations.model import Invited
from core.session import Session
from core.windows import INVITE

NOT_VALID = N_("That invitation code is not valid, so it was not kept. You can still answer.")
UNKNOWN = N_("We do not know that invitation code, so it was not used. You can still answer.")
REVOKED = N_("That invitation has been cancelled, so it was not used. You can still answer.")
# Translators: {organisation} is the name the secretariat wrote in the invitation.
WELCOME = N_("Welcome. Your invitation is for {organisation}. When we ask, you can confirm or correct it.")


def arrive(session: Session, start: Start, t: Translator) -> str | None:
    """Keep the invitation `start` brings, if it is good; the message to show, if any."""
    code = start.payload
    if code is None or session.invite is not None:
        return None  # no code, or an invitation already kept: the first one stays
    if not INVITE.match(code):
        return t.gettext(NOT_VALID)
    if not start.looked_up:  # no invitations are kept here (a test, an old setup): the code is kept as given
        session.invite = code
        return None
    found = start.invitation
    if found is None or found.code != code:
        return t.gettext(UNKNOWN)
    if found.revoked:
        return t.gettext(REVOKED)
    session.invite, session.invited = code, Invited.of(found)
    return t.gettext(WELCOME).format(organisation=found.organisation)
