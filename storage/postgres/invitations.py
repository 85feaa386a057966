"""The invitations port over PostgreSQL: every process sees a code as soon as it is committed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Json, Jsonb
from psycopg_pool import AsyncConnectionPool
from pydantic import ValidationError

from core.invitations.model import Invitation
from core.ports import DatabaseCorrupt, StorageError

_INSERT = "INSERT INTO consult_invitation (code, invitation) VALUES (%s, %s)"


class PostgresInvitations:
    """Invitations in the table consult_invitation (migration 0003), through the repository's pool."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def get(self, code: str) -> Invitation | None:
        sql = "SELECT invitation FROM consult_invitation WHERE code = %s"
        async with self._connection() as conn:
            row = await (await conn.execute(sql, [code])).fetchone()
        return None if row is None else _invitation(row[0])

    async def add(self, invitations: Sequence[Invitation]) -> None:
        rows = [(inv.code, Json(inv.model_dump(mode="json"))) for inv in invitations]
        try:
            async with self._connection() as conn, conn.transaction(), conn.cursor() as cursor:
                await cursor.executemany(_INSERT, rows)
        except _Duplicate as error:
            raise ValueError(f"invitation code already used: {error}") from None

    async def all(self) -> list[Invitation]:
        sql = "SELECT invitation FROM consult_invitation ORDER BY position"
        async with self._connection() as conn:
            rows = await (await conn.execute(sql)).fetchall()
        return [_invitation(row[0]) for row in rows]

    async def revoke(self, code: str, at: datetime) -> Invitation | None:
        sql = (
            "UPDATE consult_invitation SET invitation = jsonb_set(invitation, '{revoked_at}', %s) "
            "WHERE code = %s AND invitation->'revoked_at' = 'null'::jsonb"
        )
        async with self._connection() as conn:
            await conn.execute(sql, [Jsonb(at.isoformat()), code])
        return await self.get(code)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        try:
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.errors.UniqueViolation as error:
            raise _Duplicate(_code_of(error)) from None
        except psycopg.Error as error:
            raise StorageError(f"PostgreSQL failed on invitations: {str(error).strip().splitlines()[0]}") from None


class _Duplicate(Exception):
    """A code already in the table."""


def _code_of(error: psycopg.errors.UniqueViolation) -> str:
    detail = error.diag.message_detail or ""  # "Key (code)=(abc) already exists."
    return detail.partition("=(")[2].partition(")")[0] or "?"


def _invitation(document: Any) -> Invitation:
    try:
        return Invitation.model_validate(document)
    except ValidationError as error:
        raise DatabaseCorrupt(f"A row of consult_invitation does not hold a valid invitation ({error}).") from None
