"""The repository port: the few verbs the core needs from storage."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from core.session import Session

if TYPE_CHECKING:
    from core.figures import Figures
    from questionnaire.model import Questionnaire


class StorageError(RuntimeError):
    """Storage cannot be used; the message says why and what to do."""


class DatabaseLocked(StorageError):
    """Another process already writes to this database."""


class DatabaseCorrupt(StorageError):
    """A database file cannot be read; it is left untouched."""


@dataclass(frozen=True)
class Standing:
    """What progress counts about one respondent, kept beside the session by a database that counts in SQL."""

    status: str
    channel: str
    categories: list[str]
    subcategories: list[str]
    # The item an unfinished respondent is at ("review" at the end); None once they have submitted.
    stopped_at: str | None
    started_at: datetime | None
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    updated_at: datetime | None
    # Since migration 0002: the rest of what `consult progress` shows, so that it never reads sessions.
    first_submitted_day: str | None  # the date of the first submission, as the session holds it
    country: str | None  # as typed, spaces collapsed; None when not answered
    country_key: str | None  # casefolded: one row per country however it was typed
    may_cite: bool
    asked: list[str]  # items asked in the answers that count (the last submission, or the current ones)
    answered_counted: list[str]  # ... and answered there
    answered: list[str]  # items answered in the current answers (their condition holds)
    skipped: list[str]  # ... and skipped
    set_aside: int  # answers kept but not counted
    figures_of: str  # the questionnaire these were computed with (core.figures.fingerprint)
    # Since migration 0003: what invitations and organisations need (core.invitations.standing.Arrival).
    invite: str | None = None
    organisation: str | None = None  # as given, in the answers that count
    invited_organisation: str | None = None
    arrival_kept: bool = True  # NULL in rows stored before 0003: their arrival is read from the session
    # The organisation given (else the invited one) as compared: lets SQL find names given more than once.
    organisation_key: str | None = None


class Held(Protocol):
    """One respondent held for one load-apply-store step: nobody else stores them until it ends."""

    @property
    def session(self) -> Session | None:
        """The stored session when the step began, or None for a respondent never seen."""
        ...

    async def put(self, session: Session) -> None:
        """Store the new session; it is durable once the step ends without an error."""
        ...


class Repository(Protocol):
    """Where sessions live. `put` returns only once the session is durably stored."""

    async def get(self, respondent_id: str) -> Session | None:
        """The stored session, or None for a respondent never seen."""
        ...

    async def put(self, session: Session) -> None:
        """Store the session, replacing any earlier version, durably."""
        ...

    def transaction(self, respondent_id: str) -> AbstractAsyncContextManager[Held]:
        """Hold one respondent, across every process that shares the database, for one step."""
        ...

    async def all(self) -> Iterable[Session]:
        """Every stored session (for progress and exports)."""
        ...

    async def healthy(self) -> bool:
        """True if the store can be used now (a platform's health check asks); quick, and never raises."""
        ...

    async def figures(self, q: Questionnaire) -> Figures:
        """What `consult progress` counts, added up over every respondent (in SQL where the database can)."""
        ...

    def each(self) -> AsyncIterator[Session]:
        """Every stored session, one at a time, in no set order, without holding them all in memory."""
        ...

    async def close(self) -> None:
        """Release files, locks and threads."""
        ...
