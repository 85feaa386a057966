"""One respondent at a time within one process: the transaction of the stores that one process owns."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from core.session import Session


class HeldInProcess:
    """The session read under the respondent's lock; what is put is stored when the step ends well."""

    def __init__(self, session: Session | None) -> None:
        self.session = session
        self.stored: Session | None = None

    async def put(self, session: Session) -> None:
        """Store `session` at the end of the step, as PostgreSQL commits then (do not change it meanwhile)."""
        self.stored = session


class RespondentLocks:
    """An asyncio lock per respondent. Enough for memory and TinyDB: one process owns those stores."""

    def __init__(self) -> None:
        # Weak values: a respondent's lock goes away when nobody holds or waits for it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @asynccontextmanager
    async def transaction(
        self,
        respondent_id: str,
        get: Callable[[str], Awaitable[Session | None]],
        put: Callable[[Session], Awaitable[None]],
    ) -> AsyncIterator[HeldInProcess]:
        """Lock and get; after the caller's step, store what it put (durably) before the lock goes."""
        lock = self._locks.setdefault(respondent_id, asyncio.Lock())
        async with lock:
            held = HeldInProcess(await get(respondent_id))
            yield held
            if held.stored is not None:
                await put(held.stored)
