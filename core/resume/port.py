"""The storage port of moving between apps: codes (hashed), wrong tries, and the move itself."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.ports import StorageError
from core.session import Session

# Used and expired codes are kept this long, so that they get "already used" or "expired", not "not right".
KEPT_AFTER_EXPIRY_HOURS = 24


class CodeState(StrEnum):
    """What a code given to redeem turned out to be."""

    VALID = "valid"
    UNKNOWN = "unknown"  # never issued (a guess or a typo), or removed long after it expired
    USED = "used"
    EXPIRED = "expired"
    OWN = "own"  # issued in the very chat that gives it: nothing to move


def state_of(source_id: str, expires_at: datetime, used_at: datetime | None, target_id: str,
             now: datetime) -> CodeState:
    """The state of a stored code for one redemption (the same rule for every backend)."""
    if used_at is not None:
        return CodeState.USED
    if now >= expires_at:
        return CodeState.EXPIRED
    return CodeState.OWN if source_id == target_id else CodeState.VALID


@dataclass(frozen=True)
class IssuedCode:
    """A code as stored: its digest (never the code), whose response it moves, until when."""

    digest: str
    source_id: str
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Tries:
    """Wrong codes given within the rate limit's window: by one respondent id, and by everyone."""

    mine: int
    everyone: int


class Redemption(Protocol):
    """One code being redeemed. While it is open, the code and both respondents are held (as `Held`)."""

    @property
    def state(self) -> CodeState: ...

    @property
    def source(self) -> Session | None:
        """The session the code moves (None unless the code is VALID)."""
        ...

    @property
    def target(self) -> Session | None:
        """The session already at the target respondent id, if any (None unless VALID)."""
        ...

    async def commit(self, target: Session, stub: Session) -> None:
        """Store both sessions and spend the code: all of it once the block ends without an error, or none."""
        ...


class Refused:
    """A code that moves nothing: what every store hands out for a code that is not valid."""

    def __init__(self, state: CodeState) -> None:
        self.state, self.source, self.target = state, None, None

    async def commit(self, target: Session, stub: Session) -> None:
        raise StorageError("A code that is not valid cannot move anything.")


class MoveStore(Protocol):
    """Where codes and wrong tries live; the backend makes a move all-or-nothing."""

    async def issue(self, code: IssuedCode) -> None:
        """Store a new code; the source's earlier unused codes stop working (one live code per respondent)."""
        ...

    async def tries(self, respondent_id: str, since: datetime) -> Tries:
        """Wrong codes given since `since`."""
        ...

    async def wrong(self, respondent_id: str, at: datetime) -> None:
        """Count one wrong code (durably: a restart does not reset the limit)."""
        ...

    def redeeming(self, digest: str, target_id: str, now: datetime) -> AbstractAsyncContextManager[Redemption]:
        """Look the code up and hold it (and, if VALID, its source and the target) for one move."""
        ...
