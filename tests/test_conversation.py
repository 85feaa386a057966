"""Conversations with the engine through the service: every input, read like a chat."""

from __future__ import annotations

import pytest

from core import inputs
from core.reply import Expects
from core.session import Status
from questionnaire.loader import parse
from tests.support.chat import SMALL, Clock, Respondent, make_service


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ana(clock: Clock) -> Respondent:
    return Respondent(make_service(parse(SMALL), clock))


async def reach_topics(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "1")


async def reach_essay(ana: Respondent) -> None:
    """At the long question, with the choices before it answered."""
    await reach_topics(ana)
    await ana.says("1", "Be kind")


async def test_start_shows_introduction_and_consent(ana: Respondent) -> None:
    reply = await ana.say("start")
    assert "A short test questionnaire." in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    assert reply.prompt.options == ["Yes", "No"]
    assert reply.progress is not None and (reply.progress.index, reply.progress.total) == (1, 7)


async def test_any_first_message_starts(ana: Respondent) -> None:
    reply = await ana.say("hello")
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    assert reply.status is Status.IN_PROGRESS


async def test_contact_fields_one_by_one_with_optional_skip(ana: Respondent) -> None:
    await ana.says("start", "yes")
    assert "Name (1 of 3)" in ana.last.text
    await ana.say("Ana Silva")
    reply = await ana.say("skip")
    assert "E-mail (3 of 3)" in reply.text
    reply = await ana.say("not-an-address")
    assert "does not look like an e-mail address" in reply.text
    assert reply.ask is False
    await ana.say("ana@example.org")
    answers = (await ana.session()).answers
    assert answers["contact"].value == {"name": "Ana Silva", "phone": "", "email": "ana@example.org"}


async def test_required_field_cannot_be_skipped(ana: Respondent) -> None:
    await ana.says("start", "yes")
    reply = await ana.refused("skip")
    assert "'Name' is needed" in reply.text


