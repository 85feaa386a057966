"""The lock for work only one process may do (core.leadership): a PostgreSQL advisory lock.

It is held by a connection of its own, not one from the pool: the lock belongs to that session, and
goes when the session ends. A process killed with -9 closes its socket, the server ends the session at
once, and a standby takes the lock at its next try. A machine that vanishes sends nothing: the server's
TCP keepalives (set below) end its session within about KEEPALIVE_LIMIT seconds, while the leader's own
check (a query that must answer within CHECK_TIMEOUT) makes it stop its work first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg
from psycopg import AsyncConnection

from storage.postgres.address import describe, without_password

log = logging.getLogger("consult")

UNLOCK_SECONDS = 1.0  # a session that cannot answer this fast is ended anyway, and the lock with it
CONNECT_SECONDS = 5
CHECK_TIMEOUT = 2.0  # seconds the lock's connection has to answer before the lock counts as lost
# The server gives up on a silent client after idle + interval * count seconds (about 12 s).
KEEPALIVE_SETTINGS = {"tcp_keepalives_idle": 6, "tcp_keepalives_interval": 2, "tcp_keepalives_count": 3}
KEEPALIVE_LIMIT = 12
# One key per name and schema: two bots on one database, or two consultations in two schemas, never
# wait for each other (as the migrations' lock, keyed by schema).
_TRY = "SELECT pg_try_advisory_lock(hashtextextended('consult-run-once:' || %s || ':' || current_schema(), 0))"


class AdvisoryLock:
    """`pg_try_advisory_lock` on a dedicated connection, for `core.leadership.lead`."""

    def __init__(self, conninfo: str, name: str) -> None:
        self._conninfo, self._name = conninfo, name
        self._conn: AsyncConnection[Any] | None = None
        self._holding = False  # the connection stays open between tries, holding the lock or not
        self._unreachable_said = False

    async def acquire(self) -> bool:
        """Take the lock if no other session holds it; False too while the server does not answer."""
        try:
            row = await self._ask(await self._connection(), _TRY, [self._name])
        except (psycopg.Error, TimeoutError) as error:
            self._say_unreachable(error)
            await self.release()
            return False
        self._unreachable_said = False
        self._holding = self._holding or bool(row and row[0])
        return self._holding

    async def held(self) -> bool:
        """Still ours: the session that took the lock answers (a session keeps its lock until it ends)."""
        if not self._holding or self._conn is None or self._conn.closed:
            return False
        try:
            await self._ask(self._conn, "SELECT 1", [])
        except (psycopg.Error, TimeoutError):
            await self.release()
            return False
        return True

    async def _ask(self, conn: AsyncConnection[Any], query: str, params: list[str]) -> tuple[Any, ...] | None:
        """One row, or TimeoutError after CHECK_TIMEOUT without waiting any longer for a dead server."""
        asking = asyncio.ensure_future(self._fetch(conn, query, params))
        done, _ = await asyncio.wait([asking], timeout=CHECK_TIMEOUT)
        if asking in done:
            return asking.result()
        # Close first (the socket goes at once), then stop waiting: psycopg's cancel would wait on the server.
        await self.release()
        asking.cancel()
        asking.add_done_callback(_ignore)
        raise TimeoutError(f"no answer within {CHECK_TIMEOUT:.0f} s")

    @staticmethod
    async def _fetch(conn: AsyncConnection[Any], query: str, params: list[str]) -> tuple[Any, ...] | None:
        return await (await conn.execute(query, params)).fetchone()

    async def release(self) -> None:
        """Let the lock go, then end its session.

        Unlocked first, and answered: the server ends a closed session a moment after the client has
        gone, and until then another process asking for the lock would still be refused.
        """
        conn, holding, self._conn, self._holding = self._conn, self._holding, None, False
        if conn is not None:
            with contextlib.suppress(psycopg.Error, TimeoutError):
                if holding and not conn.closed:
                    async with asyncio.timeout(UNLOCK_SECONDS):
                        await conn.execute("SELECT pg_advisory_unlock_all()")
            with contextlib.suppress(psycopg.Error):
                await conn.close()

    async def _connection(self) -> AsyncConnection[Any]:
        if self._conn is None or self._conn.closed:
            conn = await AsyncConnection.connect(self._conninfo, autocommit=True, connect_timeout=CONNECT_SECONDS)
            for setting, value in KEEPALIVE_SETTINGS.items():
                await conn.execute(f"SET {setting} = {int(value)}")
            self._conn = conn
        return self._conn

    def _say_unreachable(self, error: BaseException) -> None:
        if self._unreachable_said:
            return
        self._unreachable_said = True
        reason = without_password(str(error).strip().splitlines()[0], self._conninfo) if str(error).strip() else ""
        log.warning("%s: the lock on PostgreSQL (%s) cannot be reached (%s); trying again",
                    self._name, describe(self._conninfo), reason or type(error).__name__)


def _ignore(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # read, so that asyncio does not report it
