"""PostgreSQL faults while consult runs, on a server of the tests' own: crashed, stuck, held, or too busy.

Whatever the database does, the respondent is either answered (what they sent is stored) or told that it
was not saved and to send it again; nothing they were answered for is lost; nobody waits forever.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from functools import partial

import psycopg
import pytest

from core import progress
from core.ports import StorageError
from core.service import NOT_SAVED, ConsultService
from questionnaire import loader
from storage.postgres import PostgresRepository, open_repository
from storage.postgres.opening import Limits
from tests.support.chat import Respondent
from tests.support.cutting_proxy import CutAfterCommit
from tests.support.private_postgres import PrivateServer

QUICK = Limits(pool_wait=1.0, lock=0.5, statement=1.0, idle_in_transaction=2.0, reconnect=2.0)
START = ["hello", "yes", "Ana Silva", "Open Net Initiative", "Kenya", "ana@example.org"]


@pytest.fixture
async def database(private_postgres: PrivateServer) -> AsyncIterator[str]:
    async with private_postgres.fresh_database() as url:
        yield url


async def opened(url: str, limits: Limits = QUICK) -> PostgresRepository:
    return await open_repository(url, partial(progress.standing, loader.load()), limits=limits)


def not_saved(texts: list[str]) -> bool:
    return any(NOT_SAVED in text for text in texts)


async def said(ana: Respondent, text: str, within: float = 10.0) -> list[str]:
    """What Ana reads back, failing the test if she waits longer than `within` seconds."""
    reply = await asyncio.wait_for(ana.say(text), within)
    return list(reply.messages)


async def test_a_crashed_server_costs_one_not_saved_reply_and_is_found_again_without_a_restart(
        private_postgres: PrivateServer, database: str) -> None:
    repository = await opened(database)
    try:
        ana = Respondent(ConsultService(loader.load(), repository), "ana")
        await ana.says(*START)
        answered = await ana.session()
        private_postgres.crash()
        assert not_saved(await said(ana, "Non-Government"))
        private_postgres.start()
        # The same repository, the same pool: within seconds the answer sent again is stored.
        for _ in range(20):
            if not not_saved(await said(ana, "Non-Government")):
                break
            await asyncio.sleep(0.5)
        stored = await ana.session()
        assert stored.answers["q1"].value == "Non-Government"
        assert all(answer in stored.answers.items() for answer in answered.answers.items())  # nothing acknowledged lost
    finally:
        await repository.close()


async def test_a_respondent_held_by_a_stuck_step_elsewhere_is_told_not_saved_then_can_send_again(database: str) -> None:
    repository = await opened(database)
    try:
        ana = Respondent(ConsultService(loader.load(), repository), "ana")
        await ana.says("hello", "yes")
        # Another process's step that never ends: Ana's row is locked.
        async with await psycopg.AsyncConnection.connect(database) as stuck, stuck.transaction():
            await stuck.execute("SELECT 1 FROM consult_respondent WHERE respondent_id = %s FOR UPDATE", [ana.id])
            started = time.monotonic()
            assert not_saved(await said(ana, "Ana Silva"))
            assert time.monotonic() - started < 3
        assert not not_saved(await said(ana, "Ana Silva"))
        assert (await ana.session()).answers["contact"].value["name"] == "Ana Silva"
    finally:
        await repository.close()


# A statement that hangs (a stalled disk, a runaway trigger): every write of a session sleeps.
STALL = ("PERFORM pg_sleep(60); RETURN NEW;", "BEFORE UPDATE")
# A failure checked only at COMMIT, as a deferred constraint is: it comes after the write.
REFUSE_AT_COMMIT = ("RAISE EXCEPTION 'refused at commit';", "AFTER UPDATE", "DEFERRABLE INITIALLY DEFERRED")


@pytest.mark.parametrize("fault", [STALL, REFUSE_AT_COMMIT], ids=["stuck statement", "failure at commit"])
async def test_a_write_that_hangs_or_fails_at_commit_is_a_not_saved_reply_and_stores_nothing(
        database: str, fault: tuple[str, ...]) -> None:
    does, when, *deferred = fault
    repository = await opened(database)
    try:
        ana = Respondent(ConsultService(loader.load(), repository), "ana")
        await ana.says("hello", "yes")
        before = await ana.session()
        async with await psycopg.AsyncConnection.connect(database, autocommit=True) as admin:
            await admin.execute(f"CREATE FUNCTION fault() RETURNS trigger AS $$ BEGIN {does} END $$ LANGUAGE plpgsql")
            await admin.execute(f"CREATE {'CONSTRAINT ' if deferred else ''}TRIGGER fault {when} ON consult_respondent "
                                f"{' '.join(deferred)} FOR EACH ROW EXECUTE FUNCTION fault()")
            assert not_saved(await said(ana, "Ana Silva"))
            assert await ana.session() == before
            await admin.execute("DROP TRIGGER fault ON consult_respondent")
        assert not not_saved(await said(ana, "Ana Silva"))
    finally:
        await repository.close()


async def test_a_process_that_froze_holding_a_respondent_frees_them_within_seconds(database: str) -> None:
    frozen_repository, repository = await opened(database), await opened(database)
    try:
        service = ConsultService(loader.load(), repository)
        ana = Respondent(service, "ana")
        await ana.says("hello", "yes")
        # What the frozen process stores on waking is refused: the server ended its session.
        with pytest.raises(StorageError):
            async with frozen_repository.transaction(ana.id) as held:
                assert not_saved(await said(ana, "Ana Silva"))  # the other process holds her
                await asyncio.sleep(QUICK.idle_in_transaction + 0.5)  # ...and freezes, its step unfinished
                assert not not_saved(await said(ana, "Ana Silva"))  # Ana is free again
                assert held.session is not None
                await held.put(held.session)
        assert (await ana.session()).answers["contact"].value["name"] == "Ana Silva"
    finally:
        await frozen_repository.close()
        await repository.close()


async def test_a_burst_larger_than_the_pool_queues_and_every_answer_is_stored(database: str) -> None:
    repository = await opened(database, Limits())
    try:
        service = ConsultService(loader.load(), repository)
        people = [Respondent(service, f"person{n}") for n in range(60)]  # six times the pool
        replies = await asyncio.gather(*(person.says("hello", "yes", f"Person {n}")
                                         for n, person in enumerate(people)))
        assert not any(not_saved(list(reply.messages)) for reply in replies)
        for n, person in enumerate(people):
            assert (await person.session()).answers["contact"].value["name"] == f"Person {n}"
    finally:
        await repository.close()


async def test_a_wait_for_the_pool_beyond_its_limit_is_a_not_saved_reply(database: str) -> None:
    limits = Limits(pool_wait=0.5, lock=3.0, statement=5.0)
    repository = await opened(database, limits)
    try:
        service = ConsultService(loader.load(), repository)
        held = [Respondent(service, f"held{n}") for n in range(10)]
        for person in held:
            await person.say("hello")
        async with await psycopg.AsyncConnection.connect(database) as stuck, stuck.transaction():
            await stuck.execute("SELECT 1 FROM consult_respondent WHERE respondent_id LIKE 'test:held%' FOR UPDATE")
            waiting = [asyncio.create_task(person.say("yes")) for person in held]  # they take the whole pool
            await asyncio.sleep(0.3)
            ana = Respondent(service, "ana")
            started = time.monotonic()
            assert not_saved(await said(ana, "hello"))
            assert time.monotonic() - started < 2
        await asyncio.gather(*waiting)
        assert not not_saved(await said(ana, "hello"))
    finally:
        await repository.close()


async def test_an_answer_committed_as_the_connection_drops_is_kept_and_the_respondent_moves_on(
        private_postgres: PrivateServer, database: str) -> None:
    async with CutAfterCommit(private_postgres.port) as proxy:
        repository = await opened(proxy.url(database))
        try:
            ana = Respondent(ConsultService(loader.load(), repository), "ana")
            await ana.says("hello", "yes")
            proxy.armed = True
            # Stored, but the acknowledgement of the commit is lost: told "not saved", she would send her
            # name again, and it would be taken as the answer to the next question.
            assert not not_saved(await said(ana, "Ana Silva"))
            assert proxy.cuts == 1
            assert (await ana.session()).answers["contact"].value["name"] == "Ana Silva"
        finally:
            await repository.close()
