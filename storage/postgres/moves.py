"""Resume codes and wrong tries in PostgreSQL (migration 0005); a move is one transaction.

Redeeming reads the code, locks both respondents' rows in the order of their ids, then the code's row
(SELECT ... FOR UPDATE), and reads it again; it writes both sessions and spends the code, and commits
all of it or nothing. Rows are always locked in that order (respondents by id, then codes), as
'continue elsewhere' does too (its respondent, then the codes it replaces), so no two steps can wait
for each other. Two processes redeeming one code at once: the second waits, then finds it used.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg import AsyncConnection

from core.resume.limits import WINDOW
from core.resume.port import KEPT_AFTER_EXPIRY_HOURS, CodeState, IssuedCode, Refused, Tries, state_of
from core.session import Session
from storage.postgres.repository import PostgresRepository

_FORGET = ("DELETE FROM consult_move_code WHERE (source_id = %s AND used_at IS NULL) OR expires_at < %s")
_ISSUE = ("INSERT INTO consult_move_code (code_digest, source_id, issued_at, expires_at) "
          "VALUES (%s, %s, %s, %s)")
_TRIES = ("SELECT count(*) FILTER (WHERE respondent_id = %s), count(*) FROM consult_move_wrong WHERE at > %s")
_CODE = "SELECT source_id, expires_at, used_at FROM consult_move_code WHERE code_digest = %s"
_SPEND = "UPDATE consult_move_code SET used_at = %s, used_by = %s WHERE code_digest = %s"


class _Held:
    """A valid code and both respondents' rows, locked in one transaction."""

    def __init__(self, repository: PostgresRepository, conn: AsyncConnection[Any], source: Session | None,
                 target: Session | None) -> None:
        self.state = CodeState.VALID
        self.source, self.target = source, target
        self.committed = False
        self._repository, self._conn = repository, conn

    async def commit(self, target: Session, stub: Session) -> None:
        await self._repository.write(self._conn, target)
        await self._repository.write(self._conn, stub)
        self.committed = True


class PostgresMoves:
    """The MoveStore on the repository's own pool, so that a move and the sessions share a transaction."""

    def __init__(self, repository: PostgresRepository) -> None:
        self._repository = repository

    async def issue(self, code: IssuedCode) -> None:
        forget_before = code.issued_at - timedelta(hours=KEPT_AFTER_EXPIRY_HOURS)
        async with self._repository.connection() as conn, conn.transaction():
            await conn.execute(_FORGET, [code.source_id, forget_before])
            await conn.execute(_ISSUE, [code.digest, code.source_id, code.issued_at, code.expires_at])

    async def tries(self, respondent_id: str, since: datetime) -> Tries:
        async with self._repository.connection() as conn:
            row = await (await conn.execute(_TRIES, [respondent_id, since])).fetchone()
        return Tries(0, 0) if row is None else Tries(int(row[0]), int(row[1]))

    async def wrong(self, respondent_id: str, at: datetime) -> None:
        async with self._repository.connection() as conn, conn.transaction():
            await conn.execute("DELETE FROM consult_move_wrong WHERE at <= %s", [at - WINDOW])
            await conn.execute("INSERT INTO consult_move_wrong (respondent_id, at) VALUES (%s, %s)",
                               [respondent_id, at])

    @asynccontextmanager
    async def redeeming(self, digest: str, target_id: str, now: datetime) -> AsyncIterator[Refused | _Held]:
        async with self._repository.connection() as conn, conn.transaction():
            row = await (await conn.execute(_CODE, [digest])).fetchone()
            if row is not None and _state(row, target_id, now) is CodeState.VALID:
                sessions = {rid: await self._repository.hold(conn, rid) for rid in sorted({row[0], target_id})}
                row = await (await conn.execute(_CODE + " FOR UPDATE", [digest])).fetchone()  # as it is now
            state = CodeState.UNKNOWN if row is None else _state(row, target_id, now)
            if row is None or state is not CodeState.VALID:
                yield Refused(state)
                raise psycopg.Rollback()  # nor is an empty row for a new target left behind
            held = _Held(self._repository, conn, sessions[row[0]], sessions[target_id])
            yield held
            if not held.committed:
                raise psycopg.Rollback()  # a refused move: the code stays unused
            await conn.execute(_SPEND, [now, target_id, digest])


def _state(row: tuple[Any, ...], target_id: str, now: datetime) -> CodeState:
    return state_of(row[0], row[1], row[2], target_id, now)
