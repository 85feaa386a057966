"""The repository port over PostgreSQL: a pool of connections, one row per respondent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import fields
from typing import Any

import psycopg
from psycopg import AsyncConnection
from psycopg.types.json import Json
from psycopg_pool import AsyncConnectionPool
from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from core import figures
from core.figures import Figures
from core.ports import DatabaseCorrupt, Held, Standing, StorageError
from core.session import Session
from questionnaire.model import Questionnaire
from storage.postgres import figures as sql_figures
from storage.postgres.address import describe, without_password
from storage.tinydb_files import problems

# What progress counts about a session (core.progress.standing, bound to the questionnaire).
StandingOf = Callable[[Session], Standing]

# The table's plain columns are named after Standing's fields (migrations/0001_respondents.sql).
_COLUMNS = tuple(field.name for field in fields(Standing))
# One statement writes the session and what progress counts, so the two never disagree.
_UPSERT = (
    f"INSERT INTO consult_respondent (respondent_id, session, {', '.join(_COLUMNS)}) "
    f"VALUES (%(respondent_id)s, %(session)s, {', '.join(f'%({c})s' for c in _COLUMNS)}) "
    f"ON CONFLICT (respondent_id) DO UPDATE SET session = excluded.session, "
    f"{', '.join(f'{c} = excluded.{c}' for c in _COLUMNS)}"
)
_STORED = "FROM consult_respondent WHERE session IS NOT NULL"
# Rows whose progress columns were computed with another questionnaire, in id order after a given one.
# SKIP LOCKED: a respondent held by a step now is left alone; their own store rewrites the columns.
_STALE_BATCH = (f"SELECT respondent_id, session {_STORED} AND figures_of IS DISTINCT FROM %s "
                "AND respondent_id > %s ORDER BY respondent_id LIMIT %s FOR UPDATE SKIP LOCKED")
_REFRESH = (f"UPDATE consult_respondent SET {', '.join(f'{c} = %({c})s' for c in _COLUMNS)} "
            "WHERE respondent_id = %(respondent_id)s")
BATCH = 500  # sessions per round trip of a streamed read
_LOCK = "SELECT session FROM consult_respondent WHERE respondent_id = %s FOR UPDATE"
_PLACEHOLDER = "INSERT INTO consult_respondent (respondent_id) VALUES (%s) ON CONFLICT DO NOTHING"
# A platform's health check waits a few seconds; a server slower than this is unhealthy anyway.
HEALTH_SECONDS = 2.0


class PostgresRepository:
    """Sessions in PostgreSQL, safe for any number of consult processes at once."""

    def __init__(self, pool: AsyncConnectionPool[Any], conninfo: str, standing: StandingOf) -> None:
        """Use `storage.postgres.open_repository`; this only keeps what it has opened."""
        self._pool = pool
        self._conninfo = conninfo
        self._standing = standing
        self._closed = False

    @property
    def pool(self) -> AsyncConnectionPool[Any]:
        """The connections, for other capabilities' tables in the same database (invitations, the send log)."""
        return self._pool

    @property
    def where(self) -> str:
        """Host, port and database, for messages (never the password)."""
        return describe(self._conninfo)

    async def get(self, respondent_id: str) -> Session | None:
        """The stored session, or None for a respondent never seen."""
        sql = "SELECT session FROM consult_respondent WHERE respondent_id = %s AND session IS NOT NULL"
        async with self._connection() as conn:
            row = await (await conn.execute(sql, [respondent_id])).fetchone()
        return None if row is None else _session(row[0])

    async def put(self, session: Session) -> None:
        """Store the session and its progress columns in one statement, committed when this returns."""
        async with self._connection() as conn:
            await conn.execute(_UPSERT, self._row(session))

    @asynccontextmanager
    async def transaction(self, respondent_id: str) -> AsyncIterator[Held]:
        """Hold the respondent's row (SELECT ... FOR UPDATE) while the caller loads, applies and stores.

        A row lock rather than a version check with retry: a second input of the same respondent, in
        any process, waits a few milliseconds for the first to commit, then reads what it stored; a
        retry would instead apply the engine twice and must never repeat a side effect. A respondent
        never seen has no row to lock yet, so one is inserted first (ON CONFLICT DO NOTHING: a
        concurrent insert waits for ours to end). A step that stores nothing rolls back, so no empty
        row remains. The caller replies only after this block, i.e. after the commit.
        """
        held: _HeldRow | None = None
        try:
            async with self._connection() as conn, conn.transaction():
                held = _HeldRow(await self._lock(conn, respondent_id), conn, self._row)
                yield held
                if not held.stored:
                    raise psycopg.Rollback()
        except StorageError:
            # The connection may drop after the server committed but before it said so. Told "not saved",
            # the respondent would send the same words again and they would answer the next question:
            # so look, on another connection, whether exactly what was put is there.
            if held is None or held.written is None or not await self._landed(respondent_id, held.written):
                raise

    async def all(self) -> list[Session]:
        """Every stored session, in the order of their ids."""
        sql = "SELECT session FROM consult_respondent WHERE session IS NOT NULL ORDER BY respondent_id"
        async with self._connection() as conn:
            rows = await (await conn.execute(sql)).fetchall()
        return [_session(row[0]) for row in rows]

    async def healthy(self) -> bool:
        """True if the server answers a trivial query within HEALTH_SECONDS, through the pool respondents use."""
        if self._closed:
            return False
        try:
            async with asyncio.timeout(HEALTH_SECONDS), self._pool.connection(timeout=HEALTH_SECONDS) as conn:
                await conn.execute("SELECT 1")
        except (psycopg.Error, TimeoutError):
            return False
        return True

    async def figures(self, q: Questionnaire) -> Figures:
        """What progress counts, as GROUP BY over the plain columns, in one snapshot of the database.

        Rows whose columns were computed with another questionnaire (stored before the file changed,
        or before migration 0002) are counted from their sessions instead, streamed, and added.
        """
        current = figures.fingerprint_of(q)
        stale = f"SELECT session {_STORED} AND figures_of IS DISTINCT FROM %s"
        async with self._connection() as conn, conn.transaction():
            await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counted = await sql_figures.add_up(conn, current)
            standings = [figures.standing(q, s) async for s in _stream(conn, stale, [current])]
        return counted.plus(figures.add_up(standings))

    async def refresh_stale(self, q: Questionnaire) -> int:
        """Recompute the progress columns of the rows computed with another questionnaire; how many were.

        After a change of the file that alters what is counted, every row is stale until stored again,
        and progress reads the sessions of stale rows: respondents who submitted may never store again.
        A batch at a time, each row locked while its columns are rewritten, so no store is overwritten.
        A damaged row is passed by (it stays stale, and progress names it when it reads it).
        """
        current, after, refreshed = figures.fingerprint_of(q), "", 0
        while True:
            async with self._connection() as conn, conn.transaction():
                rows = await (await conn.execute(_STALE_BATCH, [current, after, BATCH])).fetchall()
                updates = [self._columns(respondent_id, document) for respondent_id, document in rows]
                found = [update for update in updates if update is not None]
                if found:
                    async with conn.cursor() as cursor:
                        await cursor.executemany(_REFRESH, found)
            refreshed += len(found)
            if len(rows) < BATCH:
                return refreshed
            after = rows[-1][0]

    def _columns(self, respondent_id: str, document: Any) -> dict[str, Any] | None:
        try:
            standing = self._standing(_session(document))
        except DatabaseCorrupt:
            return None
        return {"respondent_id": respondent_id, **{column: getattr(standing, column) for column in _COLUMNS}}

    async def each(self) -> AsyncIterator[Session]:
        """Every stored session through a server-side cursor: memory holds one batch, not the database."""
        async with self._connection() as conn, conn.transaction():
            async for session in _stream(conn, f"SELECT session {_STORED}", []):
                yield session

    async def close(self) -> None:
        """Close every connection; closing twice is harmless."""
        if not self._closed:
            self._closed = True
            await self._pool.close()

    # For storage/postgres/moves.py, which moves a response between two rows in one transaction.

    def connection(self) -> AbstractAsyncContextManager[AsyncConnection[Any]]:
        """A connection of the pool (autocommit; open a transaction on it), errors as StorageError."""
        return self._connection()

    async def hold(self, conn: AsyncConnection[Any], respondent_id: str) -> Session | None:
        """Lock the respondent's row in `conn`'s transaction (made if new); their session, if any."""
        return await self._lock(conn, respondent_id)

    async def write(self, conn: AsyncConnection[Any], session: Session) -> None:
        """Write a session and its progress columns in `conn`'s transaction."""
        await conn.execute(_UPSERT, self._row(session))

    async def _landed(self, respondent_id: str, written: Any) -> bool:
        try:
            sql = "SELECT session FROM consult_respondent WHERE respondent_id = %s"
            async with self._connection() as conn:
                row = await (await conn.execute(sql, [respondent_id])).fetchone()
        except StorageError:
            return False  # still unreachable: in doubt, the respondent is asked to send it again
        return row is not None and row[0] == json.loads(written)

    async def _lock(self, conn: AsyncConnection[Any], respondent_id: str) -> Session | None:
        row = await (await conn.execute(_LOCK, [respondent_id])).fetchone()
        if row is None:
            await conn.execute(_PLACEHOLDER, [respondent_id])
            row = await (await conn.execute(_LOCK, [respondent_id])).fetchone()
        if row is None:
            raise StorageError(f"Respondent {respondent_id!r} disappeared from the database while being held.")
        return None if row[0] is None else _session(row[0])

    def _row(self, session: Session) -> dict[str, Any]:
        # Dumped now: later changes to `session` cannot reach the database. (Not dataclasses.asdict:
        # it deep-copies every list, a quarter of the client's time per answer.)
        standing = self._standing(session)
        return {
            "respondent_id": session.respondent_id,
            "session": Json(_json_text(session), dumps=_as_is),
            **{column: getattr(standing, column) for column in _COLUMNS},
        }

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        if self._closed:
            raise StorageError(f"The repository on PostgreSQL ({self.where}) is closed.")
        with self._errors():
            async with self._pool.connection() as conn:
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        # Whoever catches StorageError (the service's "not saved" reply, the command line) gets a
        # message that names the server and never the password.
        try:
            yield
        except psycopg.Error as error:
            reason = without_password(str(error).strip().splitlines()[0] if str(error).strip() else "", self._conninfo)
            raise StorageError(f"PostgreSQL ({self.where}) failed: {reason or type(error).__name__}") from None


