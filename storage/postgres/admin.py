"""`consult db status` and `consult db upgrade` on PostgreSQL: one connection each, no pool."""

from __future__ import annotations

from dataclasses import dataclass, field

from storage.postgres import schema
from storage.postgres.address import describe
from storage.postgres.opening import connect

_COUNT = "SELECT status, count(*) FROM consult_respondent WHERE session IS NOT NULL GROUP BY status"


@dataclass(frozen=True)
class DatabaseReport:
    """Where the database is (no password), its schema version, and respondents by status."""

    where: str
    schema_version: int
    by_status: dict[str, int] = field(default_factory=dict)


async def status(conninfo: str, setting: str) -> DatabaseReport:
    """Read the schema version and count respondents by status; change nothing."""
    async with await connect(conninfo, setting) as conn:
        found = await schema.version(conn)
        rows = await (await conn.execute(_COUNT)).fetchall() if found >= 1 else []
    return DatabaseReport(describe(conninfo), found, {str(name): int(count) for name, count in rows})


async def upgrade(conninfo: str, setting: str) -> tuple[int, list[int]]:
    """Apply the missing migrations: the version found, and the versions applied."""
    async with await connect(conninfo, setting) as conn:
        found = await schema.version(conn)
        return found, await schema.upgrade(conn, describe(conninfo))
