"""Answers that say nothing on the question ("No comment", "See our answer to question 5") are in no theme."""

from __future__ import annotations

import pytest

from core.themes.files import how_made
from core.themes.model import Answer, ThemesError
from core.themes.non_answers import says_nothing
from core.themes.represent import TfIdf
from core.themes.run import Choices, Question, themes
from core.themes.suggest import TooFew, suggest

SAYING_NOTHING = [
    "No comment.", "N/A", "Please see our answer to question 10.", "See the joint business submission.",
    "Pas de commentaire sur cette question.", "Voir notre réponse à la question 2.",
    "Véase la respuesta a la pregunta 8.", "Sin comentarios.", "См. наш ответ на вопрос 3.",
    "لا تعليق.", "请参阅我们对问题6的回答。", "We have nothing to add.",
]
SAYING_SOMETHING = [
    "The IGF. Nothing else is needed.", "It has not been implemented.", "Human rights must come first.",
    "Capacity building for developing countries.", "Un mécanisme intergouvernemental sous l'égide de l'ONU.",
    "No comment on the form; on substance, the IGF should be given a mandate to make recommendations, a "
    "stable budget and a secretariat of its own, so that its discussions reach those who decide. " * 4,
]


def test_formulas_in_six_languages_say_nothing_and_short_real_answers_do() -> None:
    found = says_nothing(SAYING_NOTHING + SAYING_SOMETHING)
    assert found == [True] * len(SAYING_NOTHING) + [False] * len(SAYING_SOMETHING)


def test_nothing_to_compare_is_nothing_found() -> None:
    assert says_nothing([]) == []


def answers(texts: list[str]) -> list[Answer]:
    return [Answer(id=f"r{i}", question="1", group="Government", text=t, may_quote=True) for i, t in enumerate(texts)]


SUBSTANCE = [
    "Broadband access is too expensive in rural areas and must be made affordable.",
    "Affordable broadband access for rural areas should be the first priority.",
    "Rural broadband remains too costly; universal access funds should help.",
    "Access to the internet in rural areas is still too expensive for most families.",
    "Cybersecurity needs cooperation between states to protect critical infrastructure.",
    "States should agree on norms against attacks on critical infrastructure.",
    "Cybercrime crosses borders, so law enforcement must cooperate on cybersecurity.",
    "Protecting critical infrastructure from cyber attacks needs international norms.",
    "Privacy online is a human right that laws must protect across borders.",
    "Mass surveillance threatens privacy, a human right that must be protected.",
    "Data protection laws should guarantee privacy online as a human right.",
    "The right to privacy must apply online as it does offline.",
]


def test_answers_saying_nothing_are_not_placed_and_make_no_template_group() -> None:
    silent = ["n/a", "n/a", "n/a", "No comment.", "See our answer to question 5.", "Voir réponse à la question 6."]
    found = suggest("1", "", answers(SUBSTANCE + silent), TfIdf())
    silent_ids = [f"r{i}" for i in range(len(SUBSTANCE), len(SUBSTANCE) + len(silent))]
    assert found.says_nothing == silent_ids
    assert set(silent_ids) <= set(found.not_placed)
    assert not any(set(silent_ids) & set(theme.responses) for theme in found.themes)
    assert found.templates == []  # three "n/a" are not a campaign
    assert sum(theme.size for theme in found.themes) <= len(SUBSTANCE)
    said = how_made(found)  # every file's line on how the themes were made
    assert f"Not placed in any theme: {len(found.not_placed)}, " in said
    assert found.not_placed == silent_ids and "all of which say nothing on the question" in said


def test_answers_saying_nothing_are_not_placed_in_given_themes_either() -> None:
    from core.themes import frame

    given = {"*": frame.Frame(source=frame.Source.GIVEN, themes={"*": [
        frame.GivenTheme(name="Affordable broadband access", description="Rural areas need cheaper broadband.")]})}
    result = themes([Question("1", "", answers([*SUBSTANCE[:3], "No comment.", "See our answer to question 2."]))],
                    Choices(TfIdf(), frames=given)).questions[0]
    assert result.says_nothing == result.not_placed == ["r3", "r4"]
    assert result.themes[0].responses == ["r0", "r1", "r2"]


def test_too_few_answers_that_say_something_are_refused_saying_why() -> None:
    texts = SUBSTANCE[:6] + ["No comment."] * 3 + ["n/a"] * 3
    with pytest.raises(TooFew, match=r"has 12 answers \(6 of them say nothing on it, such as 'No comment'\); "
                                     r"finding themes needs at least 10 that say something"):
        suggest("1", "", answers(texts), TfIdf())


def test_identical_short_answers_stay_in_one_theme() -> None:
    # Too short for a template group, and they say something: a hundred of them are one point of the graph.
    texts = SUBSTANCE + ["The multistakeholder model."] * 100
    found = suggest("1", "", answers(texts), TfIdf())
    same = {f"r{i}" for i in range(len(SUBSTANCE), len(texts))}
    assert [len(same & set(theme.responses)) for theme in found.themes].count(100) == 1


def test_the_secretariat_can_place_every_answer() -> None:
    texts = [*SUBSTANCE, "No comment.", "See our answer to question 5."]
    found = themes([Question("1", "", answers(texts))], Choices(TfIdf(), place_every_answer=True)).questions[0]
    assert found.says_nothing == [] and found.not_placed == []
    assert sum(len(theme.responses) for theme in found.themes) == len(texts)


def test_no_question_with_enough_answers_that_say_something_is_refused_with_the_counts() -> None:
    texts = SUBSTANCE[:6] + ["No comment."] * 3 + ["n/a"] * 3
    with pytest.raises(ThemesError, match=r"each needs at least 10 that say something\): "
                                          r"7: 12 answers \(6 of them saying nothing on it\)\."):
        themes([Question("q7", "", answers(texts), number="7")], Choices(TfIdf()))
