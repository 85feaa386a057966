"""Invitations in memory: for tests and throw-away runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.invitations.model import Invitation


def check_new(known: dict[str, Invitation], new: Sequence[Invitation]) -> None:
    """Refuse codes already used (or used twice among the new): nothing is stored then."""
    codes = [invitation.code for invitation in new]
    taken = sorted({code for code in codes if code in known or codes.count(code) > 1})
    if taken:
        raise ValueError(f"invitation code already used: {', '.join(taken)}")


class MemoryInvitations:
    """The Invitations port over a dict, in the order added."""

    def __init__(self) -> None:
        self._by_code: dict[str, Invitation] = {}

    async def get(self, code: str) -> Invitation | None:
        return self._by_code.get(code)

    async def add(self, invitations: Sequence[Invitation]) -> None:
        check_new(self._by_code, invitations)
        self._by_code.update((invitation.code, invitation) for invitation in invitations)

    async def all(self) -> list[Invitation]:
        return list(self._by_code.values())

    async def revoke(self, code: str, at: datetime) -> Invitation | None:
        found = self._by_code.get(code)
        if found is None:
            return None
        if not found.revoked:
            found = self._by_code[code] = found.model_copy(update={"revoked_at": at})
        return found
