"""Invitations end to end: Telegram's /start CODE and Slack's /consult start CODE through the stand-ins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.invitations.model import Invitation
from tests.test_slack_e2e import answer, workspace
from tests.test_telegram_e2e import Person, running, texts

T0 = datetime(2013, 6, 3, 9, 0, tzinfo=UTC)
CSF = Invitation(code="Csf2013forum_x9", organisation="Civil Society Forum", category="Non-Government",
                 subcategory="Civil society", created_at=T0)
GONE = Invitation(code="Gone2013org_q7", organisation="Old Org", created_at=T0, revoked_at=T0)


async def test_telegram_deep_link_offers_the_invitation_to_confirm(tmp_path: Path) -> None:
    async with running(tmp_path) as world:
        await world.app.invitations.add([CSF, GONE])
        ana = Person(world.api, world.api.user(42, "Ana"))
        seen = await ana.say(f"/start {CSF.code}", expect="Question 1 of")
        assert "Your invitation is for Civil Society Forum." in texts(seen)
        await ana.press("Yes", expect="Your name")
        await ana.say("Ana Silva", expect="Your invitation says: Civil Society Forum.")
        await ana.say("keep", expect="Your country")
        await ana.say("Kenya", expect="Your e-mail")
        await ana.say("ana@example.org", expect="Your invitation says: Non-Government.")
        await ana.say("keep", expect="Your invitation says: Civil society.")
        await ana.say("Private sector", expect="indicate if you are")  # corrected
        session = await world.app.service.session("telegram:42")
        assert session is not None and session.invited is not None
        assert session.answers["contact"].value["organisation"] == "Civil Society Forum"  # type: ignore[index]
        assert session.answers["q1"].value == "Non-Government"
        assert (session.answers["q1_group"].value, session.invited.subcategory) == ("Private sector", "Civil society")

        bo = Person(world.api, world.api.user(43, "Bo"))
        seen = await bo.say(f"/start {GONE.code}", expect="Question 1 of")
        assert "That invitation has been cancelled" in texts(seen)
        cy = Person(world.api, world.api.user(44, "Cy"))
        seen = await cy.say("/start NoSuchCode", expect="Question 1 of")
        assert "We do not know that invitation code" in texts(seen)


async def test_slack_consult_start_code_offers_the_invitation_to_confirm(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        await slack.app.invitations.add([CSF, GONE])
        ana = slack.user("U0ANA")
        seen = await ana.slash(f"start {CSF.code}", expect="Question 1 of")
        assert any("Your invitation is for Civil Society Forum." in text for text in seen)
        await ana.press("Yes", expect="Your name (1 of 4)")
        await ana.say("Ana Silva", expect="Your invitation says: Civil Society Forum.")
        await ana.say("keep", expect="Your country (3 of 4)")
        session = await ana.session()
        assert answer(session, "contact") == {"name": "Ana Silva", "organisation": "Civil Society Forum"}
        assert session is not None and session.invite == CSF.code

        bo = slack.user("U0BO")
        seen = await bo.slash(f"start {GONE.code}", expect="Question 1 of")
        assert any("That invitation has been cancelled" in text for text in seen)
        cy = slack.user("U0CY")
        seen = await cy.slash("start NoSuchCode", expect="Question 1 of")
        assert any("We do not know that invitation code" in text for text in seen)
