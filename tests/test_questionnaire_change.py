"""A questionnaire changed while people answer: no stored answer is lost, nobody is locked out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import engine, flow, inputs, progress
from core.chat.secretariat import progress_text
from core.export.records import Audience, Scope, compile_responses
from core.export.run import export
from core.inputs import Input
from core.questionnaire_change import compare
from core.renames import Renames, rename_all
from core.service import ConsultService
from core.session import Session, Status
from questionnaire.loader import bundled_path, parse
from questionnaire.model import Questionnaire
from storage.memory import MemoryRepository
from tests.support.chat import SMALL, Clock, Respondent
from tests.test_cli import WALK, consult
from tests.test_engine_properties import QUESTIONNAIRES, T0, sensible_answer

WGEC = bundled_path().read_text(encoding="utf-8")
# Up to question 2: consent, contact, category, then both follow-ups of "Non-Government".
TO_Q2 = ["start", "yes", "Ana Silva", "Open Net Initiative", "Kenya", "ana@example.org",
         "Non-Government", "1", "With ECOSOC consultative status"]
RENAMED = 'options = ["Government", "Non-governmental"]'


def renamed_text(mark: bool) -> str:
    """The WGEC file with 'Non-Government' renamed, as a secretariat would edit a copy."""
    text = WGEC.replace('options = ["Government", "Non-Government"]', RENAMED)
    text = text.replace('any_of = ["Non-Government"]', 'any_of = ["Non-governmental"]')
    if mark:
        text = text.replace(RENAMED, RENAMED + '\nrenamed_options = { "Non-Government" = "Non-governmental" }')
    return text


def renamed_in_copy(mark: bool) -> Questionnaire:
    return parse(renamed_text(mark))


class Consultation:
    """One database, served by one questionnaire file and then by its edited copy."""

    def __init__(self, q: Questionnaire) -> None:
        self.repository = MemoryRepository()
        self.clock = Clock()
        self.service = ConsultService(q, self.repository, self.clock)

    def change_to(self, q: Questionnaire) -> None:
        self.clock.advance(days=1)
        self.service = ConsultService(q, self.repository, self.clock)

    def respondent(self, name: str = "ana") -> Respondent:
        return Respondent(self.service, name)


async def test_a_renamed_option_without_a_mark_sets_answers_aside_and_never_deletes_them() -> None:
    consultation = Consultation(parse(WGEC))
    ana = consultation.respondent()
    await ana.says(*TO_Q2)
    before = (await ana.session()).answers
    consultation.change_to(renamed_in_copy(mark=False))
    ana = consultation.respondent()
    await ana.say("hello")
    session = await ana.session()
    kept = {**session.answers, **{k: aside.answer for k, aside in session.set_aside.items()}}
    assert {k: a.value for k, a in kept.items()} == {k: a.value for k, a in before.items()}
    assert set(session.set_aside) == {"q1_group", "q1_status"}
    assert "Non-Government" in session.set_aside["q1_group"].why


async def test_a_renamed_option_with_a_mark_keeps_the_answers_under_the_new_name() -> None:
    consultation = Consultation(parse(WGEC))
    ana = consultation.respondent()
    await ana.says(*TO_Q2)
    consultation.change_to(renamed_in_copy(mark=True))
    ana = consultation.respondent()
    reply = await ana.say("hello")
    session = await ana.session()
    assert session.answers["q1"].value == "Non-governmental"
    assert session.answers["q1_group"].value == "Civil society"
    assert session.answers["q1_status"].value == "With ECOSOC consultative status"
    assert session.set_aside == {}
    assert reply.progress is not None and reply.progress.answered == 5


async def test_answers_set_aside_by_the_respondent_come_back_when_they_change_back() -> None:
    consultation = Consultation(parse(WGEC))
    ana = consultation.respondent()
    await ana.says(*TO_Q2, "edit 3", "Government")
    session = await ana.session()
    assert "q1_group" not in session.answers and set(session.set_aside) == {"q1_group", "q1_status"}
    await ana.says("edit 3", "Non-Government")
    session = await ana.session()
    assert session.answers["q1_group"].value == "Civil society" and session.set_aside == {}


# -- point 15: the question someone is on is removed from the file ---------------------------

TOPICS = SMALL[SMALL.index('[[items]]\nid = "topics"'):SMALL.index('[[items]]\nid = "note"')]
WITHOUT_TOPICS = SMALL.replace(TOPICS, "")

EVERY_INPUT: dict[str, Input] = {
    "hello": inputs.parse_text("hello"),
    "start": inputs.Start(),
    "resume": inputs.Resume(),
    "status": inputs.ShowStatus(),
    "help": inputs.ShowHelp(),
    "review": inputs.ShowReview(),
    "back": inputs.GoBack(),
    "skip": inputs.SkipItem(),
    "keep": inputs.KeepAnswer(),
    "done": inputs.FinishAnswer(),
    "an answer": inputs.parse_text("Security"),
    "a button of the removed question": inputs.ChooseOptions("topics", (0,)),
    "a tick of the removed question": inputs.ToggleOption("topics", 1),
    "show 1": inputs.ShowAnswer(1, "1"),
    "edit 2": inputs.EditItem(2, "2"),
    "submit": inputs.SubmitAnswers(),
    "restart": inputs.RestartAnswers(),
    "an edited message": inputs.EditMessage("m1", "Ana Maria"),
}


@pytest.mark.parametrize("name", list(EVERY_INPUT))
async def test_someone_on_a_removed_question_is_moved_on_and_told(name: str) -> None:
    consultation = Consultation(parse(SMALL))
    ana = consultation.respondent()
    await ana.says("start", "yes")
    await ana.say("Ana", ref="m1")
    await ana.says("skip", "ana@example.org", "2", "1")
    await ana.send(inputs.ToggleOption("topics", 0))
    assert (await ana.session()).cursor == "topics"
    consultation.change_to(parse(WITHOUT_TOPICS))
    ana = consultation.respondent()
    reply = await ana.send(EVERY_INPUT[name])
    assert "The question you were on was removed from the questionnaire" in reply.text
    session = await ana.session()
    assert session.cursor != "topics" and session.status is Status.IN_PROGRESS
    assert "motto" not in session.answers, "an input meant for the removed question answered the next one"
    assert reply.prompt is not None
    # The next input is an ordinary one: no word about the removed question any more.
    reply = await ana.say("status")
    assert "removed" not in reply.text and "You have answered" in reply.text


# -- any edit of the file, any input after it --------------------------------------------------

EVERY_KIND = QUESTIONNAIRES["every_kind"]


def _walked(data: st.DataObject) -> Session:
    """A respondent somewhere in the every-kind questionnaire, reached by sensible answers."""
    session = engine.apply(EVERY_KIND, engine.new_session("t:one", "t"), inputs.Start(), T0).session
    for _ in range(data.draw(st.integers(0, 8) | st.integers(0, 25), label="steps")):
        if session.cursor is None:
            break
        command = data.draw(sensible_answer(EVERY_KIND.item(session.cursor), session), label="answer")
        session = engine.apply(EVERY_KIND, session, command, T0).session
    return session


def _first_often(first: list[Any], rest: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(first) | st.sampled_from(rest) if first else st.sampled_from(rest)


def _edited(data: st.DataObject, at: str | None) -> tuple[Questionnaire, Renames]:
    """The questionnaire with one item, field or option removed, or one option renamed (marked or not).

    Often the one the respondent is on (`at`): where an edit is most likely to lock someone out.
    """
    raw = EVERY_KIND.model_dump(mode="json", exclude_defaults=True)
    named = {item["when"]["item"] for item in raw["items"] if "when" in item}
    removable = [n for n, item in enumerate(raw["items"]) if item["id"] not in named]
    choices = [item for item in raw["items"] if item.get("options")]
    here = [n for n, item in enumerate(raw["items"]) if item["id"] == at]
    edit = data.draw(st.sampled_from(["item", "note", "field", "option", "rename"]), label="edit")
    if edit == "note":  # a question made a note (its text kept, its answers too)
        n = data.draw(_first_often([n for n in here if n in removable], removable), label="made a note")
        raw["items"][n] = {"id": raw["items"][n]["id"], "kind": "note", "text": raw["items"][n]["text"]}
    elif edit == "item":
        del raw["items"][data.draw(_first_often([n for n in here if n in removable], removable), label="removed")]
    elif edit == "field":
        groups = [item["fields"] for item in [raw["items"][n] for n in here] + raw["items"] if "fields" in item]
        fields = data.draw(_first_often(groups[:1], groups), label="fields of")
        del fields[data.draw(st.integers(1, len(fields) - 1), label="field removed")]
    elif edit == "option":
        fit = [item for item in [raw["items"][n] for n in here] + choices
               if len(item.get("options", [])) > 2 and item["id"] not in named]
        item = data.draw(_first_often(fit[:1], fit), label="option removed from")
        item["options"].pop(data.draw(st.integers(0, len(item["options"]) - 1), label="option removed"))
        if item["kind"] == "multiple":
            item["max_choices"] = min(item.get("max_choices", 99), len(item["options"]))
    if edit != "rename":
        return Questionnaire.model_validate(raw), {}
    item = data.draw(st.sampled_from(choices), label="renamed in")
    old = data.draw(st.sampled_from(item["options"]), label="old name")
    new = old + " (renamed)"
    item["options"] = [new if option == old else option for option in item["options"]]
    for other in raw["items"]:
        if other.get("when", {}).get("item") == item["id"]:
            other["when"]["any_of"] = [new if v == old else v for v in other["when"]["any_of"]]
    marked = data.draw(st.booleans(), label="marked")
    if marked:
        item["renamed_options"] = {old: new}
    return Questionnaire.model_validate(raw), {item["id"]: {old: new}} if marked else {}


ANY_INPUT = st.sampled_from([
    inputs.Resume(), inputs.Start(), inputs.ShowStatus(), inputs.ShowHelp(), inputs.ShowReview(),
    inputs.GoBack(), inputs.SkipItem(), inputs.KeepAnswer(), inputs.FinishAnswer(), inputs.SubmitAnswers(),
    inputs.EditItem(1, "1"), inputs.ShowAnswer(2, "2"), inputs.parse_text("hello"), inputs.parse_text("2"),
    *[inputs.ChooseOptions(item.id, (0,)) for item in EVERY_KIND.items],
])


@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_edit_of_the_file_loses_an_answer_or_locks_anyone_out(data: st.DataObject) -> None:
    session = _walked(data)
    q, table = _edited(data, session.cursor)
    held = rename_all(session.answers, table)
    looked = engine.apply(q, session, inputs.ShowStatus(), T0)
    kept = {**looked.session.answers, **{k: aside.answer for k, aside in looked.session.set_aside.items()}}
    assert {k: kept[k].value for k in held} == {k: a.value for k, a in held.items()}, "an answer was lost"
    out = engine.apply(q, looked.session, data.draw(ANY_INPUT, label="then"), T0)
    s = out.session
    assert out.reply.text.strip() and set(held) <= set(s.answers) | set(s.set_aside)
    assert s.cursor is None or s.cursor in {item.id for item in flow.questions(q, s.answers)}


async def test_an_unfinished_answer_to_a_removed_question_is_kept_aside() -> None:
    consultation = Consultation(parse(SMALL))
    ana = consultation.respondent()
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "1", "1", "Be kind", "First part.")
    assert (await ana.session()).draft is not None
    essay = SMALL[SMALL.index('[[items]]\nid = "essay"'):SMALL.index('[[items]]\nid = "extra"')]
    consultation.change_to(parse(SMALL.replace(essay, "")))
    ana = consultation.respondent()
    reply = await ana.say("Second part.")
    assert "was removed from the questionnaire" in reply.text
    assert reply.prompt is not None and reply.prompt.item_id == "extra"
    session = await ana.session()
    assert session.set_aside["essay"].answer.value == "First part." and "extra" not in session.answers


# -- what the secretariat sees of a changed file ----------------------------------------------------


async def submitted_before_the_change(q: Questionnaire) -> tuple[Consultation, list[Session]]:
    """Ana (Non-Government, civil society) submitted; the file changes; she has not come back since."""
    consultation = Consultation(parse(WGEC))
    ana = consultation.respondent()
    await ana.says(*TO_Q2, "Views.", "done", "skip", "Security.", "done", "n/a", "done",
                   *["skip"] * 7, "Capacity.", "done", "skip", "submit")
    assert (await ana.session()).status is Status.SUBMITTED
    consultation.change_to(q)
    return consultation, await consultation.repository.all()


async def test_set_aside_answers_are_counted_nowhere_but_shown_to_the_secretariat(tmp_path: Path) -> None:
    q = renamed_in_copy(mark=False)
    consultation, sessions = await submitted_before_the_change(q)
    figures = progress.report(q, sessions, consultation.clock())
    assert (figures.set_aside, figures.set_aside_respondents) == (2, 1)
    assert "Set aside: 2 answers of 1 respondent, kept but not counted" in progress_text(figures)
    assert figures.by_subcategory == {}
    assert next(c for c in figures.questions if c.item_id == "q1_group").answered_so_far == 0
    internal = compile_responses(q, sessions, Audience.INTERNAL, Scope.SUBMITTED, consultation.clock())
    record = internal.records[0]
    assert "q1_group" not in record.answers and record.subcategories == {}
    assert record.set_aside["q1_group"].answer.value == "Civil society"
    export(q, sessions, tmp_path / "internal", formats=["json"], audience=Audience.INTERNAL, now=consultation.clock())
    written = json.loads(next((tmp_path / "internal").glob("*responses.json")).read_text())
    aside = written["respondents"][0]["set_aside"]["q1_group"]
    assert aside["value"] == "Civil society" and "Non-Government" in aside["why"]
    export(q, sessions, tmp_path / "public", formats=["json"], now=consultation.clock())
    public = (tmp_path / "public" / "responses.json").read_text()
    assert "set_aside" not in public and "Civil society" not in public


async def test_a_marked_rename_counts_the_old_answers_under_the_new_name_at_once() -> None:
    q = renamed_in_copy(mark=True)
    consultation, sessions = await submitted_before_the_change(q)
    figures = progress.report(q, sessions, consultation.clock())
    assert list(figures.by_category) == ["Non-governmental"] and figures.set_aside == 0
    record = compile_responses(q, sessions, Audience.PUBLIC, Scope.SUBMITTED, consultation.clock()).records[0]
    assert record.category == "Non-governmental" and record.subcategories == {"q1_group": "Civil society"}


async def test_the_check_against_the_database_names_who_is_on_a_removed_question() -> None:
    consultation = Consultation(parse(SMALL))
    ana, bo = consultation.respondent("ana"), consultation.respondent("bo")
    await ana.says("start", "yes", "Ana", "skip", "ana@example.org", "2", "1", "1, 2")
    await bo.says("start", "no", "Bo", "skip", "bo@example.org", "2", "2")
    effects = compare(parse(SMALL), parse(WITHOUT_TOPICS), await consultation.repository.all())
    assert [e.text for e in effects] == [
        "Item 'topics' is removed: answered by 1 respondent (the answers are kept, and the exports show them "
        "under the old text); 1 respondent on it now will be moved to the next question."
    ]
    assert effects[0].respondents == 2


def test_consult_questionnaire_check_against_db_says_what_a_rename_would_do(tmp_path: Path) -> None:
    (tmp_path / "changed.toml").write_text(WGEC.replace('"Non-Government"', '"Non-governmental"'))
    early = consult(tmp_path, "questionnaire", "check", "changed.toml", "--against-db")
    assert early.returncode == 0 and "There is no database at data/consult.json" in early.stderr
    assert not (tmp_path / "data").exists(), "a check created the database"
    assert consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="\n".join(WALK) + "\n").returncode == 0
    checked = consult(tmp_path, "questionnaire", "check", "changed.toml", "--against-db")
    assert checked.returncode == 0, checked.stderr
    said = " ".join(checked.stdout.split())
    assert "Option 'Non-Government' of question 1 is removed: chosen by 1 respondent" in said
    assert "The answers of 1 respondent to question 1a will be set aside (kept, not counted)" in said
    assert "The answers of 1 respondent to question 1b will be set aside" in said

    (tmp_path / "marked.toml").write_text(renamed_text(mark=True))
    said = " ".join(consult(tmp_path, "questionnaire", "check", "marked.toml", "--against-db").stdout.split())
    assert "Option 'Non-Government' of question 1 is renamed 'Non-governmental': chosen by 1 respondent" in said
    assert "set aside" not in said
    shown = consult(tmp_path, "questionnaire", "show", "marked.toml").stdout
    assert "2) Non-governmental\n   (answers 'Non-Government' count as 'Non-governmental')" in shown

    changed = {"CONSULT_QUESTIONNAIRE": "changed.toml"}
    opened = consult(tmp_path, "chat", "--as", "ana", "--jsonl", env=changed)
    assert opened.returncode == 0 and "Traceback" not in opened.stderr, opened.stderr
    shown = " ".join(consult(tmp_path, "progress", env=changed).stdout.split())
    assert "Set aside: 2 answers of 1 respondent, kept but not counted" in shown


async def test_someone_on_a_removed_field_or_a_ticked_option_removed_goes_on() -> None:
    consultation = Consultation(parse(SMALL))
    ana, bo = consultation.respondent("ana"), consultation.respondent("bo")
    await ana.says("start", "yes", "Ana", "skip")  # at the e-mail field
    await bo.says("start", "no", "Bo", "skip", "bo@example.org", "1")
    await bo.send(inputs.ToggleOption("topics", 0))
    await bo.send(inputs.ToggleOption("topics", 3))  # ticks "Standards"
    fewer = SMALL.replace('  { id = "email", label = "E-mail", kind = "email" },\n', "")
    consultation.change_to(parse(fewer.replace('"Rights", "Standards"]', '"Rights"]')))
    ana, bo = consultation.respondent("ana"), consultation.respondent("bo")
    assert "Phone (2 of 2)" in (await ana.say("status")).text
    assert "Name: Ana" in (await ana.say("review")).text
    assert "Which topics?" in (await bo.say("status")).text
    await ana.say("skip")
    assert (await ana.session()).cursor == "sector"
    await bo.say("done")
    assert (await bo.session()).answers["topics"].value == ["Access"]


async def test_answers_set_aside_before_submitting_are_shown_to_the_secretariat_not_counted() -> None:
    q = parse(WGEC)
    consultation, _ = await submitted_before_the_change(q)
    ana = consultation.respondent()
    await ana.says("edit 3", "Government", "submit", "submit")
    sessions = await consultation.repository.all()
    figures = progress.report(q, sessions, consultation.clock())
    assert (figures.set_aside, figures.set_aside_respondents) == (2, 1) and figures.by_subcategory == {}
    record = compile_responses(q, sessions, Audience.INTERNAL, Scope.SUBMITTED, consultation.clock()).records[0]
    assert record.category == "Government" and "q1_group" not in record.answers
    assert record.set_aside["q1_group"].answer.value == "Civil society"
