"""What progress counts, added up: from Standing rows here, or with GROUP BY by a database. Pure.

`consult progress` must not read every session of a large consultation. So each respondent is
reduced to a Standing (core.ports) when stored, and the figures are sums over Standings: a database
that keeps them in plain columns (PostgreSQL) adds them up in SQL; the others add them up here. Both
give the same `Figures`, and core.progress turns Figures into the report people read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from pydantic import BaseModel, Field
from pydantic.main import IncEx

from core import consent, countries, flow, renames, set_aside
from core.i18n import N_
from core.invitations.model import organisation_key
from core.invitations.offer import typed_organisation
from core.ports import Standing
from core.session import Answer, Session, Status
from questionnaire.model import Questionnaire, Role

# Translators: in the secretariat's figures, where a category or country was not given yet.
NOT_ANSWERED = N_("(not answered yet)")
# Translators: in the secretariat's figures, respondents who left out a contact detail that may be left out
# (an intergovernmental organisation has no country).
NOT_GIVEN = N_("(not given)")
COUNTRY = "country"  # the contact field progress counts respondents by
ACTIVE = (Status.IN_PROGRESS.value, Status.SUBMITTED.value)


class Tally(BaseModel):
    """Respondents who started, and how many of them submitted."""

    started: int = 0
    submitted: int = 0


class CountryTally(BaseModel):
    """Respondents of one country (however typed) and one answer to citation."""

    key: str  # the spelling casefolded; "" when not answered
    may_cite: bool
    spelling: str  # the first in code point order: "Kenya" rather than "kenya"
    started: int = 0
    submitted: int = 0


class QuestionTally(BaseModel):
    """How often one question was asked and answered, in the answers that count and in the current ones."""

    asked: int = 0  # in the answers that count, of everyone started
    asked_submitted: int = 0  # ... of those who submitted
    answered: int = 0
    answered_submitted: int = 0
    answered_so_far: int = 0  # in the current answers
    skipped: int = 0


class Figures(BaseModel):
    """Sums over every respondent's Standing; two Figures add up to the Figures of both groups."""

    started: int = 0
    submitted: int = 0
    withdrawn: int = 0
    by_category: dict[str, Tally] = Field(default_factory=dict)
    by_subcategory: dict[str, Tally] = Field(default_factory=dict)
    by_channel: dict[str, Tally] = Field(default_factory=dict)
    countries: list[CountryTally] = Field(default_factory=list)
    submissions_per_day: dict[str, int] = Field(default_factory=dict)
    questions: dict[str, QuestionTally] = Field(default_factory=dict)
    stopped_at: dict[str, int] = Field(default_factory=dict)
    set_aside: int = 0
    set_aside_respondents: int = 0

    def plus(self, other: Figures) -> Figures:
        """The figures of both groups of respondents."""
        return Figures(
            started=self.started + other.started,
            submitted=self.submitted + other.submitted,
            withdrawn=self.withdrawn + other.withdrawn,
            by_category=_add_tallies(self.by_category, other.by_category),
            by_subcategory=_add_tallies(self.by_subcategory, other.by_subcategory),
            by_channel=_add_tallies(self.by_channel, other.by_channel),
            countries=fold_countries(self.countries + other.countries),
            submissions_per_day=_add_counts(self.submissions_per_day, other.submissions_per_day),
            questions={key: _add_question(self.questions.get(key), other.questions.get(key))
                       for key in self.questions | other.questions},
            stopped_at=_add_counts(self.stopped_at, other.stopped_at),
            set_aside=self.set_aside + other.set_aside,
            set_aside_respondents=self.set_aside_respondents + other.set_aside_respondents,
        )


# What a Standing depends on. Wording, dates and reminders are left out: fixing a typo in a question or
# moving the closing date must not make every stored row stale (until each respondent's next answer,
# progress would then read all their sessions: 40 s at 100,000 on PostgreSQL).
_ITEM_PARTS: IncEx = {"id", "kind", "required", "when", "options", "renamed_options", "min_choices", "max_choices",
                      "fields", "role"}
_ALL_ITEMS: dict[str, IncEx] = {"__all__": _ITEM_PARTS}
_COUNTED_PARTS: dict[str, IncEx | bool] = {"consent_rule": True, "items": _ALL_ITEMS}


