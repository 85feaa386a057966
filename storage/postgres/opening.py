"""Opening PostgreSQL at start: reach the server, check or upgrade the schema, then open the pool."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from core.ports import StorageError
from storage.postgres import schema
from storage.postgres.address import describe, without_password
from storage.postgres.repository import PostgresRepository, StandingOf

POOL_SIZE = 10
CONNECT_SECONDS = 10


@dataclass(frozen=True)
class Limits:
    """How long a respondent may wait on the database before being told their input was not saved.

    Storing takes milliseconds; these bound the rare waits: a burst larger than the pool queues for a
    connection up to `pool_wait`; a row held by another process's step up to `lock`; a stuck statement
    up to `statement`; a process that froze (or lost its network) with a row held keeps it only for
    `idle_in_transaction`, after which the server ends its session. Each wait ends in a StorageError,
    which the service turns into the "not saved, please send it again" reply.
    """

    pool_wait: float = 5.0
    lock: float = 3.0
    statement: float = 5.0
    idle_in_transaction: float = 15.0
    # A reconnection series gives up after this long; the next request starts a new one at once,
    # so a server back after a long outage is found in seconds, not after a long backoff.
    reconnect: float = 10.0

    async def apply(self, conn: AsyncConnection[Any]) -> None:
        """Set the server-side timeouts on one of the pool's connections (once, when it is made)."""
        settings = {"lock_timeout": self.lock, "statement_timeout": self.statement,
                    "idle_in_transaction_session_timeout": self.idle_in_transaction}
        await conn.execute("; ".join(f"SET {name} = {round(seconds * 1000)}" for name, seconds in settings.items()))


LIMITS = Limits()


class DatabaseUnreachable(StorageError):
    """The server does not answer, or refuses us; the message names the host and the setting."""


async def open_repository(conninfo: str, standing: StandingOf, *, writer: bool = True,
                          setting: str = "CONSULT_DB", limits: Limits = LIMITS) -> PostgresRepository:
    """Open the database: a writer first applies missing migrations; a reader only checks the schema."""
    async with await connect(conninfo, setting) as conn:
        if writer:
            await schema.upgrade(conn, describe(conninfo))
        else:
            await _check_readable(conn, conninfo, setting)
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        conninfo,
        min_size=1,
        max_size=POOL_SIZE,
        open=False,
        name="consult",
        kwargs={"autocommit": True},
        # A connection that died (server restart, network cut) is replaced instead of handed out.
        check=_check_if_idle,
        reset=_returned,
        reconnect_timeout=limits.reconnect,
        timeout=limits.pool_wait,
        # The bots' connections hold respondents, so they get the timeouts; a reader (progress, export)
        # holds nobody and may take its time.
        configure=limits.apply if writer else _read_only,
    )
    try:
        await pool.open(wait=True, timeout=CONNECT_SECONDS)
    except Exception as error:  # PoolTimeout, or anything the pool raises while connecting
        await pool.close()
        raise DatabaseUnreachable(_unreachable(conninfo, setting, str(error))) from None
    return PostgresRepository(pool, conninfo, standing)


# Checking a connection costs a round trip to the server: one in five of each stored answer's. One
# handed back moments ago was working then, so only those idle longer than this are checked first.
CHECK_AFTER_IDLE = 1.0
_returned_at: weakref.WeakKeyDictionary[AsyncConnection[Any], float] = weakref.WeakKeyDictionary()


async def _returned(conn: AsyncConnection[Any]) -> None:
    _returned_at[conn] = time.monotonic()


async def _check_if_idle(conn: AsyncConnection[Any]) -> None:
    if time.monotonic() - _returned_at.get(conn, float("-inf")) > CHECK_AFTER_IDLE:
        await AsyncConnectionPool.check_connection(conn)


async def connect(conninfo: str, setting: str) -> AsyncConnection[Any]:
    """One connection (autocommit), or DatabaseUnreachable naming the host and the setting."""
    try:
        return await AsyncConnection.connect(conninfo, autocommit=True, connect_timeout=CONNECT_SECONDS)
    except psycopg.Error as error:
        raise DatabaseUnreachable(_unreachable(conninfo, setting, str(error))) from None


async def _check_readable(conn: AsyncConnection[Any], conninfo: str, setting: str) -> None:
    found = await schema.version(conn)
    schema.check_not_newer(found, describe(conninfo))
    if found < schema.LATEST:
        raise StorageError(
            f"The database at {describe(conninfo)} ({setting}) has schema version {found}; this consult needs "
            f"{schema.LATEST}. Run 'consult db upgrade' (or start the bots once), then try again."
        )


async def _read_only(conn: AsyncConnection[Any]) -> None:
    # For the whole session: psycopg's own read_only only marks the transactions it opens, not autocommit.
    await conn.execute("SET default_transaction_read_only = on")


def _unreachable(conninfo: str, setting: str, reason: str) -> str:
    first = without_password(reason.strip().splitlines()[0], conninfo) if reason.strip() else "no answer"
    return (
        f"Cannot reach PostgreSQL at {describe(conninfo)}, the address in {setting}: {first}. "
        f"Check that the server is running and that {setting} is right."
    )