async def test_follow_up_asked_only_for_non_government(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org")
    reply = await ana.say("Government")
    assert reply.prompt is not None and reply.prompt.item_id == "topics"
    await ana.say("back")
    reply = await ana.say("Non-Government")
    assert reply.prompt is not None and reply.prompt.item_id == "group"
    assert reply.progress is not None and reply.progress.total == 8


async def test_changing_category_sets_the_follow_up_answer_aside(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "Civil society")
    assert "group" in (await ana.session()).answers
    await ana.says("edit 3", "1")
    session = await ana.session()
    assert "group" not in session.answers and session.set_aside["group"].answer.value == "Civil society"


async def test_choice_by_number_or_label_any_case(ana: Respondent) -> None:
    await ana.says("start", " YES ")
    assert (await ana.session()).answers["consent"].value == "Yes"


async def test_option_number_out_of_range(ana: Respondent) -> None:
    await ana.say("start")
    reply = await ana.refused("3")
    assert "There is no option 3" in reply.text and "1 to 2" in reply.text
    reply = await ana.refused("9" * 5000)
    assert "There is no option 999999..." in reply.text


async def test_unknown_label(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org")
    reply = await ana.refused("Academia")
    assert "choose one of the options" in reply.text


async def test_multiple_choice_numbers_and_limits(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.send(inputs.ToggleOption("topics", 1))  # a tick already given must survive the refusals
    reply = await ana.refused("1, 2, 3")
    assert "at most 2" in reply.text and "You chose 3" in reply.text
    reply = await ana.refused("5")
    assert "no option 5" in reply.text
    reply = await ana.refused("1  " * 40 + "x")  # once took minutes: must be refused at once
    assert "is not one of the options" in reply.text
    await ana.say("1 3")
    assert (await ana.session()).answers["topics"].value == ["Access", "Rights"]


async def test_multiple_choice_by_names(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.say("security, standards")
    assert (await ana.session()).answers["topics"].value == ["Security", "Standards"]


async def test_multiple_choice_names_may_hold_commas(clock: Clock) -> None:
    q = parse(SMALL.replace('options = ["Access", "Security", "Rights", "Standards"]',
                            'options = ["Access", "Water, sanitation", "Rights", "Standards"]'))
    ana = Respondent(make_service(q, clock))
    await reach_topics(ana)
    await ana.say("access, water, sanitation")
    assert (await ana.session()).answers["topics"].value == ["Access", "Water, sanitation"]


async def test_multiple_choice_toggles_then_done(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.send(inputs.ToggleOption("topics", 0))
    reply = await ana.send(inputs.ToggleOption("topics", 3))
    assert reply.prompt is not None and reply.prompt.selected == [0, 3]
    reply = await ana.send(inputs.ToggleOption("topics", 0))
    assert reply.prompt is not None and reply.prompt.selected == [3]
    await ana.say("done")
    assert (await ana.session()).answers["topics"].value == ["Standards"]


async def test_note_is_shown_on_the_way(ana: Respondent) -> None:
    await reach_topics(ana)
    reply = await ana.say("1")
    assert "Now two open questions." in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "motto"


async def test_answer_over_maximum_says_by_how_much(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.say("1")
    reply = await ana.refused("x" * 25)
    assert "5 characters too long" in reply.text and "allows 20" in reply.text


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
async def test_empty_answer_is_refused(ana: Respondent, text: str) -> None:
    await reach_topics(ana)
    await ana.say("1")
    reply = await ana.refused(text)
    assert "empty" in reply.text


@pytest.mark.parametrize("text", ["bad\x00byte", "bell\x07", "esc\x1b[31m", "del\x7f"])
async def test_control_characters_are_refused(ana: Respondent, text: str) -> None:
    await reach_topics(ana)
    await ana.say("1")
    reply = await ana.refused(text)
    assert "control characters" in reply.text


async def test_text_where_choice_expected_and_button_where_text_expected(ana: Respondent) -> None:
    await ana.say("start")
    reply = await ana.refused("I think so")
    assert "choose one of the options" in reply.text
    await ana.says("yes")
    reply = await ana.refused(inputs.ChooseOptions("contact", (0,)))
    assert "needs a written answer" in reply.text


async def test_button_from_an_old_question_changes_nothing(ana: Respondent) -> None:
    await ana.says("start", "yes")
    before = await ana.session()
    reply = await ana.press("consent", 1)
    assert "earlier question" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "contact"
    assert await ana.session() == before


async def test_forged_option_index(ana: Respondent) -> None:
    await ana.say("start")
    reply = await ana.refused(inputs.ChooseOptions("consent", (7,)))
    assert "does not exist" in reply.text
    reply = await ana.refused(inputs.ChooseOptions("consent", (0, 1)))
    assert "only one option" in reply.text


async def test_long_answer_over_several_messages(ana: Respondent) -> None:
    await reach_essay(ana)
    reply = await ana.say("First part.")
    assert "11 characters so far" in reply.text
    reply = await ana.say("Second part.")
    assert "24 characters so far" in reply.text
    assert reply.prompt is not None and reply.prompt.draft_chars == 24
    await ana.say("done")
    assert (await ana.session()).answers["essay"].value == "First part.\nSecond part."


async def test_a_one_character_part_is_one_character(ana: Respondent) -> None:
    await reach_essay(ana)
    reply = await ana.say("A")
    assert "Received: 1 character so far." in reply.text
    reply = await ana.say("edit 1")
    assert "You are in the middle of an answer (1 character so far)." in reply.text


async def test_blank_line_inside_a_long_answer_is_a_paragraph_break(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "First para")
    reply = await ana.say("")
    assert "characters so far" in reply.text
    await ana.says("Second para", "", "done")
    assert (await ana.session()).answers["essay"].value == "First para\n\nSecond para"


async def test_long_answer_part_over_maximum_keeps_earlier_parts(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "x" * 40)
    reply = await ana.say("y" * 20)
    assert "not added" in reply.text and "would have 61 characters" in reply.text
    assert "You can add 9 more characters" in reply.text and "kept" in reply.text
    assert (await ana.session()).draft is not None
    assert (await ana.session()).draft.parts == ["x" * 40]  # type: ignore[union-attr]


async def test_command_in_the_middle_of_a_long_answer(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "Half an answer")
    for command in ("back", "skip", "edit 1", "submit", "keep"):
        reply = await ana.say(command)
        assert "in the middle of an answer" in reply.text, command
    session = await ana.session()
    assert session.cursor == "essay" and session.draft is not None
    assert session.draft.parts == ["Half an answer"]


async def test_cancel_discards_an_unfinished_long_answer(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "Half an answer")
    reply = await ana.say("cancel")
    assert "discarded" in reply.text
    assert (await ana.session()).draft is None


async def test_review_and_status_are_allowed_mid_answer(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "Half")
    assert "Your answers:" in (await ana.say("review")).text
    assert "You have answered" in (await ana.say("status")).text
    assert (await ana.session()).draft is not None


async def test_earlier_long_answer_replaced_or_added_to(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("1", "Be kind", "Old text", "done", "skip")
    reply = await ana.say("edit 7")
    assert reply.prompt is not None and reply.prompt.current == "Old text"
    await ana.says("add", "more", "done")
    assert (await ana.session()).answers["essay"].value == "Old text\nmore"
    await ana.says("edit 7", "New text", "done")
    assert (await ana.session()).answers["essay"].value == "New text"


async def test_back_goes_to_previous_question_and_first_has_none(ana: Respondent) -> None:
    reply = await ana.says("start", "back")
    assert "first question" in reply.text
    await ana.says("yes", "Ana")
    reply = await ana.say("back")
    assert "Name (1 of 3)" in reply.text
    reply = await ana.say("back")
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    assert reply.prompt.current == "Yes"


async def test_keep_keeps_earlier_answer(ana: Respondent) -> None:
    await ana.says("start", "yes", "back")
    reply = await ana.say("keep")
    assert reply.prompt is not None and reply.prompt.item_id == "contact"
    assert (await ana.session()).answers["consent"].value == "Yes"


async def test_skip_optional_but_not_required(ana: Respondent) -> None:
    await ana.say("start")
    reply = await ana.refused("skip")
    assert "cannot be skipped" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    await ana.says("yes", "Ana", "skip", "ana@example.org", "2", "1")
    reply = await ana.say("skip")
    assert reply.prompt is not None and reply.prompt.item_id == "motto"
    assert (await ana.session()).answers["topics"].value is None


async def test_review_lists_answers_numbered(ana: Respondent) -> None:
    await reach_topics(ana)
    reply = await ana.say("review")
    assert "1. May we cite you?\n   -> Yes" in reply.text
    assert "4. Which group?\n   -> Civil society" in reply.text
    assert "5. Which topics?\n   -> no answer yet" in reply.text


async def test_edit_question_that_does_not_exist(ana: Respondent) -> None:
    await ana.say("start")
    before = await ana.session()
    for text, expected in (("edit 99", "no question 99"), ("edit 0", "no question 0"),
                           ("edit abc", "for example: edit 3"), ("edit", "for example: edit 3")):
        reply = await ana.say(text)
        assert expected in reply.text
    assert await ana.session() == before


async def test_submit_with_required_missing_goes_to_first_missing(ana: Respondent) -> None:
    await ana.says("start", "yes")
    reply = await ana.say("submit")
    assert "still need an answer: 2, 3" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "contact"
    assert (await ana.session()).status is Status.IN_PROGRESS


async def test_submit_shows_review_first_then_submits(ana: Respondent, clock: Clock) -> None:
    await reach_topics(ana)
    reply = await ana.say("submit")
    assert "Your answers:" in reply.text and "Send 'submit' again" in reply.text
    assert (await ana.session()).status is Status.IN_PROGRESS
    reply = await ana.say("submit")
    assert reply.submitted and reply.status is Status.SUBMITTED
    session = await ana.session()
    assert session.submitted is not None and session.submitted.at == clock.now


async def test_walk_to_the_end_then_submit(ana: Respondent) -> None:
    await reach_topics(ana)
    reply = await ana.says("1", "Be kind", "An essay", "done", "skip")
    assert reply.prompt is not None and reply.prompt.expects is Expects.SUBMIT
    assert "Your answers:" in reply.text
    reply = await ana.say("submit")
    assert reply.submitted


async def test_amend_after_submitting_keeps_history(ana: Respondent, clock: Clock) -> None:
    await reach_topics(ana)
    await ana.says("submit", "submit")
    first_submit = clock.now
    clock.advance(days=3)
    reply = await ana.says("edit 5", "2")
    assert "still has your submitted answers" in reply.text
    session = await ana.session()
    assert session.changed_since_submit and session.submitted is not None
    assert session.submitted.answers.get("topics") is None
    assert "not submitted yet" in (await ana.say("status")).text
    await ana.says("submit", "submit")
    session = await ana.session()
    assert [s.at for s in session.submissions] == [first_submit, clock.now]
    assert session.submissions[-1].answers["topics"].value == ["Security"]
    assert not session.changed_since_submit


async def test_submit_twice_without_changes(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("submit", "submit")
    reply = await ana.say("submit")
    assert "already submitted" in reply.text
    assert len((await ana.session()).submissions) == 1


async def test_restart_asks_then_clears(ana: Respondent) -> None:
    await reach_topics(ana)
    reply = await ana.say("restart")
    assert reply.prompt is not None and reply.prompt.expects is Expects.CONFIRM
    reply = await ana.say("no")
    assert "Nothing was changed" in reply.text
    assert (await ana.session()).answers != {}
    await ana.says("restart", "yes")
    session = await ana.session()
    assert session.answers == {} and session.cursor == "consent"


async def test_review_while_confirming_keeps_the_question_open(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.say("withdraw")
    reply = await ana.say("review")
    assert "Your answers:" in reply.text
    assert reply.prompt is not None and reply.prompt.expects is Expects.CONFIRM
    await ana.say("yes")
    assert (await ana.session()).status is Status.WITHDRAWN


async def test_withdraw_asks_then_deletes_everything(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("submit", "submit", "withdraw")
    assert (await ana.session()).answers != {}
    reply = await ana.say("yes")
    assert "deleted" in reply.text
    session = await ana.session()
    assert session.status is Status.WITHDRAWN
    assert session.answers == {} and session.submissions == []
    reply = await ana.say("Ana")
    assert "withdrawn" in reply.text


async def test_opening_the_chat_again_does_not_undo_a_withdrawal(ana: Respondent) -> None:
    await reach_topics(ana)
    await ana.says("withdraw", "yes")
    reply = await ana.send(inputs.Resume())
    assert "withdrawn" in reply.text
    assert (await ana.session()).status is Status.WITHDRAWN
    reply = await ana.say("start")
    assert reply.prompt is not None and reply.prompt.item_id == "consent"


async def test_opening_the_chat_first_time_begins_and_later_resumes(ana: Respondent) -> None:
    reply = await ana.send(inputs.Resume())
    assert reply.prompt is not None and reply.prompt.item_id == "consent"
    await ana.say("yes")
    reply = await ana.send(inputs.Resume())
    assert "Welcome back" in reply.text and "Name (1 of 3)" in reply.text


@pytest.mark.parametrize("word", ["Yes please", "oui", "OK!", "sí"])
async def test_confirmation_understands_yes_in_several_ways(ana: Respondent, word: str) -> None:
    await reach_topics(ana)
    await ana.says("restart", word)
    assert (await ana.session()).answers == {}


async def test_done_with_nothing_ticked_asks_for_an_option(ana: Respondent) -> None:
    await reach_topics(ana)
    reply = await ana.say("done")
    assert "choose at least one option first" in reply.text


async def test_after_closing_the_prompt_does_not_invite_changes(clock: Clock) -> None:
    q = parse(SMALL.replace('title = "Small test"', 'title = "Small test"\ncloses = 2013-06-10T00:00:00Z'))
    ana = Respondent(make_service(q, clock))
    await reach_topics(ana)
    await ana.says("submit", "submit")
    clock.advance(days=30)
    reply = await ana.say("status")
    assert reply.prompt is not None and reply.prompt.expects is Expects.NOTHING
    assert "closed on 10 June 2013" in reply.prompt.text and "edit" not in reply.prompt.text


async def test_help_lists_commands_and_repeats_question(ana: Respondent) -> None:
    await ana.say("start")
    reply = await ana.say("/help")
    assert "edit 3" in reply.text and "May we cite you?" in reply.text


async def test_resume_after_days_away(ana: Respondent, clock: Clock) -> None:
    await reach_topics(ana)
    clock.advance(days=9)
    reply = await ana.say("start")
    assert "Welcome back" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "topics"


async def test_repeated_inbound_id_changes_nothing(ana: Respondent) -> None:
    await ana.say("start", inbound_id="m1")
    await ana.say("yes", inbound_id="m2")
    before = await ana.session()
    reply = await ana.say("yes", inbound_id="m2")
    assert reply.duplicate
    assert await ana.session() == before


async def test_invitation_code_kept_or_refused(clock: Clock) -> None:
    service = make_service(parse(SMALL), clock)
    good, bad = Respondent(service, "good"), Respondent(service, "bad")
    await good.send(inputs.Start("wgec-2013_csd"))
    assert (await good.session()).invite == "wgec-2013_csd"
    reply = await bad.send(inputs.Start("no spaces!" * 10))
    assert "not valid" in reply.text
    assert (await bad.session()).invite is None


async def test_closed_consultation_refuses_changes(clock: Clock) -> None:
    q = parse(SMALL.replace('title = "Small test"', 'title = "Small test"\ncloses = 2013-06-10T00:00:00Z'))
    ana = Respondent(make_service(q, clock))
    await ana.says("start", "yes")
    clock.advance(days=30)
    reply = await ana.say("Ana")
    assert "closed on 10 June 2013" in reply.text
    assert "contact" not in (await ana.session()).answers
    assert "Your answers:" in (await ana.say("review")).text


async def test_not_yet_open(clock: Clock) -> None:
    q = parse(SMALL.replace('title = "Small test"', 'title = "Small test"\nopens = 2013-07-01T00:00:00Z'))
    ana = Respondent(make_service(q, clock))
    reply = await ana.say("start")
    assert "opens on 01 July 2013" in reply.text
    assert reply.status is Status.NEW