def fingerprint(q: Questionnaire) -> str:
    """Names the questionnaire a Standing was computed with: a Standing of another one is recomputed."""
    return hashlib.sha256(q.model_dump_json(include=_COUNTED_PARTS).encode()).hexdigest()[:16]


_FINGERPRINTS: dict[int, tuple[Questionnaire, str]] = {}


def standing(q: Questionnaire, session: Session) -> Standing:
    """What the figures count about one respondent, for a database that keeps it beside the session."""
    s = renames.migrate(q, session)  # answers given under an option's old name count under the new one
    counted, aside = set_aside.counted(q, s)
    typed = " ".join(consent.identity(q, s.counted).get(COUNTRY, "").split())
    code = _country_code(q, typed)
    if not typed and _left_out(q, s.counted, COUNTRY):
        typed = code = NOT_GIVEN
    answerable = [item for item in q.items if item.answerable]
    asked = [item for item in answerable if flow.condition_holds(item, s.counted)]
    current = [(item, s.answers.get(item.id)) for item in answerable if flow.condition_holds(item, s.answers)]
    submitted = s.submitted
    return Standing(
        status=s.status.value,
        channel=s.channel,
        categories=_role_answer(q, counted, Role.CATEGORY),
        subcategories=_role_answer(q, counted, Role.SUBCATEGORY),
        stopped_at=(s.cursor or "review") if submitted is None else None,
        started_at=s.started_at,
        first_submitted_at=s.submissions[0].at if s.submissions else None,
        submitted_at=submitted.at if submitted is not None else None,
        updated_at=s.updated_at,
        first_submitted_day=s.submissions[0].at.date().isoformat() if s.submissions else None,
        country=code or typed or None,
        country_key=code or typed.casefold() or None,
        may_cite=consent.may_cite(q, s),
        asked=[item.id for item in asked],
        answered_counted=[item.id for item in asked if flow.is_answered(item, s.counted.get(item.id))],
        answered=[item.id for item, answer in current if flow.is_answered(item, answer)],
        skipped=[item.id for item, answer in current if answer is not None and answer.value is None],
        set_aside=len(aside),
        figures_of=fingerprint_of(q),
        invite=s.invite,
        organisation=typed_organisation(q, s.counted),
        invited_organisation=s.invited.organisation if s.invited else None,
        organisation_key=_organisation_key(q, s),
    )


def _left_out(q: Questionnaire, answers: dict[str, Answer], field_id: str) -> bool:
    """Whether the contact details holding `field_id`, a field that may be left out, were given without it."""
    for item in q.items:
        if any(f.id == field_id and not f.required for f in item.fields):
            answer = answers.get(item.id)
            return answer is not None and isinstance(answer.value, dict)
    return False


def _country_code(q: Questionnaire, typed: str) -> str | None:
    """The ISO code of a country field's answer: as stored, or read from a country typed before the field
    had the kind "country" ("kenya", "Kenya "). None when it names no country for sure (it is counted
    as typed) or when the questionnaire's country field is free text (counted as typed, as always).

    A changed kind changes the questionnaire's fingerprint, so rows kept by a database are counted again.
    """
    if not typed or not any(f.id == COUNTRY and f.kind == "country" for item in q.items for f in item.fields):
        return None
    return countries.exact(typed)  # a stored code ("KE") is itself; no guessing at misspellings here


def _organisation_key(q: Questionnaire, s: Session) -> str | None:
    name = typed_organisation(q, s.counted) or (s.invited.organisation if s.invited else None)
    return organisation_key(name) if name else None


def add_up(standings: Iterable[Standing]) -> Figures:
    """The figures of these respondents, counted here (the SQL of storage/postgres counts the same)."""
    sums = Sums()
    for one in standings:
        sums.add(one)
    return sums.figures()


