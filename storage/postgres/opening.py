"""Opening PostgreSQL at start: reach the server, check or upgrade the schema, then open the pool."""

from __future__ import annotations

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


class DatabaseUnreachable(StorageError):
    """The server does not answer, or refuses us; the message names the host and the setting."""


async def open_repository(conninfo: str, standing: StandingOf, *, writer: bool = True,
                          setting: str = "CONSULT_DB") -> PostgresRepository:
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
        check=AsyncConnectionPool.check_connection,
        configure=None if writer else _read_only,
    )
    try:
        await pool.open(wait=True, timeout=CONNECT_SECONDS)
    except Exception as error:  # PoolTimeout, or anything the pool raises while connecting
        await pool.close()
        raise DatabaseUnreachable(_unreachable(conninfo, setting, str(error))) from None
    return PostgresRepository(pool, conninfo, standing)


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
