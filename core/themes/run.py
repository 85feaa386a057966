"""The themes of every open question (or one): suggested, or sorted into the secretariat's themes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.themes.assign import assign
from core.themes.model import MIN_ANSWERS, Answer, Frame, QuestionThemes, Report, Skipped, ThemesError
from core.themes.represent import Representation
from core.themes.suggest import TooFew, suggest


@dataclass(frozen=True)
class Question:
    """An open question and its answers."""

    id: str
    text: str
    answers: list[Answer]
    number: str = ""  # as the questionnaire numbers it ("3"), when it does


@dataclass(frozen=True)
class Choices:
    representation: Representation
    only: str | None = None  # a question id or number
    frames: dict[str, Frame] = field(default_factory=dict)  # question id (or "*") -> the themes given
    every_template_answer: bool = False  # count each answer that follows a template, not the group once
    place_every_answer: bool = False  # group answers that say nothing on the question ("No comment") too


def themes(questions: Sequence[Question], choices: Choices) -> Report:
    """Themes per question; with too few answers a question is skipped, or refused when it was asked for."""
    chosen = [q for q in questions if choices.only is None or choices.only in (q.id, q.number)]
    if not chosen:
        known = ", ".join(q.number or q.id for q in questions) or "none"
        raise ThemesError(f"no open question {choices.only!r}; the open questions are: {known}")
    done: list[QuestionThemes] = []
    skipped: list[Skipped] = []
    counts: list[str] = []
    for question in chosen:
        try:
            done.append(one(question, choices))
        except TooFew as error:
            if choices.only is not None:
                raise
            skipped.append(Skipped(question=question.id, text=question.text, reason=str(error)))
            silent = f" ({error.silent} of them saying nothing on it)" if error.silent else ""
            counts.append(f"{question.number or question.id}: {error.answers} answers{silent}")
    if not done:
        raise ThemesError("No question has enough answers to find themes in (each needs at least "
                          f"{MIN_ANSWERS} that say something): " + "; ".join(counts) + ".")
    return Report(questions=done, skipped=skipped)


def one(question: Question, choices: Choices) -> QuestionThemes:
    """The themes of one question: the frame given for it, or suggested ones."""
    label = question.number or question.id
    if not question.answers:
        raise TooFew(label, 0)
    frame = choices.frames.get(question.id) or choices.frames.get(question.number) or choices.frames.get("*")
    given = None
    if frame is not None:
        given = next((g for key in (question.id, question.number) if (g := frame.for_question(key)) is not None), None)
    if frame is not None and given is not None:  # an emptied frame is refused (assign), not replaced by suggestions
        return assign(question.id, question.text, question.answers, given, choices.representation, frame.source,
                      every_template_answer=choices.every_template_answer,
                      place_every_answer=choices.place_every_answer)
    if len(question.answers) < MIN_ANSWERS:
        raise TooFew(label, len(question.answers))
    return suggest(question.id, question.text, question.answers, choices.representation,
                   every_template_answer=choices.every_template_answer, place_every_answer=choices.place_every_answer)

