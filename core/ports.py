"""The repository port: the few verbs the core needs from storage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from core.session import Session


class StorageError(RuntimeError):
    """Storage cannot be used; the message says why and what to do."""


class DatabaseLocked(StorageError):
    """Another process already writes to this database."""


class DatabaseCorrupt(StorageError):
    """A database file cannot be read; it is left untouched."""


class Repository(Protocol):
    """Where sessions live. `put` returns only once the session is durably stored."""

    async def get(self, respondent_id: str) -> Session | None:
        """The stored session, or None for a respondent never seen."""
        ...

    async def put(self, session: Session) -> None:
        """Store the session, replacing any earlier version, durably."""
        ...

    async def all(self) -> Iterable[Session]:
        """Every stored session (for progress and exports)."""
        ...

    async def close(self) -> None:
        """Release files, locks and threads."""
        ...
