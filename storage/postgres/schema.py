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
    """The schema version the database is at; 0 for a database consult has never used."""
    cursor = await conn.execute("SELECT to_regclass(%s) IS NOT NULL", [VERSION_TABLE])
    row = await cursor.fetchone()
    if row is None or not row[0]:
        return 0
    cursor = await conn.execute(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}")
    row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


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
        current = await version(conn)
        check_not_newer(current, where)
        applied = []
        for migration in migrations():
            if migration.version > current:
                await conn.execute(migration.sql)
                await conn.execute(
                    f"INSERT INTO {VERSION_TABLE} (version, name) VALUES (%s, %s)", [migration.version, migration.name]
                )
                applied.append(migration.version)
        return applied