class _HeldRow:
    """The row locked by `transaction`; put writes it inside that transaction."""

    def __init__(self, session: Session | None, conn: AsyncConnection[Any], row: Callable[[Session], dict[str, Any]]):
        self.session = session
        self.stored = False
        self.written: str | None = None  # the session's JSON text as sent, once put
        self._conn = conn
        self._row = row

    async def put(self, session: Session) -> None:
        """Write the session; it is committed when the transaction ends."""
        row = self._row(session)
        await self._conn.execute(_UPSERT, row)
        self.stored = True
        self.written = row["session"].obj


async def _stream(conn: AsyncConnection[Any], query: str, params: list[Any]) -> AsyncIterator[Session]:
    # A named cursor lives on the server: rows arrive BATCH at a time (it needs the caller's transaction).
    async with conn.cursor(name="consult_stream") as cursor:
        cursor.itersize = BATCH
        await cursor.execute(query, params)
        async for (document,) in cursor:
            yield _session(document)  # json.loads first: pydantic's own parser refuses a lone surrogate


def _json_text(session: Session) -> str:
    # pydantic's serializer is several times faster than json.dumps of model_dump; it refuses a lone
    # surrogate (possible in a relayed message's text), which the standard library writes as an escape.
    try:
        return session.model_dump_json()
    except PydanticSerializationError:
        return json.dumps(session.model_dump(mode="json"))


def _as_is(text: str) -> str:
    return text


def _session(document: Any) -> Session:
    try:
        return Session.model_validate(document)
    except ValidationError as error:  # a damaged row: the port's one failure, "not saved" for the respondent
        wrong = problems(error)
        raise DatabaseCorrupt(f"A row of consult_respondent does not hold a valid session ({wrong}).") from None
