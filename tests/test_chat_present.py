"""What every chat front end shares: button tokens, the messages and buttons of a reply, admin commands."""

from __future__ import annotations

import pytest

from core import inputs
from core.chat import actions, present, secretariat
from core.chat.present import TICK, split
from core.export.options import ExportError
from core.export.records import Audience, Scope
from questionnaire.loader import QuestionnaireError, parse
from tests.support.chat import SMALL, Clock, Respondent, make_service

Q = parse(SMALL)


@pytest.fixture
def ana() -> Respondent:
    return Respondent(make_service(Q, Clock()))


async def test_an_old_command_button_never_acts_on_a_later_question(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "1")
    old_skip = next(b for b in present.view(Q, ana.last).commands if b.label == "Skip")  # under "Which topics?"
    await ana.says("1", "done")  # now at "Your motto?", which has a Skip button too
    before = await ana.session()
    reply = await ana.send(actions.decode(Q, old_skip.token) or inputs.ShowHelp())
    assert "belongs to an earlier question" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "motto" and reply.ask
    assert (await ana.session()) == before
    fresh_skip = next(b for b in present.view(Q, reply).commands if b.label == "Skip")
    await ana.send(actions.decode(Q, fresh_skip.token) or inputs.ShowHelp())
    assert (await ana.session()).cursor == "essay"


def test_tokens_round_trip_and_stay_short() -> None:
    assert actions.decode(Q, actions.choose(Q, "sector", 1)) == inputs.ChooseOptions("sector", (1,))
    assert actions.decode(Q, actions.toggle(Q, "topics", 3)) == inputs.ToggleOption("topics", 3)
    assert actions.decode(Q, actions.word("done")) == inputs.FinishAnswer()
    assert actions.decode(Q, actions.confirm("withdraw", yes=True)) == inputs.ForPending("withdraw", inputs.Confirm())
    assert actions.decode(Q, actions.word("skip", Q, "contact", 1)) == inputs.ForItem("contact", inputs.SkipItem(), 1)
    assert actions.decode(Q, actions.word("skip", Q, "motto")) == inputs.ForItem("motto", inputs.SkipItem())
    assert len(actions.toggle(Q, "topics", 3).encode()) <= actions.MAX_TOKEN_BYTES
    actions.check_fits(Q)


def test_a_questionnaire_too_big_for_buttons_is_refused_at_start() -> None:
    huge = Q.items[2].model_copy(update={"options": tuple(f"Option {n}" for n in range(10_000))})
    q = Q.model_copy(update={"items": (*Q.items[:2], huge, *Q.items[3:])})
    with pytest.raises(QuestionnaireError, match="9,999 items and options at most"):
        actions.check_fits(q)


@pytest.mark.parametrize("forged", [
    "", "c:", "c:2", "c:2:9", "c:99:0", "t:2:0", "c:4:0", "w:drop", "w:", "x:1:1", "c:-1:0", "c:2:1 ",
    "c:02:1" * 20, "w:done;rm", "\x00", "c:2:1\n", "c:٣:1", "w:skip:99", "w:skip:", "w:drop:2",
    "w:yes", "w:no", "y:", "y:delete", "w:skip:1.9", "w:skip:1.", "n:withdraw:2",
])
def test_forged_or_stale_data_is_no_input(forged: str) -> None:
    # item 2 is "sector" (2 options), 4 is "topics" (multiple choice), 6 is the short "motto".
    assert actions.decode(Q, forged) is None


async def test_question_view_has_heading_options_and_commands(ana: Respondent) -> None:
    reply = await ana.says("start", "yes", "Ana", "skip", "ana@example.org")
    view = present.view(Q, reply)
    question = view.parts[-1]
    assert question.heading == "Question 3 of 7"
    assert question.text.startswith("Your sector?")
    assert [b.label for b in view.options] == ["Government", "Non-Government"]
    assert [b.label for b in view.commands] == ["« Back"]
    assert "Reply with the number" not in question.text  # buttons, not numbers


async def test_multiple_choice_ticks_and_done(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "1")
    reply = await ana.send(inputs.ToggleOption("topics", 1))
    view = present.view(Q, reply)
    assert view.multiple
    assert [b.label for b in view.options] == ["Access", f"{TICK}Security", "Rights", "Standards"]
    done = next(b for b in view.commands if b.label == "Done")
    assert done.primary and actions.decode(Q, done.token) == inputs.ForItem("topics", inputs.FinishAnswer())