class Sums:
    """Figures added up one Standing at a time: memory holds the sums, not the respondents."""

    def __init__(self) -> None:
        self._figures = Figures()
        self._countries: dict[tuple[str, bool], CountryTally] = {}

    def add(self, one: Standing) -> None:
        """Count one respondent."""
        figures = self._figures
        if one.status == Status.WITHDRAWN.value:
            figures.withdrawn += 1
        if one.status not in ACTIVE:
            return
        done = one.submitted_at is not None
        figures.started += 1
        figures.submitted += done
        for key in one.categories:
            _count(figures.by_category, key, done)
        for key in one.subcategories:
            _count(figures.by_subcategory, key, done)
        _count(figures.by_channel, one.channel, done)
        self._add_country(one, done)
        if one.first_submitted_day is not None:
            days = figures.submissions_per_day
            days[one.first_submitted_day] = days.get(one.first_submitted_day, 0) + 1
        _count_questions(figures.questions, one, done)
        if one.stopped_at is not None:
            figures.stopped_at[one.stopped_at] = figures.stopped_at.get(one.stopped_at, 0) + 1
        figures.set_aside += one.set_aside
        figures.set_aside_respondents += one.set_aside > 0

    def figures(self) -> Figures:
        """The sums so far."""
        return self._figures.model_copy(update={"countries": fold_countries(self._countries.values())}, deep=True)

    def _add_country(self, one: Standing, done: bool) -> None:
        key = (one.country_key or "", one.may_cite)
        spelling = one.country or NOT_ANSWERED
        row = self._countries.setdefault(key, CountryTally(key=key[0], may_cite=key[1], spelling=spelling))
        row.spelling = min(row.spelling, spelling)
        row.started += 1
        row.submitted += done


def fold_countries(rows: Iterable[CountryTally]) -> list[CountryTally]:
    """One row per country key and answer to citation, in a fixed order."""
    folded: dict[tuple[str, bool], CountryTally] = {}
    for row in rows:
        seen = folded.get((row.key, row.may_cite))
        if seen is None:
            folded[(row.key, row.may_cite)] = row.model_copy()
        else:
            seen.spelling = min(seen.spelling, row.spelling)
            seen.started += row.started
            seen.submitted += row.submitted
    return [folded[key] for key in sorted(folded)]


def fingerprint_of(q: Questionnaire) -> str:
    """`fingerprint`, computed once per questionnaire object (every store asks for it)."""
    known = _FINGERPRINTS.get(id(q))
    if known is None or known[0] is not q:
        known = _FINGERPRINTS[id(q)] = (q, fingerprint(q))
    return known[1]


def _role_answer(q: Questionnaire, counted: dict[str, Answer], role: Role) -> list[str]:
    found = flow.role_values(q, counted, role)
    return found or ([NOT_ANSWERED] if role is Role.CATEGORY else [])


def _count(tallies: dict[str, Tally], key: str, done: bool) -> None:
    tally = tallies.setdefault(key, Tally())
    tally.started += 1
    tally.submitted += done


def _count_questions(questions: dict[str, QuestionTally], one: Standing, done: bool) -> None:
    for item_id in one.asked:
        tally = questions.setdefault(item_id, QuestionTally())
        tally.asked += 1
        tally.asked_submitted += done
    for item_id in one.answered_counted:
        tally = questions.setdefault(item_id, QuestionTally())
        tally.answered += 1
        tally.answered_submitted += done
    for item_id in one.answered:
        questions.setdefault(item_id, QuestionTally()).answered_so_far += 1
    for item_id in one.skipped:
        questions.setdefault(item_id, QuestionTally()).skipped += 1


def _add_tallies(first: dict[str, Tally], second: dict[str, Tally]) -> dict[str, Tally]:
    keys = first | second
    return {key: Tally(started=(first.get(key) or Tally()).started + (second.get(key) or Tally()).started,
                       submitted=(first.get(key) or Tally()).submitted + (second.get(key) or Tally()).submitted)
            for key in keys}


def _add_counts(first: dict[str, int], second: dict[str, int]) -> dict[str, int]:
    return {key: first.get(key, 0) + second.get(key, 0) for key in first | second}


def _add_question(first: QuestionTally | None, second: QuestionTally | None) -> QuestionTally:
    a, b = first or QuestionTally(), second or QuestionTally()
    return QuestionTally(**{name: getattr(a, name) + getattr(b, name) for name in QuestionTally.model_fields})
