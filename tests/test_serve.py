"""`consult serve`: webhooks over HTTP on one port; Telegram's secret token and Slack's signature checked."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path

import aiohttp
import pytest

from bots import bootstrap, runner
from bots.config import Settings, SlackSettings, TelegramSettings
from tests.support.disk import busy_disk
from tests.support.slack_api import SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn
from tests.test_slack_e2e import signature

TOKEN = "123456:TEST-TOKEN"
SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def listening(port: int) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            try:
                async with http.get(f"http://127.0.0.1:{port}/") as alive:
                    if alive.status == 200:
                        return
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.1)
    raise AssertionError("consult serve did not start listening")


def update(update_id: int, text: str) -> dict[str, object]:
    user = {"id": 42, "is_bot": False, "first_name": "Ana"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 0, "text": text, "from": user,
                                                "chat": {"id": 42, "type": "private", "first_name": "Ana"}}}


async def test_telegram_webhook_checks_the_secret_and_answers(tmp_path: Path) -> None:
    async with BotApiStandIn(TOKEN) as api:
        port = free_port()
        telegram = TelegramSettings(_env_file=None, bot_token=TOKEN, api_base_url=f"{api.url}/bot",
                                    webhook_url="https://consult.example.org/hook/telegram", webhook_secret=SECRET)
        settings = Settings(_env_file=None, db=tmp_path / "db.json", telegram=telegram,
                            slack=SlackSettings(_env_file=None))
        app = bootstrap.build(settings)
        stop = asyncio.Event()
        serving = asyncio.create_task(runner.serve(app, "127.0.0.1", port, stop))
        try:
            hook = await api.wait_for(lambda c: c.method == "setWebhook", timeout=10)
            assert hook.params["url"] == "https://consult.example.org/hook/telegram"
            assert hook.params["secret_token"] == SECRET
            url = f"http://127.0.0.1:{port}/hook/telegram"
            async with aiohttp.ClientSession() as http:
                # The webhook is set only once the server listens, so Telegram's first post lands.
                async with http.get(f"http://127.0.0.1:{port}/") as alive:
                    assert await alive.text() == "consult is running"
                forged = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
                for headers in ({}, forged):
                    async with http.post(url, json=update(1, "/start"), headers=headers) as refused:
                        assert refused.status == 401
                assert await app.repository.all() == []
                # With the secret, but no update (no whole-number update_id, or unreadable): 400, nothing stored.
                for broken in (b"{not json", b"[1, 2]", b'"update"', b"{}", b'{"update_id": "7"}',
                               b'{"update_id": true}', b'{"update_id": 7.5}', b'{"update_id": 7, "message": 3}',
                               b'{"update_id": 7, "message": {"text": "no sender, no chat"}}', b"\xff\xfe"):
                    async with http.post(url, data=broken, headers={
                            "X-Telegram-Bot-Api-Secret-Token": SECRET}) as refused:
                        assert refused.status == 400, broken
                assert await app.repository.all() == []
                async with http.post(url, json=update(2, "/start"), headers={
                        "X-Telegram-Bot-Api-Secret-Token": SECRET}) as accepted:
                    assert accepted.status == 200
            # Processed before the 200: the reply is already on its way, the respondent stored.
            sent = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == 42]
            assert any("Question 1 of" in (c.text or "") for c in sent)
            assert [s.respondent_id for s in await app.repository.all()] == ["telegram:42"]
        finally:
            stop.set()
            await serving
            await app.repository.close()


async def test_serve_takes_telegram_and_slack_on_one_port(tmp_path: Path) -> None:
    slack_secret = "slack-signing-secret"
    slack_api = SlackStandIn("xoxb-test-token")
    await slack_api.start()
    async with BotApiStandIn(TOKEN) as api:
        port = free_port()
        telegram = TelegramSettings(_env_file=None, bot_token=TOKEN, api_base_url=f"{api.url}/bot",
                                    webhook_url="https://consult.example.org/telegram", webhook_secret=SECRET)
        slack = SlackSettings(_env_file=None, bot_token="xoxb-test-token", signing_secret=slack_secret,
                              api_base_url=slack_api.url)
        settings = Settings(_env_file=None, db=tmp_path / "db.json", telegram=telegram, slack=slack)
        app = bootstrap.build(settings)
        stop = asyncio.Event()
        serving = asyncio.create_task(runner.serve(app, "127.0.0.1", port, stop))
        try:
            await api.wait_for(lambda c: c.method == "setWebhook", timeout=10)
            base = f"http://127.0.0.1:{port}"
            event = {"type": "message", "channel": dm_of("U0ANA"), "channel_type": "im", "user": "U0ANA",
                     "text": "hello", "ts": "1800000001.000100", "client_msg_id": "cm-1"}
            body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event, "event_id": "Ev1"})
            now = str(int(time.time()))
            async with aiohttp.ClientSession() as http:
                async with http.post(f"{base}/slack/events", data=body, headers={
                        "Content-Type": "application/json", "X-Slack-Request-Timestamp": now}) as unsigned:
                    assert unsigned.status == 401
                async with http.post(f"{base}/slack/events", data=body, headers={
                        "Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                        "X-Slack-Signature": signature(now, body, slack_secret)}) as signed:
                    assert signed.status == 200
                async with http.post(f"{base}/telegram", json=update(1, "/start"),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as accepted:
                    assert accepted.status == 200
            await slack_api.wait_for(lambda: slack_api.in_channel(dm_of("U0ANA")))
            assert "Question 1 of" in slack_api.in_channel(dm_of("U0ANA"))[-1].shown()
            for n, text in enumerate(["yes", "Ana Silva"], start=2):
                event = {**event, "text": text, "ts": f"180000000{n}.000100", "client_msg_id": f"cm-{n}"}
                body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event, "event_id": f"Ev{n}"})
                async with aiohttp.ClientSession() as http, http.post(f"{base}/slack/events", data=body, headers={
                        "Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                        "X-Slack-Signature": signature(now, body, slack_secret)}) as signed:
                    assert signed.status == 200

                def replied(count: int = n) -> bool:
                    return len(slack_api.called("chat.postMessage")) >= count

                await slack_api.wait_for(replied)
            # The replies share one kept-open connection (slack_sdk alone opens one per call: on
            # slack.com a TLS handshake each time).
            assert len({call.peer for call in slack_api.called("chat.postMessage")}) == 1
            ids = sorted(s.respondent_id for s in await app.repository.all())
            assert ids == ["slack:T0TEST:U0ANA", "telegram:42"]
        finally:
            stop.set()
            await serving
            await app.repository.close()
            await slack_api.stop()


async def test_stopping_serve_stores_what_slack_was_already_told_was_received(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slack_secret = "slack-signing-secret"
    slack_api = SlackStandIn("xoxb-test-token")
    await slack_api.start()
    port = free_port()
    slack = SlackSettings(_env_file=None, bot_token="xoxb-test-token", signing_secret=slack_secret,
                          api_base_url=slack_api.url)
    app = bootstrap.build(Settings(_env_file=None, db=tmp_path / "db.json", slack=slack,
                                   telegram=TelegramSettings(_env_file=None)))
    busy_disk(monkeypatch)  # storing ends well after the 200
    stop = asyncio.Event()
    serving = asyncio.create_task(runner.serve(app, "127.0.0.1", port, stop))
    try:
        await listening(port)
        event = {"type": "message", "channel": dm_of("U0ANA"), "channel_type": "im", "user": "U0ANA",
                 "text": "hello", "ts": "1800000001.000100", "client_msg_id": "cm-1"}
        body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event, "event_id": "Ev1"})
        now = str(int(time.time()))
        async with aiohttp.ClientSession() as http, http.post(
                f"http://127.0.0.1:{port}/slack/events", data=body, headers={
                    "Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                    "X-Slack-Signature": signature(now, body, slack_secret)}) as signed:
            assert signed.status == 200  # acknowledged: Slack will not send it again
        stop.set()  # at once, before the event is processed
        await serving
        assert [s.respondent_id for s in await app.repository.all()] == ["slack:T0TEST:U0ANA"]
    finally:
        stop.set()
        await app.repository.close()
        await slack_api.stop()
