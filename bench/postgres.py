"""PostgreSQL for the benchmarks: a database made for one run and dropped after, filled with COPY."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import asdict, fields
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.types.json import Json

from core import figures
from core.ports import Standing
from core.session import Session
from questionnaire.model import Questionnaire
from storage import postgres

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
COLUMNS = ("respondent_id", "session", *(field.name for field in fields(Standing)))


@asynccontextmanager
async def scratch_database(server: str) -> AsyncIterator[str]:
    """The address of a new, empty database on `server`, dropped (with its rows) at the end."""
    name = f"consult_bench_{secrets.token_hex(4)}"
    async with await psycopg.AsyncConnection.connect(server, autocommit=True) as admin:
        await admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
        finally:
            await admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


async def open_repository(url: str, q: Questionnaire) -> postgres.PostgresRepository:
    """A writer repository (it applies the migrations), counting progress by `q`."""
    return await postgres.open_repository(url, partial(figures.standing, q))


def _own_organisation(standing: dict[str, Any], n: int) -> dict[str, Any]:
    if not n:
        return {}
    return {name: f"{standing[name]} #{n}" for name in ("organisation", "organisation_key") if standing.get(name)}


async def bulk_load(url: str, q: Questionnaire, sessions: Iterable[Session], copies: int = 1) -> None:
    """Store the sessions with COPY, each with its progress columns, as the repository would write them.

    `copies` > 1 stores each session that many times under other ids ("...#2"): a large database
    without computing every row (the columns are the same for every copy, but for the organisation's
    name, numbered: as in a real consultation, few organisations answer twice, where plain copies would
    make each organisation answer a few hundred times).
    """
    await (await open_repository(url, q)).close()  # the schema, first
    statement = sql.SQL("COPY consult_respondent ({}) FROM STDIN").format(
        sql.SQL(", ").join(map(sql.Identifier, COLUMNS)))
    async with await psycopg.AsyncConnection.connect(url) as conn:
        async with conn.cursor() as cursor, cursor.copy(statement) as copy:
            for session in sessions:
                document, standing = session.model_dump(mode="json"), asdict(figures.standing(q, session))
                for n in range(copies):
                    respondent_id = session.respondent_id + (f"#{n}" if n else "")
                    stored = Json({**document, "respondent_id": respondent_id})
                    row = {"respondent_id": respondent_id, "session": stored, **standing}
                    row.update(_own_organisation(standing, n))
                    await copy.write_row([row[column] for column in COLUMNS])
        await conn.execute("ANALYZE consult_respondent")


async def backends_cpu_seconds(repo: postgres.PostgresRepository) -> float:
    """CPU seconds used so far by the server processes of `repo`'s connections (read from /proc: same machine)."""
    async with repo.pool.connection() as conn:
        rows = await (await conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
        )).fetchall()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for (pid,) in rows:
        try:
            fields_after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a backend that ended meanwhile
        total += int(fields_after_name[11]) + int(fields_after_name[12])  # utime, stime
    return total / ticks
