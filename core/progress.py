"""The secretariat's figures: who started, who submitted, where people stopped. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypeVar

from pydantic import BaseModel, Field

from core import countries, figures
from core.figures import NOT_ANSWERED, NOT_GIVEN, CountryTally, Figures, QuestionTally, Tally
from core.i18n import Translator, translator
from core.ports import Standing
from core.session import Session
from core.text import shorten
from core.windows import days_left
from questionnaire.model import Questionnaire

__all__ = ["NOT_ANSWERED", "NOT_GIVEN", "Tally"]  # where the export and the front ends have always found them
T = TypeVar("T")
COUNTRY_NOT_SHOWN = "(not shown: citation not authorised)"


class QuestionCount(BaseModel):
    """How many answered or skipped one question."""

    item_id: str
    number: str | None
    text: str
    answered_in_submissions: int
    # Share of submitted respondents who were asked this question (its condition held) and answered.
    answer_rate: float | None
    answered_so_far: int
    skipped: int


class ProgressReport(BaseModel):
    """Everything `consult progress` shows."""

    questionnaire_id: str
    generated_at: datetime
    closes: datetime | None
    days_left: int | None
    started: int
    submitted: int
    in_progress: int
    withdrawn: int
    by_category: dict[str, Tally] = Field(default_factory=dict)
    by_subcategory: dict[str, Tally] = Field(default_factory=dict)
    by_channel: dict[str, Tally] = Field(default_factory=dict)
    by_country: dict[str, Tally] = Field(default_factory=dict)
    # First submissions per day (ISO date), in date order: the pace against the closing date.
    submissions_per_day: dict[str, int] = Field(default_factory=dict)
    questions: list[QuestionCount] = Field(default_factory=list)
    # For respondents who have not submitted: the item they are at ("review" at the end).
    stopped_at: dict[str, int] = Field(default_factory=dict)
    # Answers kept but not counted, because their question no longer applies (and how many people gave them).
    set_aside: int = 0
    set_aside_respondents: int = 0


def place_label(report: ProgressReport, place: str) -> str:
    """A stopping place for people: '4. What are the relevant...' rather than 'q4'."""
    for question in report.questions:
        if question.item_id == place:
            text = shorten(question.text, 60)
            return f"{question.number}. {text}" if question.number else text
    return "The review, before submitting" if place == "review" else place


def set_aside_line(report: ProgressReport, t: Translator | None = None) -> str | None:
    """One sentence on the answers set aside, for every front end; None when there are none."""
    if not report.set_aside:
        return None
    t = t or translator(None)
    return t.ngettext(
        "Set aside: {answers} answers of {people} respondent, kept but not counted because their question "
        "no longer applies. The internal export lists them.",
        "Set aside: {answers} answers of {people} respondents, kept but not counted because their question "
        "no longer applies. The internal export lists them.", report.set_aside_respondents,
    ).format(answers=report.set_aside, people=report.set_aside_respondents)


def report(
    q: Questionnaire, sessions: Iterable[Session], now: datetime, *, public: bool = False, drafts: bool = False,
    lang: str | None = None,
) -> ProgressReport:
    """Count the sessions (withdrawn ones only as a number; they are deleted answers).

    `public`: for files anyone may read. A country is a contact detail, so the countries of
    respondents who did not authorise citation are counted together, unnamed.
    `drafts`: answer rates count the answers not yet submitted too (an export with the status 'all').
    `lang`: the secretariat's language, for the names of countries (English when None).
    """
    counted = figures.add_up(figures.standing(q, s) for s in sessions)
    return from_figures(q, counted, now, public=public, drafts=drafts, lang=lang)


def from_figures(
    q: Questionnaire, counted: Figures, now: datetime, *, public: bool = False, drafts: bool = False,
    lang: str | None = None,
) -> ProgressReport:
    """The report of figures added up by a repository (`Repository.figures`) or by `report`."""
    return ProgressReport(
        questionnaire_id=q.id,
        generated_at=now,
        closes=q.closes,
        days_left=days_left(q, now),
        started=counted.started,
        submitted=counted.submitted,
        in_progress=counted.started - counted.submitted,
        withdrawn=counted.withdrawn,
        by_category=_sorted(counted.by_category),
        by_subcategory=_sorted(counted.by_subcategory),
        by_channel=_sorted(counted.by_channel),
        by_country=_countries(counted.countries, public, lang),
        submissions_per_day=_sorted(counted.submissions_per_day),
        questions=_questions(q, counted.questions, drafts),
        stopped_at=_stopped_at(q, counted.stopped_at),
        set_aside=counted.set_aside,
        set_aside_respondents=counted.set_aside_respondents,
    )


def standing(q: Questionnaire, session: Session) -> Standing:
    """What `report` counts about one respondent, for a database that keeps it beside the session."""
    return figures.standing(q, session)


def _sorted(counts: dict[str, T]) -> dict[str, T]:
    return dict(sorted(counts.items()))


def _countries(rows: list[CountryTally], public: bool, lang: str | None) -> dict[str, Tally]:
    # One row per country however it was typed ("kenya", "Kenya "), under its first spelling in code
    # point order. Public files count the countries of those who may not be cited together, unnamed.
    # A country field stores the ISO code ("KE"): shown by its name; a text that named no country as typed.
    shown = figures.fold_countries(
        row if row.may_cite or not public else row.model_copy(update={"key": "\0", "spelling": COUNTRY_NOT_SHOWN})
        for row in rows
    )
    tallies: dict[str, Tally] = {}
    for row in shown:
        tally = tallies.setdefault(countries.shown(row.spelling, lang), Tally())
        tally.started += row.started
        tally.submitted += row.submitted
    return _sorted(tallies)


def _questions(q: Questionnaire, counted: dict[str, QuestionTally], drafts: bool) -> list[QuestionCount]:
    counts = []
    for item in (item for item in q.items if item.answerable):
        one = counted.get(item.id) or QuestionTally()
        asked = one.asked if drafts else one.asked_submitted
        answered = one.answered if drafts else one.answered_submitted
        counts.append(QuestionCount(
            item_id=item.id,
            number=item.number,
            text=item.text,
            answered_in_submissions=answered,
            answer_rate=round(answered / asked, 4) if asked else None,
            answered_so_far=one.answered_so_far,
            skipped=one.skipped,
        ))
    return counts


def _stopped_at(q: Questionnaire, places: dict[str, int]) -> dict[str, int]:
    order = {item.id: index for index, item in enumerate(q.items)}
    return dict(sorted(places.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
