"""The secretariat's figures: who started, who submitted, where people stopped. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from pydantic import BaseModel, Field

from core import consent, flow, renames, set_aside
from core.ports import Standing
from core.session import Session, Status
from core.text import shorten
from core.windows import days_left
from questionnaire.model import Questionnaire, Role

NOT_ANSWERED = "(not answered yet)"
COUNTRY_NOT_SHOWN = "(not shown: citation not authorised)"


class Tally(BaseModel):
    """Respondents who started, and how many of them submitted."""

    started: int = 0
    submitted: int = 0


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


def set_aside_line(report: ProgressReport) -> str | None:
    """One sentence on the answers set aside, for every front end; None when there are none."""
    if not report.set_aside:
        return None
    people = f"{report.set_aside_respondents} respondent{'s' if report.set_aside_respondents != 1 else ''}"
    return (f"Set aside: {report.set_aside} answers of {people}, kept but not counted because their question "
            "no longer applies. The internal export lists them.")


def report(
    q: Questionnaire, sessions: Iterable[Session], now: datetime, *, public: bool = False, drafts: bool = False
) -> ProgressReport:
    """Count the sessions (withdrawn ones only as a number; they are deleted answers).

    `public`: for files anyone may read. A country is a contact detail, so the countries of
    respondents who did not authorise citation are counted together, unnamed.
    `drafts`: answer rates count the answers not yet submitted too (an export with the status 'all').
    """
    all_sessions = [renames.migrate(q, s) for s in sessions]
    active = [s for s in all_sessions if s.status in (Status.IN_PROGRESS, Status.SUBMITTED)]
    aside = [len(set_aside.counted(q, s)[1]) for s in active]
    return ProgressReport(
        questionnaire_id=q.id,
        generated_at=now,
        closes=q.closes,
        days_left=days_left(q, now),
        started=len(active),
        submitted=sum(s.submitted is not None for s in active),
        in_progress=sum(s.submitted is None for s in active),
        withdrawn=sum(s.status is Status.WITHDRAWN for s in all_sessions),
        by_category=_tally(active, lambda s: _role_answer(q, s, Role.CATEGORY)),
        by_subcategory=_tally(active, lambda s: _role_answer(q, s, Role.SUBCATEGORY)),
        by_channel=_tally(active, lambda s: s.channel),
        by_country=_countries(q, active, public),
        submissions_per_day=_per_day(active),
        questions=_questions(q, active, drafts),
        stopped_at=_stopped_at(q, active),
        set_aside=sum(aside),
        set_aside_respondents=sum(n > 0 for n in aside),
    )


def standing(q: Questionnaire, session: Session) -> Standing:
    """What `report` counts about one respondent, for a database that keeps it beside the session."""
    submitted = session.submitted
    return Standing(
        status=session.status.value,
        channel=session.channel,
        categories=_role_answer(q, session, Role.CATEGORY),
        subcategories=_role_answer(q, session, Role.SUBCATEGORY),
        stopped_at=(session.cursor or "review") if submitted is None else None,
        started_at=session.started_at,
        first_submitted_at=session.submissions[0].at if session.submissions else None,
        submitted_at=submitted.at if submitted is not None else None,
        updated_at=session.updated_at,
    )


def _role_answer(q: Questionnaire, session: Session, role: Role) -> list[str]:
    found = flow.role_values(q, set_aside.counted(q, session)[0], role)
    return found or ([NOT_ANSWERED] if role is Role.CATEGORY else [])


def _countries(q: Questionnaire, sessions: list[Session], public: bool) -> dict[str, Tally]:
    spellings: dict[str, str] = {}  # one row per country however it was typed: "kenya", "Kenya "

    def country(session: Session) -> str:
        if public and not consent.may_cite(q, session):
            return COUNTRY_NOT_SHOWN
        typed = " ".join(consent.identity(q, session.counted).get("country", "").split())
        return spellings.setdefault(typed.casefold(), typed) if typed else NOT_ANSWERED

    return _tally(sessions, country)


def _per_day(sessions: list[Session]) -> dict[str, int]:
    days = Counter(s.submissions[0].at.date().isoformat() for s in sessions if s.submissions)
    return dict(sorted(days.items()))


def _tally(sessions: list[Session], keys_of: Callable[[Session], str | list[str]]) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for session in sessions:
        keys = keys_of(session)
        for key in [keys] if isinstance(keys, str) else keys:
            tally = tallies.setdefault(key, Tally())
            tally.started += 1
            tally.submitted += session.submitted is not None
    return dict(sorted(tallies.items()))


def _questions(q: Questionnaire, sessions: list[Session], drafts: bool) -> list[QuestionCount]:
    counts = []
    snapshots = [s.counted for s in sessions if drafts or s.submitted is not None]
    for item in (item for item in q.items if item.answerable):
        asked = [a.get(item.id) for a in snapshots if flow.condition_holds(item, a)]
        answered = sum(flow.is_answered(item, a) for a in asked)
        current = [s.answers.get(item.id) for s in sessions if flow.condition_holds(item, s.answers)]
        counts.append(QuestionCount(
            item_id=item.id,
            number=item.number,
            text=item.text,
            answered_in_submissions=answered,
            answer_rate=round(answered / len(asked), 4) if asked else None,
            answered_so_far=sum(flow.is_answered(item, a) for a in current),
            skipped=sum(a is not None and a.value is None for a in current),
        ))
    return counts


def _stopped_at(q: Questionnaire, sessions: list[Session]) -> dict[str, int]:
    places = Counter(s.cursor or "review" for s in sessions if s.submitted is None)
    order = {item.id: index for index, item in enumerate(q.items)}
    return dict(sorted(places.items(), key=lambda kv: order.get(kv[0], len(order))))
