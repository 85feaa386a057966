"""The decisions port over PostgreSQL: one row per organisation, seen by every process once committed."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Json
from psycopg_pool import AsyncConnectionPool
from pydantic import ValidationError

from core.organisations.model import Decision
from core.ports import DatabaseCorrupt, StorageError

_UPSERT = ("INSERT INTO consult_organisation_decision (key, decision) VALUES (%s, %s) "
           "ON CONFLICT (key) DO UPDATE SET decision = excluded.decision")


class PostgresDecisions:
    """Decisions in the table consult_organisation_decision (migration 0003), through the repository's pool."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def all(self) -> list[Decision]:
        try:
            async with self._pool.connection() as conn:
                rows = await (await conn.execute("SELECT decision FROM consult_organisation_decision")).fetchall()
        except psycopg.Error as error:
            raise StorageError(f"PostgreSQL failed on decisions: {str(error).strip().splitlines()[0]}") from None
        try:
            return [Decision.model_validate(row[0]) for row in rows]
        except ValidationError as error:
            raise DatabaseCorrupt(f"A row of consult_organisation_decision is not a decision ({error}).") from None

    async def put(self, decision: Decision) -> None:
        try:
            async with self._pool.connection() as conn:
                await conn.execute(_UPSERT, [decision.key, Json(decision.model_dump(mode="json"))])
        except psycopg.Error as error:
            raise StorageError(f"PostgreSQL failed on decisions: {str(error).strip().splitlines()[0]}") from None
