"""The service: one respondent at a time, load, apply, store durably, and only then reply."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from datetime import UTC, datetime

from core import engine
from core.inputs import Input
from core.ports import Repository
from core.reply import Reply
from core.session import Session
from questionnaire.model import Questionnaire


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


class ConsultService:
    """Serves every front end: the same questionnaire, the same repository, the same rules."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        repository: Repository,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.questionnaire = questionnaire
        self.repository = repository
        self._clock = clock
        # One lock per respondent: two inputs from one person are applied in order; inputs from
        # different people never wait for each other.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(
        self, respondent_id: str, channel: str, command: Input, inbound_id: str | None = None
    ) -> Reply:
        """Apply one input; the reply is returned only after the new state is durably stored."""
        lock = self._locks.setdefault(respondent_id, asyncio.Lock())
        # The lock orders this process's inputs; the repository's transaction holds the respondent
        # against other processes too (PostgreSQL: a row lock) until what is put is committed.
        async with lock, self.repository.transaction(respondent_id) as held:
            session = held.session or engine.new_session(respondent_id, channel)
            outcome = engine.apply(self.questionnaire, session, command, self._clock(), inbound_id)
            if outcome.changed:
                await held.put(outcome.session)
        return outcome.reply

    async def session(self, respondent_id: str) -> Session | None:
        """The stored session of one respondent."""
        return await self.repository.get(respondent_id)

    def now(self) -> datetime:
        """The service's clock (tests pass a fixed one)."""
        return self._clock()
