"""One respondent at a time within one process: the transaction of the stores that one process owns."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from core.session import Session


@dataclass
class HeldInProcess:
    """The session read under the respondent's lock, and the repository's own put."""

    session: Session | None
    store: Callable[[Session], Awaitable[None]]

    async def put(self, session: Session) -> None:
        """Store durably (the repository's put), while the lock is still held."""
        await self.store(session)


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
        """Lock, get; the caller applies and puts (put is durable when it returns) before the lock goes."""
        lock = self._locks.setdefault(respondent_id, asyncio.Lock())
        async with lock:
            yield HeldInProcess(await get(respondent_id), put)
