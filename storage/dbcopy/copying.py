"""Copy every session from one database to another, then check each one against the source.

Re-runnable: sessions are keyed by respondent id; a session already identical in the target is
skipped, a different one is replaced (unless the target's is newer: that one is kept, and said), a
missing one is written. So a copy interrupted half-way resumes where it stopped, and a copy run
again later brings the target up to date. Before the first write the target records which database
it is a copy of; a target that holds sessions and no such record of this source is refused unless
the caller says `into_nonempty`.

Memory stays bounded: sessions come in batches; only one digest per respondent is kept, for the check.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Protocol

from core.ports import StorageError
from core.session import Session


class End(Protocol):
    """A database, read from start to end in batches."""

    where: str  # for people: never a password
    key: str  # the same for two addresses of the same database

    def batches(self) -> AsyncGenerator[list[Session]]: ...
    async def close(self) -> None: ...


class Source(End, Protocol):
    """The database copied from."""

    identity: str  # what a target records as the database it is a copy of


class Target(End, Protocol):
    """A database written one session at a time, and read back for the check."""

    async def count(self) -> int: ...
    async def marker(self) -> str | None: ...
    async def mark(self, source: str) -> None: ...
    async def stored(self, ids: list[str]) -> dict[str, Session]: ...
    async def put(self, session: Session) -> None: ...


class CopyRefused(StorageError):
    """The target cannot take this copy; nothing was written."""


@dataclass
class CopyReport:
    """What the copy did, and what the check found."""

    source: str
    target: str
    read: int = 0
    written_new: int = 0
    replaced: int = 0
    identical: int = 0
    kept_newer: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the source, not in the target
    different: list[str] = field(default_factory=list)  # in both, not the same
    only_in_target: int = 0

    @property
    def verified(self) -> bool:
        """Every session of the source is in the target, identical (or newer there, and kept)."""
        return not self.missing and not self.different


def digest(session: Session) -> bytes:
    """sha256 of the session's JSON as consult stores it: fields in the model's order, maps in theirs."""
    return hashlib.sha256(session.model_dump_json().encode()).digest()


AfterEach = Callable[[Session], Awaitable[None]]


async def copy(source: Source, target: Target, *, into_nonempty: bool = False,
               after_each: AfterEach | None = None) -> CopyReport:
    """Copy, then read the target back and compare every session with the source's digest.

    `after_each` is called after each session is handled (progress, or a test's interruption).
    """
    await _check_target(source, target, into_nonempty)
    report = CopyReport(source.where, target.where)
    await target.mark(source.identity)
    digests: dict[str, bytes] = {}
    async with aclosing(source.batches()) as batches:
        async for batch in batches:
            stored = await target.stored([session.respondent_id for session in batch])
            for session in batch:
                digests[session.respondent_id] = copied = digest(session)
                await _one(session, copied, stored.get(session.respondent_id), target, report)
                if after_each is not None:
                    await after_each(session)
    report.read = len(digests)
    await _check(digests, target, report)
    return report


async def _check_target(source: Source, target: Target, into_nonempty: bool) -> None:
    if source.key == target.key:
        raise CopyRefused(f"FROM and TO are the same database ({source.where}); nothing was copied.")
    if into_nonempty or await target.count() == 0 or await target.marker() == source.identity:
        return
    raise CopyRefused(
        f"The target ({target.where}) already holds {await target.count()} respondents, and is not an earlier "
        f"copy of {source.where}. Nothing was written. To copy into it anyway (a respondent found in both is "
        "replaced by the source's, unless the target's is newer), add --into-nonempty."
    )


async def _one(session: Session, copied: bytes, before: Session | None, target: Target, report: CopyReport) -> None:
    if before is not None and digest(before) == copied:
        report.identical += 1
    elif before is not None and _newer(before, session):
        report.kept_newer.append(session.respondent_id)
    else:
        await target.put(session)
        if before is None:
            report.written_new += 1
        else:
            report.replaced += 1


def _newer(stored: Session, incoming: Session) -> bool:
    # A copy run again after the bots moved to the target must not undo their newer answers.
    return stored.updated_at is not None and (incoming.updated_at is None or stored.updated_at > incoming.updated_at)


async def _check(digests: dict[str, bytes], target: Target, report: CopyReport) -> None:
    seen: set[str] = set()
    kept = set(report.kept_newer)
    async with aclosing(target.batches()) as batches:
        async for batch in batches:
            for session in batch:
                expected = digests.get(session.respondent_id)
                if expected is None:
                    report.only_in_target += 1
                    continue
                seen.add(session.respondent_id)
                if digest(session) != expected and session.respondent_id not in kept:
                    report.different.append(session.respondent_id)
    report.missing = sorted(set(digests) - seen)
