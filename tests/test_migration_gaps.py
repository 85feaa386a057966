"""A database upgraded by a consult that had a later migration but not an earlier one gets the earlier one."""

from __future__ import annotations

import psycopg
import pytest

from core.ports import StorageError
from storage.postgres import schema
from tests.support.postgres import fresh_schema, open_repository


async def test_a_missing_earlier_migration_is_applied_by_the_next_upgrade() -> None:
    async with fresh_schema() as url:
        await (await open_repository(url)).close()
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            # As if main's later migration had run before the invitations' 0003 was merged.
            await conn.execute("DROP TABLE consult_invitation, consult_organisation_decision")
            await conn.execute("ALTER TABLE consult_respondent DROP COLUMN invite, DROP COLUMN organisation, "
                               "DROP COLUMN invited_organisation, DROP COLUMN arrival_kept, "
                               "DROP COLUMN organisation_key")
            await conn.execute("DELETE FROM consult_schema_version WHERE version = 3")
            assert await schema.version(conn) == 2
        with pytest.raises(StorageError, match="Run 'consult db upgrade'"):
            await open_repository(url, writer=False)
        await (await open_repository(url)).close()  # a writer upgrades
        async with await psycopg.AsyncConnection.connect(url) as conn:
            assert await schema.version(conn) == schema.LATEST
            assert await schema.applied(conn) == {m.version for m in schema.migrations()}
            await conn.execute("SELECT code FROM consult_invitation")
