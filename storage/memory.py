"""An in-memory repository: the fake for tests, and a store for throwaway runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

from core import figures
from core.figures import Figures
from core.ports import Held, StorageError
from core.session import Session
from questionnaire.model import Questionnaire
from storage.in_process import RespondentLocks


class MemoryRepository:
    """Keeps sessions in a dict; passes the same contract tests as the TinyDB repository."""

    def __init__(self) -> None:
        self._sessions: dict[str, Session] = {}
        self._closed = False
        self._held = RespondentLocks()

    async def get(self, respondent_id: str) -> Session | None:
        """A copy of the stored session, or None for a respondent never seen."""
        self._check_open()
        stored = self._sessions.get(respondent_id)
        return stored.model_copy(deep=True) if stored is not None else None

    async def put(self, session: Session) -> None:
        """Store a copy, so the caller's later changes cannot reach what is stored."""
        self._check_open()
        self._sessions[session.respondent_id] = session.model_copy(deep=True)

    def transaction(self, respondent_id: str) -> AbstractAsyncContextManager[Held]:
        """Hold one respondent for a load-apply-store step (this process owns the store: a lock suffices)."""
        return self._held.transaction(respondent_id, self.get, self.put)

    async def all(self) -> list[Session]:
        """Copies of every stored session."""
        self._check_open()
        return [session.model_copy(deep=True) for session in self._sessions.values()]

    async def healthy(self) -> bool:
        """True while open."""
        return not self._closed

    async def each(self) -> AsyncIterator[Session]:
        """Copies of every stored session, one at a time."""
        for respondent_id in list(self._sessions):
            if (session := await self.get(respondent_id)) is not None:
                yield session

    async def figures(self, q: Questionnaire) -> Figures:
        """What progress counts, added up here (core.figures)."""
        self._check_open()
        return figures.add_up(figures.standing(q, session) for session in self._sessions.values())

    async def close(self) -> None:
        """Refuse further use; closing twice is harmless."""
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise StorageError("The in-memory repository is closed.")
