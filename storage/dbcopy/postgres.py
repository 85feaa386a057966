"""PostgreSQL as the copy's source (one read-only snapshot) or target (the repository's own writes)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import AsyncConnection

from core.ports import StorageError
from core.session import Session
from storage.postgres import open_repository, schema
from storage.postgres.address import describe, without_password
from storage.postgres.opening import connect
from storage.postgres.repository import PostgresRepository, StandingOf

_SESSIONS = "SELECT session FROM consult_respondent WHERE session IS NOT NULL"
_STORED = _SESSIONS + " AND respondent_id = ANY(%s)"
_COUNT = "SELECT count(*) FROM consult_respondent WHERE session IS NOT NULL"
# Which database a copy last came from: one row, in a table only a copy creates (so no migration).
_MARKER_TABLE = (
    "CREATE TABLE IF NOT EXISTS consult_copied_from "
    "(only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), source text NOT NULL, at timestamptz NOT NULL)"
)
_MARK = (
    "INSERT INTO consult_copied_from (source, at) VALUES (%s, now()) "
    "ON CONFLICT (only_row) DO UPDATE SET source = excluded.source, at = excluded.at"
)


def where(conninfo: str) -> str:
    """How people see this database: never with its password."""
    return f"PostgreSQL, {describe(conninfo)}"


async def _sessions(conn: AsyncConnection[Any], conninfo: str, batch: int) -> AsyncGenerator[list[Session]]:
    """Every session, `batch` at a time, through a server-side cursor in one read-only snapshot."""
    with errors(conninfo):
        async with conn.transaction():
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            async with conn.cursor(name="consult_copy") as cursor:
                await cursor.execute(_SESSIONS + " ORDER BY respondent_id")  # the primary key's order: no sort
                while rows := await cursor.fetchmany(batch):
                    yield [Session.model_validate(row[0]) for row in rows]


class _Connected:
    """One connection of our own, and what tells this database apart from another on the same server."""

    def __init__(self, conninfo: str, setting: str, batch: int) -> None:
        self.where = where(conninfo)
        self.key = self.identity = ""
        self._conninfo = conninfo
        self._setting = setting
        self._batch = batch
        self._conn: AsyncConnection[Any] | None = None

    async def _connect(self) -> int:
        """Connect; the schema version found."""
        conn = self._conn = await connect(self._conninfo, self._setting)
        with errors(self._conninfo):
            found = await schema.version(conn)
            row = await (await conn.execute("SELECT current_schema()")).fetchone()
        schema.check_not_newer(found, describe(self._conninfo))
        self.key = self.identity = f"postgresql {describe(self._conninfo)}, schema {row[0] if row else '?'}"
        return found

    @property
    def conn(self) -> AsyncConnection[Any]:
        assert self._conn is not None, "open() first"
        return self._conn

    def batches(self) -> AsyncGenerator[list[Session]]:
        """Every stored session, in batches."""
        return _sessions(self.conn, self._conninfo, self._batch)

    async def close(self) -> None:
        """Close our connection."""
        if self._conn is not None:
            await self._conn.close()


class PostgresSource(_Connected):
    """Reads every session in one snapshot: a copy taken while bots write is that moment's database."""

    async def open(self) -> PostgresSource:
        """Connect, and refuse a database consult has not set up (or a newer consult has)."""
        if await self._connect() < schema.LATEST:
            raise StorageError(f"The database at {self.where} has no consult tables, or older ones; "
                               "run 'consult db upgrade' on it first, or check the address to copy from.")
        return self


class PostgresTarget(_Connected):
    """Writes through the repository, so the progress columns are filled as the bots would fill them."""

    def __init__(self, conninfo: str, setting: str, batch: int, standing: StandingOf) -> None:
        super().__init__(conninfo, setting, batch)
        self._standing = standing
        self._repository: PostgresRepository | None = None

    async def open(self) -> PostgresTarget:
        """Bring the schema up to date (as the bots do at start), then connect."""
        self._repository = await open_repository(self._conninfo, self._standing, setting=self._setting)
        await self._connect()
        return self

    async def count(self) -> int:
        """How many respondents are stored."""
        with errors(self._conninfo):
            row = await (await self.conn.execute(_COUNT)).fetchone()
        return int(row[0]) if row else 0

    async def marker(self) -> str | None:
        """The identity of the database a copy last came from, if any."""
        with errors(self._conninfo):
            found = await (await self.conn.execute("SELECT to_regclass('consult_copied_from') IS NOT NULL")).fetchone()
            if not found or not found[0]:
                return None
            row = await (await self.conn.execute("SELECT source FROM consult_copied_from")).fetchone()
        return None if row is None else str(row[0])

    async def mark(self, source: str) -> None:
        """Record the source, before the first session is written."""
        with errors(self._conninfo):
            await self.conn.execute(_MARKER_TABLE)
            await self.conn.execute(_MARK, [source])

    async def stored(self, ids: list[str]) -> dict[str, Session]:
        """The sessions already stored under these ids."""
        with errors(self._conninfo):
            rows = await (await self.conn.execute(_STORED, [ids])).fetchall()
        return {session.respondent_id: session for session in (Session.model_validate(row[0]) for row in rows)}

    async def put(self, session: Session) -> None:
        """Store one session and its progress columns, committed when this returns."""
        assert self._repository is not None, "open() first"
        await self._repository.put(session)

    async def close(self) -> None:
        """Close our connection and the repository's pool."""
        await super().close()
        if self._repository is not None:
            await self._repository.close()


@contextmanager
def errors(conninfo: str) -> Iterator[None]:
    """A failure of the server as a StorageError that names it, never with the password."""
    try:
        yield
    except psycopg.Error as error:
        reason = without_password((str(error).strip().splitlines() or [type(error).__name__])[0], conninfo)
        raise StorageError(f"PostgreSQL ({describe(conninfo)}) failed: {reason}") from None
