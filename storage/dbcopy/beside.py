"""Copying what is kept beside the sessions: invitations and the decisions on organisations.

Run after the sessions are copied (TO's schema is then up to date). Re-runnable like the sessions' copy:
what TO already holds (the same invitation code, a decision on the same organisation) is left as it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psycopg_pool import AsyncConnectionPool

from core.invitations.port import Invitations
from core.organisations.port import Decisions
from storage.invitations.decisions import FileDecisions, decisions_path
from storage.invitations.files import FileInvitations, invitations_path
from storage.postgres.address import is_postgres_url
from storage.postgres.decisions import PostgresDecisions
from storage.postgres.invitations import PostgresInvitations


@dataclass(frozen=True)
class Copied:
    """How many invitations and decisions were written to TO."""

    invitations: int
    decisions: int


@asynccontextmanager
async def _opened(address: str) -> AsyncIterator[tuple[Invitations, Decisions]]:
    if not is_postgres_url(address):
        yield FileInvitations(invitations_path(Path(address))), FileDecisions(decisions_path(Path(address)))
        return
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(address, min_size=1, max_size=1, open=False,
                                                         kwargs={"autocommit": True})
    await pool.open(wait=True)
    try:
        yield PostgresInvitations(pool), PostgresDecisions(pool)
    finally:
        await pool.close()


async def copy_beside(source: str, target: str) -> Copied:
    """Copy the invitations and decisions of FROM that TO does not hold yet."""
    async with _opened(source) as (invitations, decisions), _opened(target) as (to_invitations, to_decisions):
        held = {inv.code for inv in await to_invitations.all()}
        new = [inv for inv in await invitations.all() if inv.code not in held]
        await to_invitations.add(new)
        decided = {d.key for d in await to_decisions.all()}
        fresh = [d for d in await decisions.all() if d.key not in decided]
        for decision in fresh:
            await to_decisions.put(decision)
    return Copied(len(new), len(fresh))
