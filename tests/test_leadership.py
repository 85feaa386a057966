"""Who polls Telegram when several processes run: one leader, the others stand by, on a simulated clock."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from core.leadership import EVERY_SECONDS, lead


class SimulatedClock:
    """`sleep` waits for `advance`: seconds pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), wake))
        await wake

    async def advance(self, seconds: float) -> None:
        target = self.now + seconds
        await settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            when, _, wake = heapq.heappop(self._sleepers)
            self.now = when
            if not wake.done():
                wake.set_result(None)
            await settle()
        self.now = target
        await settle()


async def settle() -> None:
    for _ in range(30):
        await asyncio.sleep(0)


class Database:
    """What PostgreSQL does with an advisory lock: one holder at a time, gone with its connection."""

    def __init__(self) -> None:
        self.holder: str | None = None


class FakeLock:
    def __init__(self, database: Database, process: str) -> None:
        self.database, self.process = database, process

    async def acquire(self) -> bool:
        if self.database.holder is None:
            self.database.holder = self.process
        return self.database.holder == self.process

    async def held(self) -> bool:
        return self.database.holder == self.process

    async def release(self) -> None:
        if self.database.holder == self.process:
            self.database.holder = None


class Polling:
    """Stands for the Telegram poller: records when each process polled."""

    def __init__(self, clock: SimulatedClock, process: str, log: list[tuple[float, str, str]]) -> None:
        self.clock, self.process, self.log = clock, process, log
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        self.log.append((self.clock.now, self.process, "polls"))
        await self._stopping.wait()
        self.log.append((self.clock.now, self.process, "stops"))

    def stop(self) -> None:
        self._stopping.set()


class Process:
    """One `consult run` process: its leadership loop on the shared database and clock."""

    def __init__(self, name: str, database: Database, clock: SimulatedClock, log: list[tuple[float, str, str]]):
        self.name, self.lock, self.stop = name, FakeLock(database, name), asyncio.Event()
        self.task = asyncio.create_task(lead(self.lock, lambda: Polling(clock, name, log), self.stop,
                                             name="telegram polling", sleep=clock.sleep))

    def kill(self, database: Database) -> None:
        """kill -9: the process is gone, and with its connection the database drops its lock."""
        self.task.cancel()
        if database.holder == self.name:
            database.holder = None


def polling_now(log: list[tuple[float, str, str]]) -> set[str]:
    polling: set[str] = set()
    for _, process, what in log:
        (polling.add if what == "polls" else polling.discard)(process)
    return polling


async def test_one_process_polls_and_the_other_takes_over_when_it_is_killed() -> None:
    clock, database, log = SimulatedClock(), Database(), []
    first = Process("first", database, clock, log)
    await clock.advance(0.5)
    second = Process("second", database, clock, log)
    await clock.advance(30)
    assert polling_now(log) == {"first"}
    assert log == [(0.0, "first", "polls")]

    first.kill(database)
    await clock.advance(10)
    assert polling_now(log) == {"second"}
    took_over = next(when for when, process, what in log if process == "second")
    assert took_over - 30.5 <= EVERY_SECONDS  # well within 10 s

    second.stop.set()
    await second.task
    assert database.holder is None


async def test_a_leader_that_loses_its_lock_stops_polling_before_the_other_starts() -> None:
    clock, database, log = SimulatedClock(), Database(), []
    first = Process("first", database, clock, log)
    await clock.advance(0.5)
    second = Process("second", database, clock, log)
    await clock.advance(10)

    database.holder = None  # the leader's connection to the database dropped; the process lives on
    lost_at = clock.now
    await clock.advance(10)
    stopped = [when for when, process, what in log if (process, what) == ("first", "stops")]
    started = [when for when, process, what in log if (process, what) == ("second", "polls")]
    assert stopped and stopped[0] - lost_at <= EVERY_SECONDS
    assert started and started[0] >= stopped[0]
    assert polling_now(log) == {"second"}
    assert not first.task.done()  # it stands by, ready to take over in its turn

    for process in (first, second):
        process.stop.set()
        await process.task


async def test_a_leader_asked_to_stop_finishes_and_lets_the_lock_go() -> None:
    clock, database, log = SimulatedClock(), Database(), []
    first = Process("first", database, clock, log)
    await clock.advance(1)
    first.stop.set()
    await first.task
    assert log == [(0.0, "first", "polls"), (1.0, "first", "stops")]
    assert database.holder is None


async def test_a_failure_of_the_work_ends_the_leading_with_its_error() -> None:
    clock, database = SimulatedClock(), Database()

    class Refused:
        async def run(self) -> None:
            raise PermissionError("token refused")

        def stop(self) -> None:
            pass

    task = asyncio.create_task(lead(FakeLock(database, "only"), Refused, asyncio.Event(), name="telegram polling",
                                    sleep=clock.sleep))
    await clock.advance(1)
    with pytest.raises(PermissionError):
        await task
    assert database.holder is None
