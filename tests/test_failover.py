"""Two `consult run telegram` processes on one PostgreSQL database: one polls, the other takes over."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.support.postgres import fresh_schema, open_repository
from tests.support.process import consult, environment
from tests.support.slack_api import SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn
from tests.test_serve import free_port, listening
from tests.test_slack_e2e import signature

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


async def start(folder: Path, api: BotApiStandIn, database: str, *args: str, **settings: str) -> Running:
    folder.mkdir()
    env = environment(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot", **settings)
    env["CONSULT_DB"] = database
    return Running(await consult(folder, *(args or ("run", "telegram")), env=env))


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


async def test_web_and_worker_side_by_side_on_one_set_of_settings_each_take_their_own(
    tmp_path: Path, database: str
) -> None:
    # As a Procfile starts them: the same settings for both. Slack comes by HTTP (a signing secret, no
    # app token) to `consult serve`; Telegram is polled (no webhook address) by `consult run`.
    slack, port, secret = SlackStandIn("xoxb-test-token"), free_port(), "signing-secret-for-tests"
    await slack.start()
    settings = {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": secret, "SLACK_API_BASE_URL": slack.url}
    try:
        async with BotApiStandIn(TOKEN) as api:
            web = await start(tmp_path / "web", api, database, "serve", "--host", "127.0.0.1", "--port", str(port),
                              **settings)
            worker = await start(tmp_path / "worker", api, database, "run", **settings)
            try:
                await worker.says(LEADS)
                await listening(port)
                await api.user(42).say("/start")
                await api.wait_for(lambda c: c.chat_id == 42 and "Question 1 of" in (c.text or ""), timeout=15)
                event = {"type": "message", "channel": dm_of("U0ANA"), "channel_type": "im", "user": "U0ANA",
                         "text": "hello", "ts": "1800000000.000100", "client_msg_id": "cm-0"}
                body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event, "event_id": "Ev0"})
                now = str(int(time.time()))
                headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                           "X-Slack-Signature": signature(now, body, secret)}
                url = f"http://127.0.0.1:{port}/slack/events"
                async with aiohttp.ClientSession() as http, http.post(url, data=body, headers=headers) as sent:
                    assert sent.status == 200
                await slack.wait_for(lambda: any("Question 1 of" in posted.shown()
                                                 for posted in slack.in_channel(dm_of("U0ANA"))), timeout=15)
            finally:
                logs = {"web": await web.end(), "worker": await worker.end()}
    finally:
        await slack.stop()
    assert "Telegram is left to 'consult run'" in logs["web"]
    assert "Slack is left to 'consult serve'" in logs["worker"]
    for log in logs.values():
        assert "Stopped. Every answer received is saved." in log, log
    repository = await open_repository(database, writer=False)
    try:
        assert {session.channel for session in await repository.all()} == {"telegram", "slack"}
    finally:
        await repository.close()


async def test_run_leaves_a_telegram_webhook_alone(tmp_path: Path, database: str) -> None:
    async with BotApiStandIn(TOKEN) as api:
        api.webhook_url = "https://consult.example.org/telegram"  # set by the web processes
        worker = await start(tmp_path / "worker", api, database, "run",
                             TELEGRAM_WEBHOOK_URL="https://consult.example.org/telegram")
        _, stderr = await asyncio.wait_for(worker.process.communicate(), 60)
        log = stderr.decode()
    assert worker.process.returncode == 2
    assert "TELEGRAM_WEBHOOK_URL is set, so Telegram posts to 'consult serve'" in log
    assert api.webhook_url == "https://consult.example.org/telegram"
