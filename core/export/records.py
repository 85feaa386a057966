"""What the compilation is made of: one record per respondent, with consent applied. Pure.

Every writer (XLSX, CSV, DOCX, Markdown, JSON, charts) works from these records, so the rule of who
may be named is decided once, here, and no writer can leak an identity the record does not carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core import consent, flow, renames, set_aside
from core.session import Answer, AnswerValue, Session, SetAside, Status, Submission
from questionnaire.model import Item, Kind, Questionnaire, Role


class Audience(StrEnum):
    """Who the files are for."""

    PUBLIC = "public"  # identities only of respondents who authorised citation
    INTERNAL = "internal"  # everything, marked Confidential


class Scope(StrEnum):
    """Which respondents are compiled."""

    SUBMITTED = "submitted"
    ALL = "all"


@dataclass(frozen=True)
class Question:
    """A compiled question: a current item, or one removed from the file since answers came in."""

    id: str
    header: str  # number and full text, never cut
    text: str
    item: Item | None  # None for a removed item

    @property
    def kind(self) -> Kind:
        return self.item.kind if self.item is not None else Kind.LONG


@dataclass(frozen=True)
class Record:
    """One respondent, as the chosen audience may see them."""

    number: int
    channel: str
    status: Status
    started_at: datetime | None
    submitted_at: datetime | None
    consent: str | None  # "Yes", "No", or None when not answered
    may_cite: bool
    identity: dict[str, str]  # contact fields; empty when they may not be shown
    category: str | None
    subcategories: dict[str, str]  # item id -> value of each follow-up
    answers: dict[str, Answer]  # every answer but the contact details (those are `identity`)
    respondent_id: str | None = None  # internal audience only
    invite: str | None = None  # internal audience only
    history: list[Submission] = field(default_factory=list)  # internal audience only
    # Answers kept but not counted: their question no longer applies (internal audience only).
    set_aside: dict[str, SetAside] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The stakeholder group: the category, with the first sub-category when there is one."""
        category = self.category or "Category not given"
        sub = next(iter(self.subcategories.values()), None)
        return f"{category} - {sub}" if sub else category

    @property
    def short_group(self) -> str:
        """The most precise group word: the sub-category, or else the category."""
        return next(iter(self.subcategories.values()), None) or self.category or "Category not given"

    @property
    def label(self) -> str:
        """How the respondent is named: 'Name, Organisation' if cited, else 'Respondent N'.

        The internal audience sees every name, marked when the respondent did not authorise citation.
        """
        named = ", ".join(v for k, v in self.identity.items() if k in ("name", "organisation") and v)
        if named and self.may_cite:
            return f"{named} ({self.short_group})"
        if named:
            return f"Respondent {self.number}: {named} ({self.short_group}; not for citation)"
        return f"Respondent {self.number} ({self.short_group})"


@dataclass(frozen=True)
class Compilation:
    """Everything an export writes."""

    questionnaire: Questionnaire
    audience: Audience
    scope: Scope
    generated_at: datetime
    questions: list[Question]
    records: list[Record]

    @property
    def confidential(self) -> bool:
        return self.audience is Audience.INTERNAL


def compile_responses(
    q: Questionnaire, sessions: Iterable[Session], audience: Audience, scope: Scope, now: datetime
) -> Compilation:
    """Records for every respondent in scope, numbered in the order they started."""
    migrated = (renames.migrate(q, s) for s in sessions)  # answers given under an option's old name
    chosen = [(n, s) for n, s in respondent_numbers(migrated, now) if _in_scope(s, scope)]
    records = [_record(q, s, n, audience) for n, s in chosen]
    return Compilation(q, audience, scope, now, questions(q, [s for _, s in chosen]), records)


def respondent_numbers(sessions: Iterable[Session], now: datetime) -> list[tuple[int, Session]]:
    """Each respondent's number, by the order they first started: the same in every export.

    Everyone ever started counts, withdrawn and unfinished too, so that "Respondent 12" in a
    document published in July is still Respondent 12 in September.
    """
    ordered = sorted(sessions, key=lambda s: (s.started_at or now, s.respondent_id))
    return list(enumerate(ordered, start=1))


def _in_scope(session: Session, scope: Scope) -> bool:
    if scope is Scope.SUBMITTED:
        return session.submitted is not None
    return session.status in (Status.IN_PROGRESS, Status.SUBMITTED)


def questions(q: Questionnaire, sessions: Iterable[Session]) -> list[Question]:
    """The questions to compile: the file's, then any removed ones that still have answers."""
    compiled = [
        Question(item.id, item_header(item), item.text, item)
        for item in q.items
        if item.answerable and item.role is None
    ]
    removed: dict[str, str] = {}
    for session in sessions:
        for item_id, answer in session.counted.items():
            if not q.has(item_id):
                removed.setdefault(item_id, answer.text)
    compiled += [Question(i, f"(removed from the questionnaire) {t}", t, None) for i, t in removed.items()]
    return compiled


def item_header(item: Item) -> str:
    """An item's heading in every export: its number and full text, never cut."""
    text = " ".join(item.text.split())
    return f"{item.number}. {text}" if item.number else text


def _record(q: Questionnaire, session: Session, number: int, audience: Audience) -> Record:
    answers, aside = set_aside.counted(q, session)
    cite = consent.may_cite(q, session)
    shown = cite or audience is Audience.INTERNAL
    internal = audience is Audience.INTERNAL
    return Record(
        number=number,
        channel=session.channel,
        status=session.status,
        started_at=session.started_at,
        submitted_at=session.submitted.at if session.submitted else None,
        consent=consent.consent_of(q, answers),
        may_cite=cite,
        identity=consent.identity(q, answers) if shown else {},
        category=next(iter(flow.role_values(q, answers, Role.CATEGORY)), None),
        subcategories={
            item.id: text for item in q.with_role(Role.SUBCATEGORY)
            if (text := _text(answers.get(item.id))) is not None
        },
        answers={k: v for k, v in answers.items() if not consent.is_identity(q, k, v)},
        respondent_id=session.respondent_id if internal else None,
        invite=session.invite if internal else None,
        history=list(session.submissions[:-1]) if internal else [],
        set_aside=aside if internal else {},
    )


def _text(answer: Answer | None) -> str | None:
    if answer is None or answer.value is None or isinstance(answer.value, dict):
        return None
    return answer.value if isinstance(answer.value, str) else ", ".join(answer.value)


def value_text(value: AnswerValue | None) -> str:
    """An answer as plain text: options joined by '; ', skipped as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items() if v)
    return value
