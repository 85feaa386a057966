"""The service: one respondent at a time, load, apply, store durably, and only then reply."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from datetime import UTC, datetime

from core import engine
from core.inputs import Input
from core.ports import Repository, StorageError
from core.reply import Reply
from core.session import Session
from questionnaire.model import Questionnaire

log = logging.getLogger("consult")

NOT_SAVED = "Sorry, your message was not saved. Please send it again in a minute."


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
        """Apply one input; the reply is returned only after the new state is durably stored.

        If storage fails, nothing changes and the reply asks the respondent to send the input again.
        """
        lock = self._locks.setdefault(respondent_id, asyncio.Lock())
        # The lock orders this process's inputs; the repository's transaction holds the respondent
        # against other processes too (PostgreSQL: a row lock) until what is put is committed.
        async with lock:
            session: Session | None = None
            try:
                async with self.repository.transaction(respondent_id) as held:
                    session = held.session or engine.new_session(respondent_id, channel)
                    outcome = engine.apply(self.questionnaire, session, command, self._clock(), inbound_id)
                    if outcome.changed:
                        await held.put(outcome.session)
            except StorageError as error:  # on reading, storing or committing: nothing was kept
                return self._not_saved(error, session)
        return outcome.reply

    def _not_saved(self, error: StorageError, session: Session | None) -> Reply:
        # The operator reads why in the log (file names and the system's error, no answer text);
        # the respondent reads that nothing was kept, still on the question they were on.
        log.error("An input was not saved: %s", error)
        return engine.not_saved(self.questionnaire, session, self._clock(), NOT_SAVED)

    async def session(self, respondent_id: str) -> Session | None:
        """The stored session of one respondent."""
        return await self.repository.get(respondent_id)

    def questionnaire_for(self, session: Session) -> Questionnaire:
        """The questionnaire as it applies to this respondent now."""
        return self.questionnaire

    def now(self) -> datetime:
        """The service's clock (tests pass a fixed one)."""
        return self._clock()
