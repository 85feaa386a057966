"""Two `consult run telegram` processes on one PostgreSQL database: one polls, the other takes over."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.postgres import fresh_schema, open_repository
from tests.support.process import consult, environment
from tests.support.telegram_api import BotApiStandIn

TOKEN = "123456:TEST-TOKEN"
USERS = (41, 42, 43)
LEADS, STANDS_BY = "telegram polling: this process does it now", "this one stands by to take over"


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with fresh_schema() as url:
        yield url


class Running:
    """A real `consult run telegram` process whose log the test reads line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process, self.log = process, ""

    async def says(self, text: str, timeout: float = 30) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        deadline = time.monotonic() + timeout
        while text not in self.log:
            line = await asyncio.wait_for(stderr.readline(), max(deadline - time.monotonic(), 0.01))
            if not line:
                raise AssertionError(f"the process ended without saying {text!r}:\n{self.log}")
            self.log += line.decode()

    async def end(self) -> str:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(self.process.communicate(), 30)
        return self.log + rest.decode()


async def start(folder: Path, api: BotApiStandIn, database: str) -> Running:
    folder.mkdir()
    env = environment(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot")
    env["CONSULT_DB"] = database
    return Running(await consult(folder, "run", "telegram", env=env))


async def confirmed_all(api: BotApiStandIn, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while api.pending_updates:
        assert time.monotonic() < deadline, f"never confirmed: {api.pending_updates}"
        await asyncio.sleep(0.05)


async def test_when_the_polling_process_is_killed_the_other_takes_over_and_nothing_is_lost_or_doubled(
    tmp_path: Path, database: str
) -> None:
    async with BotApiStandIn(TOKEN) as api:
        first = await start(tmp_path / "first", api, database)
        second = None
        try:
            await first.says(LEADS)
            second = await start(tmp_path / "second", api, database)
            await second.says(STANDS_BY)
            assert LEADS not in second.log

            # While the second stands by, the first serves everyone (two pollers would end each other's
            # long polls with 409 Conflict).
            for text, expect in [("/start", "Question 1 of"), ("yes", "Name"), ("Ana", "Phone")]:
                mark = api.mark()
                for user in USERS:
                    await api.user(user).say(text)
                for user in USERS:
                    await api.wait_for(lambda c, u=user, e=expect: c.chat_id == u and e in (c.text or ""),  # type: ignore[misc]
                                       since=mark, timeout=15)
            assert not [c for c in api.calls if c.method == "getUpdates" and c.status == 409]

            first.process.kill()  # kill -9: no goodbye, its connection to PostgreSQL just drops
            killed_at, mark = time.monotonic(), api.mark()
            for text in ("skip", "ana@example.org"):  # sent while nobody polls
                for user in USERS:
                    await api.user(user).say(text)
            for user in USERS:
                await api.wait_for(lambda c, u=user: c.chat_id == u and "Your sector?" in (c.text or ""),  # type: ignore[misc]
                                   since=mark, timeout=15)
            assert time.monotonic() - killed_at < 10
            await second.says(LEADS)
            await confirmed_all(api)  # including what the first had stored but not yet confirmed
        finally:
            await first.end()
            second_log = await second.end() if second is not None else ""
    assert "Stopped. Every answer received is saved." in second_log

    for user in USERS:  # each reply sent once
        texts = [c.text or "" for c in api.sent_since(0, user) if c.method == "sendMessage"]
        for expect in ("Question 1 of", "Phone", "E-mail", "Your sector?"):
            assert sum(expect in text for text in texts) == 1, (expect, texts)
    repository = await open_repository(database, writer=False)
    try:
        for user in USERS:  # every update stored once
            session = await repository.get(f"telegram:{user}")
            assert session is not None
            updates = [source for source in session.recent_inputs if source.startswith("telegram:update:")]
            assert len(updates) == len(set(updates)) == 5
    finally:
        await repository.close()
