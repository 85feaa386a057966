"""The run-once lock on a real PostgreSQL server: one holder per name, gone with its connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest

from storage.postgres.run_once import AdvisoryLock
from tests.support.postgres import fresh_schema

POLLER = "telegram-poller:123456"


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with fresh_schema() as url:
        yield url


async def test_one_process_holds_the_lock_and_the_other_gets_it_once_let_go(database: str) -> None:
    first, second = AdvisoryLock(database, POLLER), AdvisoryLock(database, POLLER)
    try:
        assert await first.acquire()
        assert not await second.acquire()
        assert await first.acquire()  # asking again while holding it changes nothing
        assert await first.held() and not await second.held()
        await first.release()
        assert not await first.held()
        assert await second.acquire()
        assert not await first.acquire()
    finally:
        await first.release()
        await second.release()


async def test_two_bots_or_two_schemas_never_wait_for_each_other(database: str) -> None:
    one_bot, other_bot = AdvisoryLock(database, POLLER), AdvisoryLock(database, "telegram-poller:654321")
    async with fresh_schema() as elsewhere:
        other_schema = AdvisoryLock(elsewhere, POLLER)
        try:
            assert await one_bot.acquire() and await other_bot.acquire() and await other_schema.acquire()
        finally:
            for lock in (one_bot, other_bot, other_schema):
                await lock.release()


async def test_a_leader_whose_connection_is_cut_knows_it_and_the_standby_takes_the_lock(database: str) -> None:
    leader, standby = AdvisoryLock(database, POLLER), AdvisoryLock(database, POLLER)
    try:
        assert await leader.acquire()
        assert not await standby.acquire()
        # The server ends the leader's session, as when the network or the server drops it.
        async with await psycopg.AsyncConnection.connect(database, autocommit=True) as admin:
            ended = await (await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND ((classid::bigint << 32) | objid::bigint) = "
                "hashtextextended('consult-run-once:' || %s || ':' || current_schema(), 0)", [POLLER])).fetchall()
        assert ended == [(True,)]
        assert not await leader.held()
        assert await standby.acquire()
        assert not await leader.acquire()  # back on a new connection, it finds the lock taken
    finally:
        await leader.release()
        await standby.release()


async def test_a_server_that_does_not_answer_means_not_holding_and_the_password_stays_out_of_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lock = AdvisoryLock("postgresql://consult:s3cret-Pa55@127.0.0.1:1/test", POLLER)
    assert not await lock.acquire()
    assert not await lock.acquire()
    assert not await lock.held()
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1 and "host 127.0.0.1, port 1, database test" in said[0]  # once, not at every try
    assert "s3cret" not in said[0]
