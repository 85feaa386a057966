"""The decisions port: where the secretariat's decisions on organisations are kept."""

from __future__ import annotations

from typing import Protocol

from core.organisations.model import Decision


class Decisions(Protocol):
    """Decisions by organisation key: memory, a JSON file beside the TinyDB database, or PostgreSQL."""

    async def all(self) -> list[Decision]:
        """Every decision, one per organisation."""
        ...

    async def put(self, decision: Decision) -> None:
        """Record a decision, replacing any earlier one for the same organisation."""
        ...
