"""What the compilation is made of: one record per respondent, with consent applied. Pure.

Every writer (XLSX, CSV, DOCX, Markdown, JSON, charts) works from these records, so the rule of who
may be named is decided once, here, and no writer can leak an identity the record does not carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING

from core import consent, countries, flow, set_aside
from core.invitations.model import Invited
from core.session import Answer, AnswerValue, Session, SetAside, Status, Submission
from questionnaire.model import ConsentRule, Item, Kind, Questionnaire, Role

if TYPE_CHECKING:
    from core.export.by_question import Grouped


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
    consent: str | None  # what they answer now: "Yes", "No", or None (not answered, or cleared by restart)
    may_cite: bool
    identity: dict[str, str]  # contact fields; empty when they may not be shown
    category: str | None
    subcategories: dict[str, str]  # item id -> value of each follow-up
    # Every answer but the contact details (those are `identity`). When the views are not shown,
    # only the choices remain (they count in the figures and decide which questions were asked).
    answers: dict[str, Answer]
    shown: bool = True  # False: counted in figures only, under the consent rule; no text of theirs is here
    withheld: frozenset[str] = frozenset()  # questions they answered in words that are not shown
    consent_change: str | None = None  # internal audience only: how consent moved since submitting
    respondent_id: str | None = None  # internal audience only
    invite: str | None = None  # internal audience only
    # What the invitation said (internal audience only); what they gave is in `identity` and `category`.
    invited: Invited | None = None
    # Internal audience only: "2 submissions from X (...)" and what the secretariat decided (core.organisations).
    organisation_note: str | None = None
    history: list[Submission] = field(default_factory=list)  # internal audience only
    # Answers kept but not counted: their question no longer applies (internal audience only).
    set_aside: dict[str, SetAside] = field(default_factory=dict)
    # The ISO 3166-1 code of each country field `identity` shows by name (for files read by programs).
    country_codes: dict[str, str] = field(default_factory=dict)

    @property
    def shown_answers(self) -> dict[str, Answer]:
        """The answers a file may show with this respondent's row or label: none when counted only."""
        return self.answers if self.shown else {}

    def gave(self, question_id: str) -> bool:
        """True when they answered the question (not skipped), shown or not."""
        answer = self.answers.get(question_id)
        return question_id in self.withheld or (answer is not None and bool(value_text(answer.value).strip()))

    def met(self, question_id: str) -> bool:
        """True when an answer or a skip of theirs is stored for the question, shown or not."""
        return question_id in self.withheld or question_id in self.answers

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
    # In respondent-number order. A list, or on disk while an export runs (core/export/spool.py):
    # either way read one at a time, and each pass over them reads them all again, so passes are few.
    records: Sequence[Record]

    @property
    def confidential(self) -> bool:
        return self.audience is Audience.INTERNAL

    @property
    def rule(self) -> ConsentRule:
        """The consent rule applied to the public files (the internal ones show everything)."""
        return self.questionnaire.consent_rule

    @cached_property  # several files say it: counted once
    def not_shown(self) -> int:
        """Respondents counted in the figures whose answers no file of this audience shows."""
        return sum(not r.shown for r in self.records)

    @cached_property  # the Word and Markdown compilations both show it: grouped once
    def by_question(self) -> list[Grouped]:
        """Every entry of the compilation by question with its groups, from one pass over the records."""
        from core.export.by_question import group_every_question  # it builds on this module

        return group_every_question(self)


def compile_responses(
    q: Questionnaire, sessions: Iterable[Session], audience: Audience, scope: Scope, now: datetime
) -> Compilation:
    """Records for every respondent in scope, numbered in the order they started (core.export.compiling)."""
    from core.export.compiling import compile_all  # it builds on this module

    return compile_all(q, sessions, audience, scope, now).compilation


