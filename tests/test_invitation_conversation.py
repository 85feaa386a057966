"""Arriving with an invitation: the organisation and categories offered to confirm, read like a chat."""

from __future__ import annotations

import pytest

from core import inputs
from core.invitations.model import Invitation
from core.service import ConsultService
from questionnaire.loader import parse
from storage.invitations.memory import MemoryInvitations
from storage.memory import MemoryRepository
from tests.support.chat import SMALL, T0, Clock, Respondent

# SMALL, with an organisation among the contact fields.
WITH_ORGANISATION = SMALL.replace(
    '{ id = "phone", label = "Phone", required = false },',
    '{ id = "organisation", label = "Organisation" },\n  { id = "phone", label = "Phone", required = false },',
)
CSF = Invitation(code="csf-2013_AbCdEfGh", organisation="Civil Society Forum", category="Non-Government",
                 subcategory="Civil society", created_at=T0)
GONE = Invitation(code="gone0000", organisation="Old Org", created_at=T0, revoked_at=T0)


@pytest.fixture
async def service() -> ConsultService:
    invitations = MemoryInvitations()
    await invitations.add([CSF, GONE])
    return ConsultService(parse(WITH_ORGANISATION), MemoryRepository(), Clock(), invitations=invitations)


async def test_invited_respondent_confirms_organisation_and_categories(service: ConsultService) -> None:
    ana = Respondent(service)
    reply = await ana.send(inputs.Start(CSF.code))
    assert "Your invitation is for Civil Society Forum" in reply.text
    await ana.says("yes", "Ana Silva")
    assert "Organisation (2 of 4)" in ana.last.text
    assert "Your invitation says: Civil Society Forum. Send 'keep' to confirm it" in ana.last.text
    assert ana.last.prompt is not None and ana.last.prompt.offered == "Civil Society Forum"
    await ana.says("keep", "skip", "ana@example.org")
    assert "Your invitation says: Non-Government." in ana.last.text
    assert ana.last.prompt is not None and ana.last.prompt.selected == [1]
    reply = await ana.say("keep")
    assert reply.prompt is not None and reply.prompt.item_id == "group"
    assert "Your invitation says: Civil society." in reply.text
    await ana.say("keep")
    session = await ana.session()
    assert session.answers["contact"].value["organisation"] == "Civil Society Forum"  # type: ignore[index]
    assert session.answers["sector"].value == "Non-Government"
    assert session.answers["group"].value == "Civil society"
    assert session.invite == CSF.code


async def test_invited_respondent_may_correct_and_both_are_kept(service: ConsultService) -> None:
    ana = Respondent(service)
    await ana.send(inputs.Start(CSF.code))
    await ana.says("yes", "Ana Silva", "Civil Society Forum (Geneva office)", "skip", "ana@example.org")
    reply = await ana.say("Government")
    assert reply.prompt is not None and reply.prompt.item_id == "topics"  # no sub-category for Government
    session = await ana.session()
    assert session.answers["contact"].value["organisation"] == "Civil Society Forum (Geneva office)"  # type: ignore[index]
    assert session.answers["sector"].value == "Government"
    assert session.invited is not None
    assert (session.invited.organisation, session.invited.category) == ("Civil Society Forum", "Non-Government")


async def test_an_answer_given_is_not_offered_again(service: ConsultService) -> None:
    ana = Respondent(service)
    await ana.send(inputs.Start(CSF.code))
    await ana.says("yes", "Ana Silva", "Another Org", "skip", "ana@example.org", "Government", "edit 3")
    assert "Your invitation says" not in ana.last.text
    assert ana.last.prompt is not None and ana.last.prompt.current == "Government"


async def test_unknown_code_gets_a_clear_message_and_the_ordinary_start(service: ConsultService) -> None:
    bo = Respondent(service, "bo")
    reply = await bo.send(inputs.Start("NoSuchCode123"))
    assert "We do not know that invitation code" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    await bo.says("yes", "Bo")
    assert "Your invitation says" not in bo.last.text
    session = await bo.session()
    assert session.invite is None and session.invited is None


async def test_revoked_code_gets_a_clear_message_and_the_ordinary_start(service: ConsultService) -> None:
    cy = Respondent(service, "cy")
    reply = await cy.send(inputs.Start(GONE.code))
    assert "That invitation has been cancelled" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    assert (await cy.session()).invite is None


async def test_an_invitation_opened_after_a_first_hello_is_still_offered(service: ConsultService) -> None:
    ana = Respondent(service)
    await ana.say("hello")
    reply = await ana.send(inputs.Start(CSF.code))
    assert "Welcome back." in reply.text and "Your invitation is for Civil Society Forum" in reply.text
    await ana.says("yes", "Ana Silva")
    assert "Your invitation says: Civil Society Forum." in ana.last.text


async def test_typed_start_with_a_code_is_looked_up(service: ConsultService) -> None:
    ana = Respondent(service)
    reply = await ana.say(f"/start {CSF.code}")
    assert "Your invitation is for Civil Society Forum" in reply.text
