"""The invitations port: the few verbs the service and the secretariat's commands need."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from core.invitations.model import Invitation


class Invitations(Protocol):
    """Where invitations live: memory, a JSON file beside the TinyDB database, or PostgreSQL."""

    async def get(self, code: str) -> Invitation | None:
        """The invitation with this code (revoked ones too), or None."""
        ...

    async def add(self, invitations: Sequence[Invitation]) -> None:
        """Store these new invitations, all or none (a code already used raises ValueError)."""
        ...

    async def all(self) -> list[Invitation]:
        """Every invitation, in the order they were added."""
        ...

    async def revoke(self, code: str, at: datetime) -> Invitation | None:
        """Mark the invitation revoked (kept, for the record); None if there is no such code."""
        ...
