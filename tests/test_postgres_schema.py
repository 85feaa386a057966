"""The PostgreSQL schema: created once however many processes start, and never used by older code."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from core.ports import StorageError
from storage.postgres import schema
from tests.support.postgres import fresh_schema, open_repository
from tests.test_storage_contract import full_session


async def test_four_processes_starting_at_once_create_the_schema_once() -> None:
    async with fresh_schema() as url:
        repositories = await asyncio.gather(*(open_repository(url) for _ in range(4)))
        await repositories[0].put(full_session())
        assert await repositories[3].get(full_session().respondent_id) == full_session()
        for repository in repositories:
            await repository.close()
        async with await psycopg.AsyncConnection.connect(url) as conn:
            rows = await (await conn.execute("SELECT version, name FROM consult_schema_version")).fetchall()
    assert rows == [(m.version, m.name) for m in schema.migrations()]
    assert rows[:2] == [(1, "0001_respondents.sql"), (2, "0002_figures.sql")]


async def test_a_database_upgraded_by_a_newer_consult_is_refused() -> None:
    async with fresh_schema() as url:
        await (await open_repository(url)).close()
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            newer = schema.LATEST + 1
            await conn.execute("INSERT INTO consult_schema_version (version, name) VALUES (%s, 'future.sql')", [newer])
        for writer in (True, False):
            with pytest.raises(StorageError, match=f"schema version {newer}, newer than this consult knows"):
                await open_repository(url, writer=writer)


async def test_a_reader_opens_only_a_database_that_is_up_to_date_and_never_writes() -> None:
    async with fresh_schema() as url:
        with pytest.raises(StorageError, match="Run 'consult db upgrade'"):
            await open_repository(url, writer=False)
        await (await open_repository(url)).close()
        reader = await open_repository(url, writer=False)
        try:
            assert await reader.all() == []
            with pytest.raises(StorageError, match="read-only"):
                await reader.put(full_session())
        finally:
            await reader.close()


async def test_sessions_are_compressed_with_lz4_where_the_server_has_it() -> None:
    # Half the server's CPU per stored answer (BENCHMARKS.md); Debian's PostgreSQL 15 has lz4.
    async with fresh_schema() as url:
        await (await open_repository(url)).close()
        async with await psycopg.AsyncConnection.connect(url) as conn:
            query = ("SELECT attcompression FROM pg_attribute "
                     "WHERE attrelid = 'consult_respondent'::regclass AND attname = 'session'")
            row = await (await conn.execute(query)).fetchone()
    assert row == ("l",)
