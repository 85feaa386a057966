"""GET /healthz on `consult serve`: 200 only while the database answers, as a platform's health check wants."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bots import bootstrap, runner
from bots.config import Settings, SlackSettings, TelegramSettings
from core.service import NOT_SAVED
from tests.support.private_postgres import PrivateServer, stored_in
from tests.support.process import consult, environment
from tests.support.slack_api import SlackStandIn, dm_of
from tests.test_delivery import SIGNING_SECRET, SLACK_TOKEN, slack_dm
from tests.test_serve import free_port, listening


async def health(http: aiohttp.ClientSession, port: int) -> tuple[int, str]:
    async with http.get(f"http://127.0.0.1:{port}/healthz") as answered:
        return answered.status, await answered.text()


async def posted(http: aiohttp.ClientSession, port: int, request: tuple[str, dict[str, str]]) -> int:
    body, headers = request
    async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as sent:
        return sent.status


async def test_healthz_follows_the_database_through_a_crash_and_answers_are_stored_after_it(
        tmp_path: Path, private_postgres: PrivateServer) -> None:
    api = SlackStandIn(SLACK_TOKEN)
    await api.start()
    env = environment(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_BASE_URL=api.url)
    port = free_port()
    async with private_postgres.fresh_database() as database:
        process = await consult(tmp_path, "serve", "--host", "127.0.0.1", "--port", str(port),
                                env={**env, "CONSULT_DB": database})
        try:
            await listening(port)
            async with aiohttp.ClientSession() as http:
                assert await health(http, port) == (200, "ok")
                private_postgres.crash()
                assert await health(http, port) == (503, "unavailable")  # nothing an outsider could use
                # Ana writes meanwhile: she is told it was not saved, and to send it again.
                assert await posted(http, port, slack_dm(1, "hello")) == 200
                await api.wait_for(lambda: any(NOT_SAVED in m.shown() for m in api.in_channel(dm_of("U0ANA"))), 15)
                private_postgres.start()
                for _ in range(40):  # the same process finds the server again, without a restart
                    if await health(http, port) == (200, "ok"):
                        break
                    await asyncio.sleep(0.25)
                assert await health(http, port) == (200, "ok")
                assert await posted(http, port, slack_dm(2, "hello")) == 200  # she sends it again
            session = await stored_in(database, "slack:T0TEST:U0ANA")
            assert session is not None and session.recent_inputs == ["slack:msg:cm-2"]
        finally:
            process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
            await api.stop()
    assert b"Traceback" not in stderr, stderr.decode()


async def test_healthz_on_files_is_503_once_the_database_folder_is_gone(tmp_path: Path) -> None:
    api = SlackStandIn(SLACK_TOKEN)
    await api.start()
    slack = SlackSettings(_env_file=None, bot_token=SLACK_TOKEN, signing_secret=SIGNING_SECRET, api_base_url=api.url)
    app = bootstrap.build(Settings(_env_file=None, db=tmp_path / "data" / "db.json", slack=slack,
                                   telegram=TelegramSettings(_env_file=None)))
    port, stop = free_port(), asyncio.Event()
    serving = asyncio.create_task(runner.serve(app, "127.0.0.1", port, stop))
    try:
        await listening(port)
        async with aiohttp.ClientSession() as http:
            assert await health(http, port) == (200, "ok")
            (tmp_path / "data").rename(tmp_path / "moved")  # a volume unmounted under the running process
            assert await health(http, port) == (503, "unavailable")
    finally:
        stop.set()
        await serving
        await app.repository.close()
        await api.stop()
