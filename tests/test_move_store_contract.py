"""The MoveStore contract (core/resume/port.py): memory, TinyDB files and PostgreSQL pass the same tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from core.ports import Repository
from core.resume import codes
from core.resume.port import CodeState, IssuedCode, MoveStore, Tries
from core.session import Answer, Session, Status
from storage.embedded import open_repository
from storage.memory import MemoryRepository
from storage.moves import FileBook, InProcessMoves, MemoryBook
from storage.postgres.moves import PostgresMoves
from tests.support.postgres import fresh_schema
from tests.support.postgres import open_repository as open_postgres_at

T0 = datetime(2013, 8, 1, 9, 0, tzinfo=UTC)
ANA, SLACK, CONSOLE = "telegram:42", "slack:T1:U1", "console:ana"


class Place:
    """Where one backend keeps its data; `open` is a process starting on it (again)."""

    def __init__(self, kind: str, folder: Path, stack: AsyncExitStack) -> None:
        self.kind, self.folder, self.stack = kind, folder, stack
        self.url = ""
        self.book = MemoryBook()
        self.memory = MemoryRepository()

    async def open(self) -> tuple[Repository, MoveStore]:
        if self.kind == "memory":
            return self.memory, InProcessMoves(self.memory, self.book)
        if self.kind == "tinydb":
            catalog = self.folder / "data" / "consult.json"
            tiny = open_repository(catalog)
            self.stack.push_async_callback(tiny.close)
            return tiny, InProcessMoves(tiny, FileBook.beside(catalog))
        self.url = self.url or await self.stack.enter_async_context(fresh_schema())
        postgres = await open_postgres_at(self.url)
        self.stack.push_async_callback(postgres.close)
        return postgres, PostgresMoves(postgres)

    async def stored_text(self) -> str:
        """Every byte the store keeps, as text (to look for a code in it)."""
        if self.kind == "memory":
            return (await self.book.load()).model_dump_json()
        if self.kind == "tinydb":
            return "".join(p.read_text() for p in self.folder.rglob("*") if p.is_file())
        async with await psycopg.AsyncConnection.connect(self.url) as conn:
            rows = await (await conn.execute("SELECT row_to_json(c)::text FROM consult_move_code c")).fetchall()
        return "".join(row[0] for row in rows)


@pytest.fixture(params=["memory", "tinydb", "postgres"])
async def place(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Place]:
    async with AsyncExitStack() as stack:
        yield Place(request.param, tmp_path, stack)


def response(respondent_id: str = ANA) -> Session:
    answer = Answer(value="Yes", at=T0, text="May we cite you?")
    return Session(respondent_id=respondent_id, channel="telegram", status=Status.IN_PROGRESS,
                   answers={"consent": answer}, cursor="contact", started_at=T0, recent_inputs=["telegram:update:1"])


async def issued(moves: MoveStore, source: str = ANA, at: datetime = T0) -> str:
    code = codes.new_code()
    await moves.issue(IssuedCode(codes.digest(code), source, at, at + codes.VALID_FOR))
    return code


async def redeem(moves: MoveStore, code: str, target: str, now: datetime = T0) -> CodeState:
    """Redeem and, if valid, move: the target gets the session, the source a stub."""
    async with moves.redeeming(codes.digest(code), target, now) as held:
        if held.state is CodeState.VALID:
            assert held.source is not None
            moved = held.source.model_copy(update={"respondent_id": target})
            await held.commit(moved, Session(respondent_id=held.source.respondent_id, channel="telegram",
                                             moved_to=target))
        return held.state


async def test_a_valid_code_moves_once_then_is_used(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    assert await redeem(moves, code, SLACK) is CodeState.VALID
    moved, stub = await repository.get(SLACK), await repository.get(ANA)
    assert moved is not None and moved.answers == response().answers
    assert stub is not None and (stub.answers, stub.moved_to) == ({}, SLACK)
    assert await redeem(moves, code, CONSOLE) is CodeState.USED
    assert await repository.get(CONSOLE) is None


async def test_unknown_expired_and_own_codes_move_nothing(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    assert await redeem(moves, codes.new_code(), SLACK) is CodeState.UNKNOWN
    assert await redeem(moves, code, ANA) is CodeState.OWN
    assert await redeem(moves, code, SLACK, T0 + codes.VALID_FOR) is CodeState.EXPIRED
    assert await repository.get(SLACK) is None and await repository.get(ANA) == response()


async def test_a_move_not_committed_changes_nothing_and_leaves_the_code_valid(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    async with moves.redeeming(codes.digest(code), SLACK, T0) as held:
        assert held.state is CodeState.VALID and held.source == response() and held.target is None
    assert [s.respondent_id for s in await repository.all()] == [ANA]  # no empty row for the target
    assert await redeem(moves, code, SLACK) is CodeState.VALID


async def test_a_new_code_replaces_the_respondents_earlier_one(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    first = await issued(moves)
    second = await issued(moves, at=T0 + timedelta(minutes=1))
    assert await redeem(moves, first, SLACK) is CodeState.UNKNOWN
    assert await redeem(moves, second, SLACK) is CodeState.VALID


async def test_codes_are_stored_only_as_digests(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    stored = await place.stored_text()
    assert codes.digest(code) in stored and code not in stored and code.removeprefix("move-") not in stored


async def test_wrong_tries_are_counted_per_respondent_and_for_everyone_within_the_window(place: Place) -> None:
    _, moves = await place.open()
    for minutes in (0, 10, 20):
        await moves.wrong(SLACK, T0 + timedelta(minutes=minutes))
    await moves.wrong(CONSOLE, T0 + timedelta(minutes=30))
    since = T0 + timedelta(minutes=5)
    assert (await moves.tries(SLACK, since), await moves.tries(CONSOLE, since)) == (Tries(2, 3), Tries(1, 3))


async def test_two_redemptions_of_one_code_at_once_only_one_moves(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    states = await asyncio.gather(redeem(moves, code, SLACK), redeem(moves, code, CONSOLE))
    assert sorted(states) == sorted([CodeState.VALID, CodeState.USED])
    holders = [s.respondent_id for s in await repository.all() if s.answers]
    assert len(holders) == 1


@pytest.mark.parametrize("place", ["tinydb", "postgres"], indirect=True)
async def test_codes_and_wrong_tries_survive_a_restart(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    code = await issued(moves)
    await moves.wrong(SLACK, T0)
    await repository.close()
    _, again = await place.open()
    assert await again.tries(SLACK, T0 - timedelta(minutes=1)) == Tries(1, 1)
    assert await redeem(again, code, SLACK) is CodeState.VALID


@pytest.mark.parametrize("place", ["postgres"], indirect=True)
async def test_two_processes_redeeming_one_code_at_once_only_one_moves(place: Place) -> None:
    repository, first = await place.open()
    _, second = await place.open()  # another pool of connections: another process, as far as the server sees
    for round in range(5):
        source = f"telegram:{round}"
        await repository.put(response(source))
        code = await issued(first, source)
        states = await asyncio.gather(redeem(first, code, f"slack:T1:{round}"),
                                      redeem(second, code, f"console:{round}"))
        assert sorted(states) == [CodeState.USED, CodeState.VALID]
        assert len([s for s in await repository.all() if s.answers]) == round + 1


async def test_a_new_code_while_another_app_redeems_the_old_one_waits_for_nothing(place: Place) -> None:
    repository, moves = await place.open()
    await repository.put(response())
    old = await issued(moves)

    async def continue_elsewhere() -> None:  # as the service does: hold Ana, then give a new code
        async with repository.transaction(ANA):
            redeeming = asyncio.create_task(redeem(moves, old, SLACK))
            await asyncio.sleep(0.2)  # the redemption now waits for Ana
            await issued(moves, at=T0 + timedelta(minutes=1))
        assert await redeeming is CodeState.UNKNOWN  # the new code replaced it while it waited

    await asyncio.wait_for(continue_elsewhere(), timeout=10)
    assert await repository.get(ANA) == response() and await repository.get(SLACK) is None
