"""Editing a message that gave an answer, and reading a long answer whole, read like chats."""

from __future__ import annotations

import pytest

from core.amending import NOT_AN_ANSWER
from core.session import Status
from questionnaire.loader import parse
from tests.support.chat import SMALL, Clock, Respondent, make_service


@pytest.fixture
def ana() -> Respondent:
    return Respondent(make_service(parse(SMALL), Clock()))


async def reach_motto(ana: Respondent) -> None:
    await ana.says("start", "yes")
    await ana.say("Ana", ref="m-name")
    await ana.says("skip")
    await ana.say("ana@example.org", ref="m-mail")
    await ana.says("2", "1", "1, 2", "done")


async def answers(ana: Respondent) -> dict[str, object]:
    return {k: a.value for k, a in (await ana.session()).answers.items()}


async def test_editing_a_short_answer_updates_it_and_says_so(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("Open by default", ref="m-motto")
    reply = await ana.edit("m-motto", "Open by design")
    assert "Your answer to question 6 is updated." in reply.text
    assert (await answers(ana))["motto"] == "Open by design"
    assert not reply.ask  # the question being asked stays as it is
    assert (await ana.session()).cursor == "essay"


async def test_editing_a_contact_field_updates_only_that_field(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.edit("m-mail", "ana@example.com")
    assert (await answers(ana))["contact"] == {"name": "Ana", "phone": "", "email": "ana@example.com"}


async def test_an_edit_is_checked_like_an_answer(ana: Respondent) -> None:
    await reach_motto(ana)
    reply = await ana.refused(_edit("m-mail", "not an address"))
    assert "e-mail address" in reply.text and "Your earlier answer is kept." in reply.text
    await ana.say("Open by default", ref="m-motto")
    reply = await ana.refused(_edit("m-motto", "x" * 21))
    assert "1 characters too long" in reply.text


async def test_editing_one_part_of_an_unfinished_long_answer(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("skip")
    await ana.say("First part.", ref="p1")
    await ana.say("Second part.", ref="p2")
    reply = await ana.edit("p1", "First part, fixed.")
    assert "Updated: 31 characters so far." in reply.text
    await ana.say("done")
    assert (await answers(ana))["essay"] == "First part, fixed.\nSecond part."


async def test_editing_a_part_of_a_saved_long_answer(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("One.", ref="p1")
    await ana.say("Two.", ref="p2")
    await ana.say("done")
    await ana.edit("p2", "Two, better.")
    assert (await answers(ana))["essay"] == "One.\nTwo, better."


async def test_an_edited_message_that_no_longer_holds_the_answer_changes_nothing(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("First motto", ref="m1")
    await ana.says("back")
    await ana.say("Second motto", ref="m2")
    reply = await ana.refused(_edit("m1", "Edited first"))
    assert NOT_AN_ANSWER in reply.text
    assert (await answers(ana))["motto"] == "Second motto"


async def test_edits_of_commands_choices_and_unknown_messages_change_nothing(ana: Respondent) -> None:
    await ana.says("start")
    await ana.say("yes", ref="m-yes")  # a choice typed as a word is changed with 'edit N', not by editing
    for ref in ("m-yes", "never-seen"):
        reply = await ana.refused(_edit(ref, "no"))
        assert NOT_AN_ANSWER in reply.text


async def test_an_edit_is_never_a_yes_to_a_pending_withdrawal(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("Motto", ref="m1")
    await ana.say("withdraw")
    await ana.edit("m1", "yes")
    assert (await ana.session()).status is Status.IN_PROGRESS
    assert (await ana.session()).pending == "withdraw"


async def test_an_edit_after_submitting_asks_to_submit_again(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("Motto", ref="m1")
    await ana.says("skip", "skip", "submit")
    reply = await ana.edit("m1", "New motto")
    assert "Send 'submit' when you want them to have this version." in reply.text
    session = await ana.session()
    assert session.submitted is not None and session.submitted.answers["motto"].value == "Motto"


async def test_show_gives_a_long_answer_whole(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip", "A" * 30, "B" * 15, "done")
    review = await ana.say("review")
    assert "show" not in review.text  # under 200 characters: nothing is shortened
    reply = await ana.say("show 7")
    assert f"{'A' * 30}\n{'B' * 15}" in reply.text
    for bad in ("show", "show 99", "show x"):
        assert "for example: show 3" in (await ana.say(bad)).text


async def test_review_offers_show_when_an_answer_is_shortened() -> None:
    q = parse(SMALL.replace('text = "Anything else?"', 'text = "Anything else?"\nmax_length = 900'))
    ana = Respondent(make_service(q, Clock()))
    await reach_motto(ana)
    await ana.says("skip", "skip", "word " * 100, "done")
    review = await ana.say("review")
    assert "... (499 characters)" in review.text
    assert "e.g. show 8" in review.text
    assert ("word " * 100).strip() in (await ana.say("show 8")).text


def _edit(ref: str, text: str) -> object:
    from core.inputs import EditMessage

    return EditMessage(ref, text)


async def test_editing_an_empty_line_of_a_long_answer_changes_nothing(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("One.", ref="p1")
    await ana.say("", ref="p2")  # a paragraph break
    await ana.say("Two.", ref="p3")
    await ana.say("done")
    reply = await ana.refused(_edit("p2", "Inserted"))
    assert NOT_AN_ANSWER in reply.text
    assert (await answers(ana))["essay"] == "One.\n\nTwo."


async def test_skip_on_a_needed_field_answered_before_keeps_it(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.say("edit 2")
    reply = await ana.say("skip")
    assert "your answer is kept" in reply.text and "Phone" in reply.text
    assert (await answers(ana))["contact"] == {"name": "Ana", "phone": "", "email": "ana@example.org"}


async def test_an_edit_changes_the_message_edited_not_an_earlier_one_with_the_same_text(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("IGF. Yes.", ref="p1")
    await ana.say("Yes.", ref="p2")
    await ana.say("A.", ref="p3")
    await ana.say("done")
    await ana.edit("p2", "No.")
    assert (await answers(ana))["essay"] == "IGF. Yes.\nNo.\nA."
    await ana.edit("p3", "A, longer.")  # its place moved with the first edit
    assert (await answers(ana))["essay"] == "IGF. Yes.\nNo.\nA, longer."


async def test_an_edit_while_adding_to_the_answer_is_kept_by_done(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("One.", ref="p1")
    await ana.say("Two.", ref="p2")
    await ana.says("done", "back", "add")
    await ana.say("Three.", ref="p3")
    reply = await ana.edit("p2", "Two, better.")
    assert "Updated: 24 characters so far." in reply.text
    await ana.say("done")
    assert (await answers(ana))["essay"] == "One.\nTwo, better.\nThree."


async def test_an_edit_while_adding_survives_cancel(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("One.", ref="p1")
    await ana.say("Two.", ref="p2")
    await ana.says("done", "back", "add")
    await ana.edit("p1", "One, fixed.")
    await ana.say("cancel")
    assert (await answers(ana))["essay"] == "One, fixed.\nTwo."
    await ana.edit("p2", "Two, fixed.")  # the later message still found at its new place
    assert (await answers(ana))["essay"] == "One, fixed.\nTwo, fixed."


async def test_messages_of_a_replaced_answer_no_longer_edit_it(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("Agree", ref="old")
    await ana.says("done", "back")
    await ana.say("Agree with the draft, mostly.", ref="new")
    await ana.say("done")
    reply = await ana.refused(_edit("old", "Disagree"))
    assert NOT_AN_ANSWER in reply.text
    await ana.edit("new", "Agree with the draft.")
    assert (await answers(ana))["essay"] == "Agree with the draft."


async def test_an_old_message_matching_across_two_new_ones_is_refused_not_crashed(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("First point.\nSecond point.", ref="m1")
    await ana.say("cancel")
    await ana.say("First point.", ref="m2")
    await ana.say("Second point.", ref="m3")
    reply = await ana.edit("m1", "Changed.")
    assert NOT_AN_ANSWER in reply.text
    await ana.say("done")
    assert (await answers(ana))["essay"] == "First point.\nSecond point."


async def test_the_last_message_with_trailing_spaces_can_be_edited(ana: Respondent) -> None:
    await reach_motto(ana)
    await ana.says("skip")
    await ana.say("One.", ref="p1")
    await ana.say("Two.  ", ref="p2")
    await ana.say("done")
    await ana.edit("p2", "Two, edited.")
    assert (await answers(ana))["essay"] == "One.\nTwo, edited."