async def test_long_answer_count_carries_done_and_cancel(ana: Respondent) -> None:
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "1", "1", "skip")
    reply = await ana.say("Part one")
    view = present.view(Q, reply)
    assert [p.text for p in view.parts] == [
        "Received: 8 characters so far. Send more if your answer continues, or 'done' when it is complete."
    ]
    assert [b.label for b in view.commands] == ["Done", "Cancel"]


async def test_an_error_under_a_question_has_no_new_buttons(ana: Respondent) -> None:
    await ana.says("start")
    view = present.view(Q, await ana.say("maybe"))
    assert view.parts and not view.options and not view.commands


async def test_confirmation_has_yes_and_no(ana: Respondent) -> None:
    await ana.says("start")
    view = present.view(Q, await ana.say("withdraw"))
    assert [(b.label, actions.decode(Q, b.token)) for b in view.options] == [
        ("Yes", inputs.ForPending("withdraw", inputs.Confirm())), ("No", inputs.ForPending("withdraw", inputs.Cancel()))
    ]


async def test_old_yes_or_no_buttons_never_answer_another_question(ana: Respondent) -> None:
    await ana.says("start")
    old = present.view(Q, await ana.say("restart")).options  # Yes / No under "start again?"
    await ana.say("no")
    await ana.says("yes", "Ana", "skip", "ana@example.org", "2", "1", "1", "skip", "Part one")
    before = await ana.session()
    for button in old:  # mid long answer: an old No must not throw the draft away
        reply = await ana.send(actions.decode(Q, button.token) or inputs.ShowHelp())
        assert "belongs to an earlier question" in reply.text
    assert await ana.session() == before
    await ana.say("withdraw")
    reply = await ana.send(actions.decode(Q, old[0].token) or inputs.ShowHelp())  # the restart's Yes
    assert "belongs to an earlier question" in reply.text
    session = await ana.session()
    assert session.pending == "withdraw" and session.answers == before.answers


async def test_an_old_skip_under_one_contact_field_does_not_skip_another() -> None:
    q = parse(SMALL.replace('  { id = "phone", label = "Phone", required = false },',
                            '  { id = "phone", label = "Phone", required = false },\n'
                            '  { id = "org", label = "Organisation", required = false },'))
    bea = Respondent(make_service(q, Clock()))
    reply = await bea.says("start", "yes", "Bea")
    skip_phone = next(b for b in present.view(q, reply).commands if b.label == "Skip")
    await bea.says("+41 22", "ACME")  # now at E-mail; Organisation was answered
    await bea.says("edit 2", "keep", "keep")  # now at Organisation (field 3)
    reply = await bea.send(actions.decode(q, skip_phone.token) or inputs.ShowHelp())
    assert "belongs to an earlier question" in reply.text
    assert (await bea.session()).answers["contact"].value["org"] == "ACME"  # type: ignore[index]


@pytest.mark.parametrize("limit", [10, 37, 100, 4096])
def test_split_keeps_every_character_and_the_limit(limit: int) -> None:
    text = "\n\n".join(f"Paragraph {n}. " + "word " * n for n in range(40)) + "x" * 250
    pieces = split(text, limit)
    assert all(1 <= len(p) <= limit for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")


def test_split_prefers_paragraph_boundaries() -> None:
    text = "a" * 30 + "\n\n" + "b" * 30
    assert split(text, 40) == ["a" * 30, "b" * 30]


def test_split_measures_after_escaping() -> None:
    pieces = split("&" * 20, 25, lambda t: len(t.replace("&", "&amp;")))
    assert pieces == ["&" * 5] * 4


def test_secretariat_commands() -> None:
    assert secretariat.parse("/progress") == secretariat.ProgressRequest()
    assert secretariat.parse("export") == secretariat.ExportRequest()
    assert secretariat.parse("export xlsx,docx internal all") == secretariat.ExportRequest(
        ("xlsx", "docx"), Audience.INTERNAL, Scope.ALL
    )
    assert secretariat.parse("export xlsx docx") == secretariat.ExportRequest(("xlsx", "docx"))
    assert secretariat.parse("progress please") is None
    assert secretariat.parse("my answer") is None
    with pytest.raises(ExportError, match="unknown format 'pdf'"):
        secretariat.parse("export pdf")
    assert secretariat.is_admin(123, frozenset({"123"}))
    assert not secretariat.is_admin("U1", frozenset({"123"}))
