"""The log of what was sent first (core.reminders.log.SendLog) in PostgreSQL: table consult_sent (migration 0004)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from core.ports import StorageError
from core.reminders.log import Entry


class PostgresSendLog:
    """Entries as rows, shared by every process; each committed before `add` returns."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def add(self, entry: Entry) -> None:
        """Insert one row (committed when the connection goes back to the pool)."""
        sql = "INSERT INTO consult_sent (respondent_id, rule, at, state, reason) VALUES (%s, %s, %s, %s, %s)"
        try:
            async with self._pool.connection() as conn:
                await conn.execute(sql, [entry.respondent_id, entry.rule, entry.at, entry.state, entry.reason])
        except psycopg.Error as exc:
            raise StorageError(f"the send log could not be written ({type(exc).__name__})") from None

    async def entries(self) -> list[Entry]:
        """Every row, oldest first."""
        sql = "SELECT respondent_id, rule, at, state, reason FROM consult_sent ORDER BY id"
        try:
            async with self._pool.connection() as conn:
                rows = await (await conn.execute(sql)).fetchall()
        except psycopg.Error as exc:
            raise StorageError(f"the send log could not be read ({type(exc).__name__})") from None
        return [Entry(*row) for row in rows]
