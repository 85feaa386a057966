"""The run-time window (core.windows.WindowStore) in PostgreSQL: one row of table consult_window (migration 0004).

Read at most every CACHE_SECONDS by a process: a change by `consult window` reaches every bot process within
that, without a query per respondent's input.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool

from core.ports import StorageError
from core.windows import Window

CACHE_SECONDS = 5.0
_UPSERT = ("INSERT INTO consult_window (id, opens, closes, late, updated_at) VALUES (1, %s, %s, %s, now()) "
           "ON CONFLICT (id) DO UPDATE SET opens = excluded.opens, closes = excluded.closes, late = excluded.late, "
           "updated_at = now()")


class PostgresWindowStore:
    """The window as one row, shared by every process."""

    def __init__(self, pool: AsyncConnectionPool[Any], cache_seconds: float = CACHE_SECONDS) -> None:
        self._pool, self._cache_seconds = pool, cache_seconds
        self._read_at: float | None = None
        self._window: Window | None = None

    async def get(self) -> Window | None:
        """The window set, as read at most CACHE_SECONDS ago."""
        if self._read_at is not None and time.monotonic() - self._read_at < self._cache_seconds:
            return self._window
        try:
            async with self._pool.connection() as conn:
                cursor = await conn.execute("SELECT opens, closes, late FROM consult_window WHERE id = 1")
                row = await cursor.fetchone()
        except psycopg.Error as exc:
            raise StorageError(f"the window could not be read ({type(exc).__name__})") from None
        self._window = None if row is None else Window(row[0], row[1], frozenset(row[2] or ()))
        self._read_at = time.monotonic()
        return self._window

    async def put(self, window: Window) -> None:
        """Store the window (committed when this returns)."""
        try:
            async with self._pool.connection() as conn:
                await conn.execute(_UPSERT, [window.opens, window.closes, sorted(window.late)])
        except psycopg.Error as exc:
            raise StorageError(f"the window could not be stored ({type(exc).__name__})") from None
        self._read_at = None
