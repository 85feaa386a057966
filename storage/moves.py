"""Resume codes and wrong tries for the stores one process owns: in memory, or a JSON file beside TinyDB.

The file (`consult.moves.json` beside `consult.json`) is written only by the process that holds the
database's writer lock (`consult run`, or `consult chat`): codes are given and redeemed by respondents,
never by secretariat commands, so no other process needs to see changes while it runs.

A move writes three things, in this order: the target's session, the stub, the code (spent). A
failure writing the target changes nothing and the code still works ("not saved, send it again"); a
crash between the target and the stub (milliseconds) leaves the answers in both chats, never in
neither; a crash before the code is spent leaves a code whose response has gone ("moved since").
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from core.ports import Repository
from core.resume.limits import WINDOW
from core.resume.port import KEPT_AFTER_EXPIRY_HOURS, CodeState, IssuedCode, Refused, Tries, state_of
from core.session import Session
from storage.atomic_json import AtomicJSONStorage

TABLE, KEY = "moves", "1"  # the file is a TinyDB table map holding one document


class CodeRecord(BaseModel):
    """One code, as stored: no code, only its digest (the key)."""

    source_id: str
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_by: str | None = None


class WrongTry(BaseModel):
    """One wrong code, counted against the respondent id that gave it."""

    respondent_id: str
    at: datetime


class MovesData(BaseModel):
    """Everything this store keeps."""

    codes: dict[str, CodeRecord] = Field(default_factory=dict)
    wrong: list[WrongTry] = Field(default_factory=list)


class Book(Protocol):
    """Where MovesData is kept between runs."""

    async def load(self) -> MovesData: ...

    async def save(self, data: MovesData) -> None: ...


class MemoryBook:
    """Kept in memory (the memory repository's companion)."""

    def __init__(self) -> None:
        self._data = MovesData()

    async def load(self) -> MovesData:
        return self._data.model_copy(deep=True)

    async def save(self, data: MovesData) -> None:
        self._data = data.model_copy(deep=True)


class FileBook:
    """A JSON file replaced atomically (write, fsync, rename), off the event loop."""

    def __init__(self, path: Path) -> None:
        self._file = AtomicJSONStorage(path)

    @classmethod
    def beside(cls, catalog: Path) -> FileBook:
        """The moves file of the database whose catalog is `catalog`."""
        return cls(catalog.with_name(catalog.stem + ".moves.json"))

    async def load(self) -> MovesData:
        tables = await asyncio.to_thread(self._file.read)
        return MovesData.model_validate((tables or {}).get(TABLE, {}).get(KEY, {}))

    async def save(self, data: MovesData) -> None:
        await asyncio.to_thread(self._file.write, {TABLE: {KEY: data.model_dump(mode="json")}})


class _Held:
    """A valid code, with both respondents held."""

    def __init__(self, source: Session | None, target: Session | None) -> None:
        self.state = CodeState.VALID
        self.source, self.target = source, target
        self.stored: tuple[Session, Session] | None = None

    async def commit(self, target: Session, stub: Session) -> None:
        self.stored = (target, stub)  # written when the block ends, as PostgreSQL commits then


class InProcessMoves:
    """The MoveStore over a repository one process owns (memory, TinyDB) and a Book.

    Two locks, taken in one order (moving, then respondents, then the book), never the other way:
    `_moving` lets one redemption at a time hold its two respondents (two moves can never hold the same
    two people in opposite orders); `_book` guards each read-change-write of the book, and is never held
    while waiting for anything else. 'continue elsewhere' holds its respondent and then takes `_book`,
    which is the same order.
    """

    def __init__(self, repository: Repository, book: Book) -> None:
        self._repository = repository
        self._book = book
        self._moving = asyncio.Lock()
        self._writing = asyncio.Lock()

    async def issue(self, code: IssuedCode) -> None:
        keep_until = code.issued_at - timedelta(hours=KEPT_AFTER_EXPIRY_HOURS)
        async with self._writing:
            data = await self._book.load()
            data.codes = {digest: record for digest, record in data.codes.items()
                          if record.expires_at > keep_until
                          and not (record.source_id == code.source_id and record.used_at is None)}
            data.codes[code.digest] = CodeRecord(source_id=code.source_id, issued_at=code.issued_at,
                                                 expires_at=code.expires_at)
            await self._book.save(data)

    async def tries(self, respondent_id: str, since: datetime) -> Tries:
        recent = [one for one in (await self._book.load()).wrong if one.at > since]
        return Tries(sum(one.respondent_id == respondent_id for one in recent), len(recent))

    async def wrong(self, respondent_id: str, at: datetime) -> None:
        async with self._writing:
            data = await self._book.load()
            data.wrong = [one for one in data.wrong if one.at > at - WINDOW]  # older ones count no more
            data.wrong.append(WrongTry(respondent_id=respondent_id, at=at))
            await self._book.save(data)

    @asynccontextmanager
    async def redeeming(self, digest: str, target_id: str, now: datetime) -> AsyncIterator[Refused | _Held]:
        async with self._moving:
            record, state = await self._look_up(digest, target_id, now)
            if record is None or state is not CodeState.VALID:
                yield Refused(state)
                return
            # The target is held inside the source, so it is stored first when the block ends.
            async with self._repository.transaction(record.source_id) as source, \
                    self._repository.transaction(target_id) as target:
                _, state = await self._look_up(digest, target_id, now)  # a new code may have replaced it meanwhile
                held = _Held(source.session, target.session) if state is CodeState.VALID else Refused(state)
                yield held
                if isinstance(held, _Held) and held.stored is not None:
                    await target.put(held.stored[0])
                    await source.put(held.stored[1])
            if isinstance(held, _Held) and held.stored is not None:  # both sessions are stored: spend the code
                await self._spend(digest, target_id, now)

    async def _look_up(self, digest: str, target_id: str, now: datetime) -> tuple[CodeRecord | None, CodeState]:
        record = (await self._book.load()).codes.get(digest)
        if record is None:
            return None, CodeState.UNKNOWN
        return record, state_of(record.source_id, record.expires_at, record.used_at, target_id, now)

    async def _spend(self, digest: str, target_id: str, now: datetime) -> None:
        async with self._writing:
            data = await self._book.load()
            if (record := data.codes.get(digest)) is not None:
                record.used_at, record.used_by = now, target_id
                await self._book.save(data)
