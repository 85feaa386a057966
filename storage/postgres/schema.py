"""Versioned migrations: SQL files applied in order, once, under an advisory lock, recorded in a table."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from psycopg import AsyncConnection

from core.ports import StorageError

VERSION_TABLE = "consult_schema_version"
_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('consult-migrations:' || current_schema(), 0))"
_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One file of storage/postgres/migrations: its number is the schema version it leads to."""

    version: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped with this code, in order."""
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        if (match := _FILE.match(entry.name)) is not None:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found, key=lambda migration: migration.version)


LATEST = migrations()[-1].version


class SchemaTooNew(StorageError):
    """The database was upgraded by a newer consult; this one must not write to it."""


async def version(conn: AsyncConnection[Any]) -> int:
    """The schema version the database is at; 0 for a database consult has never used.

    Migrations are numbered ahead of being merged (0003-0005 were kept for work that landed after
    0006): a database that has a later one but lacks an earlier one is at the version before the
    first it lacks, so that readers ask for an upgrade and the upgrade applies what is missing.
    """
    done = await applied(conn)
    newest = max(done, default=0)
    missing = [m.version for m in migrations() if m.version not in done]
    return newest if newest > LATEST or not missing else missing[0] - 1


async def applied(conn: AsyncConnection[Any]) -> set[int]:
    """The versions of the migrations recorded as applied."""
    cursor = await conn.execute("SELECT to_regclass(%s) IS NOT NULL", [VERSION_TABLE])
    row = await cursor.fetchone()
    if row is None or not row[0]:
        return set()
    cursor = await conn.execute(f"SELECT version FROM {VERSION_TABLE}")
    return {int(version) for (version,) in await cursor.fetchall()}


def check_not_newer(found: int, where: str) -> None:
    """Refuse a schema written by a newer consult: this code would misread or damage it."""
    if found > LATEST:
        raise SchemaTooNew(
            f"The database at {where} has schema version {found}, newer than this consult knows "
            f"({LATEST}). Upgrade consult to the version that upgraded the database."
        )


async def upgrade(conn: AsyncConnection[Any], where: str) -> list[int]:
    """Apply the migrations the database lacks, in one transaction; the versions applied."""
    async with conn.transaction():
        # Several processes may start at once: one migrates, the others wait here and then find nothing
        # to do. The lock is per schema and ends with the transaction, so a crash cannot leave it held.
        await conn.execute(_LOCK)
        await conn.execute(
            f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
            "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        check_not_newer(await version(conn), where)
        done, now_applied = await applied(conn), []
        for migration in migrations():
            if migration.version not in done:  # a missing earlier one too, not only those above the newest
                await conn.execute(migration.sql)
                await conn.execute(
                    f"INSERT INTO {VERSION_TABLE} (version, name) VALUES (%s, %s)", [migration.version, migration.name]
                )
                now_applied.append(migration.version)
        return now_applied
