"""A respondent's state: everything the engine needs, and all that storage keeps."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.invitations.model import Invited
from questionnaire.model import Item, Role

SCHEMA_VERSION = 1
RECENT_INPUTS_KEPT = 100
SOURCES_KEPT = 300

AnswerValue = str | list[str] | dict[str, str]


class Status(StrEnum):
    """Where a respondent is in the consultation."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class _Shared(BaseModel):
    """A part of a session that is replaced, never changed in place: copies of a session share it."""

    model_config = ConfigDict(frozen=True)


class Answer(_Shared):
    """One stored answer. `value` None means the respondent skipped the item."""

    value: AnswerValue | None
    at: datetime
    # The item's text when it was answered, so an answer outlives later edits of the file.
    text: str
    # True for contact details: they stay contact details (never published) if the item is removed.
    contact: bool = False

    @classmethod
    def to(cls, item: Item, value: AnswerValue | None, at: datetime) -> Answer:
        """The answer to `item`, with what must outlive the item itself."""
        return cls(value=value, at=at, text=item.text, contact=item.role is Role.CONTACT)


class Submission(_Shared):
    """A snapshot of the answers at one submit; the last one is what the secretariat counts."""

    at: datetime
    answers: dict[str, Answer]


class SetAside(_Shared):
    """An answer kept but not counted: its question no longer applies to this respondent."""

    answer: Answer
    # When it was set aside; None when only the questionnaire in use sets it aside (not stored so yet).
    at: datetime | None
    why: str


class Draft(BaseModel):
    """An answer being built over several inputs: a long text, or toggled choices."""

    item_id: str
    parts: list[str] = Field(default_factory=list)
    choices: list[int] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


class Source(_Shared):
    """The typed text one platform message gave to an answer, so that editing it can update that answer."""

    item_id: str
    field_id: str | None = None
    text: str
    # Where the text starts in a long answer (messages are joined by line breaks).
    start: int | None = None


class Suggestion(BaseModel):
    """Countries offered for a contact field when unsure what was typed, to pick by button or number."""

    item_id: str
    field_id: str
    codes: list[str]


class Session(BaseModel):
    """One respondent's conversation with the questionnaire."""

    schema_version: int = SCHEMA_VERSION
    respondent_id: str
    channel: str
    status: Status = Status.NEW
    answers: dict[str, Answer] = Field(default_factory=dict)
    # Answers to questions that no longer apply (a changed category, a changed file): never deleted,
    # not counted, and back in `answers` if the question applies again.
    set_aside: dict[str, SetAside] = Field(default_factory=dict)
    # The item being asked; None once every item has been passed (the review step).
    cursor: str | None = None
    field_index: int = 0
    draft: Draft | None = None
    pending: Literal["restart", "withdraw"] | None = None
    submissions: list[Submission] = Field(default_factory=list)
    changed_since_submit: bool = False
    invite: str | None = None
    # The invitation's organisation and categories as offered; what the respondent gave is in `answers`.
    invited: Invited | None = None
    # 'stop reminders' sent (and not undone by 'start reminders'): the reminder loop passes them by.
    reminders_off: bool = False
    # The respondent's language (one of core.i18n.LANGUAGES); None: not chosen, the questionnaire's default.
    language: str | None = None
    # True once the respondent was told that some questionnaire texts are not in their language.
    told_untranslated: bool = False
    # The language list was the last thing shown: a reply naming a language ('fr', 'Français') picks it.
    choosing_language: bool = False
    recent_inputs: list[str] = Field(default_factory=list)
    # Message ref -> what it gave; the newest SOURCES_KEPT (a questionnaire has far fewer answers).
    sources: dict[str, Source] = Field(default_factory=dict)
    started_at: datetime | None = None
    updated_at: datetime | None = None
    # Set on the stub left behind when the response moved to another front end (core/resume): the
    # respondent id that holds it now. A stub has no answers and status NEW, so nothing counts it.
    moved_to: str | None = None
    # The respondent ids this response was held under before it moved here, oldest first: what was sent
    # to them still counts (reminders already had, the cap).
    moved_from: list[str] = Field(default_factory=list)
    # "Did you mean ...?": the countries offered for the field on screen, until one is given.
    suggested: Suggestion | None = None

    @model_validator(mode="after")
    def _share_unchanged_answers(self) -> Session:
        # A loaded session holds each answer up to twice (current, and as submitted); most are
        # the same text. Sharing one object halves the memory of a large export. Answers are
        # never changed in place (the engine replaces them), so sharing is safe.
        for submission in self.submissions:
            for key, answer in submission.answers.items():
                current = self.answers.get(key)
                if current is not None and current is not answer and current == answer:
                    submission.answers[key] = current
        return self

    def working_copy(self) -> Session:
        """A copy the engine may change without touching this one.

        Cheaper than a deep copy (which was two thirds of the engine's time): the containers are copied,
        and what they hold is shared, since answers, submissions, set-aside answers and sources are
        frozen (replaced, never changed in place). The draft is the one part changed in place.
        """
        draft = self.draft.model_copy(update={"parts": list(self.draft.parts), "choices": list(self.draft.choices)}) \
            if self.draft is not None else None
        return self.model_copy(update={
            "answers": dict(self.answers), "set_aside": dict(self.set_aside), "draft": draft,
            "submissions": list(self.submissions), "recent_inputs": list(self.recent_inputs),
            "sources": dict(self.sources), "moved_from": list(self.moved_from),
        })

    @property
    def submitted(self) -> Submission | None:
        """The submission the secretariat counts: the latest one."""
        return self.submissions[-1] if self.submissions else None

    @property
    def counted(self) -> dict[str, Answer]:
        """The answers that count: the last submission's, or the current ones before any submission."""
        return self.submissions[-1].answers if self.submissions else self.answers


def same_answers(first: dict[str, Answer], second: dict[str, Answer]) -> bool:
    """True when both hold the same values for the same items (when they were given aside)."""
    return first.keys() == second.keys() and all(first[k].value == second[k].value for k in first)