def in_scope(session: Session, scope: Scope) -> bool:
    """Whether the status chosen for an export takes this respondent in."""
    if scope is Scope.SUBMITTED:
        return session.submitted is not None
    return session.status in (Status.IN_PROGRESS, Status.SUBMITTED)


def questions(q: Questionnaire, removed: Iterable[tuple[str, str]]) -> list[Question]:
    """The questions to compile: the file's, then the removed ones that still have answers (id, text)."""
    compiled = [
        Question(item.id, item_header(item), item.text, item)
        for item in q.items
        if item.answerable and item.role is None
    ]
    gone: dict[str, str] = {}
    for item_id, text in removed:
        gone.setdefault(item_id, text)
    compiled += [Question(i, f"(removed from the questionnaire) {t}", t, None) for i, t in gone.items()]
    return compiled


def item_header(item: Item) -> str:
    """An item's heading in every export: its number and full text, never cut."""
    text = " ".join(item.text.split())
    return f"{item.number}. {text}" if item.number else text


def record(q: Questionnaire, session: Session, number: int, audience: Audience, lang: str | None = None) -> Record:
    """One respondent as the audience may see them (consent applied here, once).

    `lang`: the secretariat's language, for the names of countries (English when None).
    """
    answers, aside = set_aside.counted(q, session)
    internal = audience is Audience.INTERNAL
    cite = consent.may_cite(q, session)
    shown = internal or consent.views_shown(q, session)
    given = {k: v for k, v in answers.items() if not consent.is_identity(q, k, v)}
    who = consent.identity(q, answers)
    if not internal:  # public: name, organisation and country, only of those who may be cited
        who = {k: v for k, v in who.items() if cite and k in consent.PUBLIC_CONTACT}
    codes = _country_codes(q, who)
    return Record(
        number=number,
        channel=session.channel,
        status=session.status,
        started_at=session.started_at,
        submitted_at=session.submitted.at if session.submitted else None,
        consent=consent.current_consent(q, session),
        may_cite=cite,
        identity={k: countries.name(codes[k], lang) if k in codes else v for k, v in who.items()},
        country_codes=codes,
        category=next(iter(flow.role_values(q, answers, Role.CATEGORY)), None),
        subcategories={
            item.id: text for item in q.with_role(Role.SUBCATEGORY)
            if (text := _text(answers.get(item.id))) is not None
        },
        answers=given if shown else {k: v for k, v in given.items() if v.value is None or _is_choice(q, k, v)},
        shown=shown,
        withheld=frozenset() if shown else frozenset(k for k, v in given.items() if _is_words(q, k, v)),
        consent_change=consent.consent_change(q, session) if internal else None,
        respondent_id=session.respondent_id if internal else None,
        invite=session.invite if internal else None,
        invited=session.invited if internal else None,
        history=list(session.submissions[:-1]) if internal else [],
        set_aside=aside if internal else {},
    )


def _country_codes(q: Questionnaire, identity: dict[str, str]) -> dict[str, str]:
    """The codes of the country fields given: stored as ISO codes, or typed before (Kenya); else left out."""
    kinds = {field.id: field.kind for item in q.items for field in item.fields}
    found = {k: countries.exact(v) for k, v in identity.items() if kinds.get(k) == "country"}
    return {k: code for k, code in found.items() if code is not None}


def _is_choice(q: Questionnaire, item_id: str, answer: Answer) -> bool:
    """Options of the questionnaire in use, not the respondent's words: they count in the figures.

    The value itself must be among the options: an answer typed before the question became a choice
    (or naming an option since removed) could be anyone's words.
    """
    if not q.has(item_id) or (item := q.item(item_id)).kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.CONSENT):
        return False
    values = answer.value if isinstance(answer.value, list) else [answer.value]
    return all(isinstance(v, str) and v in item.choices for v in values)


def _is_words(q: Questionnaire, item_id: str, answer: Answer) -> bool:
    return not _is_choice(q, item_id, answer) and bool(value_text(answer.value).strip())


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
