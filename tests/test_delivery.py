"""Nothing acknowledged is lost: a process killed (kill -9) right after it confirmed an input has stored it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.process import consult, environment, stored
from tests.support.slack_api import SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn
from tests.test_serve import free_port, listening, update
from tests.test_slack_e2e import signature

SIGNING_SECRET = "signing-secret-for-tests"
SLACK_TOKEN = "xoxb-test-token"
TELEGRAM_TOKEN = "123456:TEST-TOKEN"
HOOK_SECRET = "hook-secret-for-tests"


def slack_dm(n: int, text: str) -> tuple[str, dict[str, str]]:
    """A signed Events API request: U0ANA's n-th message in the app's DM."""
    event = {"type": "message", "channel": dm_of("U0ANA"), "channel_type": "im", "user": "U0ANA", "text": text,
             "ts": f"18000000{n:02d}.000100", "client_msg_id": f"cm-{n}"}
    body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event, "event_id": f"Ev{n}"})
    now = str(int(time.time()))
    return body, {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                  "X-Slack-Signature": signature(now, body, SIGNING_SECRET)}


async def killed_at_the_200(folder: Path, env: dict[str, str], path: str, **request: Any) -> None:
    """Start `consult serve`, post one request, and kill -9 the process the moment its 200 arrives."""
    port = free_port()
    process = await consult(folder, "serve", "--host", "127.0.0.1", "--port", str(port), env=env)
    try:
        await listening(port)
        async with aiohttp.ClientSession() as http, http.post(f"http://127.0.0.1:{port}{path}", **request) as sent:
            process.kill()
            assert sent.status == 200
    finally:
        if process.returncode is None:
            process.kill()
        await process.communicate()


async def test_a_slack_message_answered_200_is_stored_though_the_process_is_killed_at_once(tmp_path: Path) -> None:
    api = SlackStandIn(SLACK_TOKEN)
    await api.start()
    env = environment(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_BASE_URL=api.url)
    try:
        for n, text in enumerate(["hello", "yes", "Ana", "skip", "ana@example.org"]):
            body, headers = slack_dm(n, text)
            await killed_at_the_200(tmp_path, env, "/slack/events", data=body, headers=headers)
            session = await stored(tmp_path, "slack:T0TEST:U0ANA")
            assert session is not None and f"slack:msg:cm-{n}" in session.recent_inputs, f"message {n} ({text}) lost"
        assert session.answers["contact"].value == {"name": "Ana", "phone": "", "email": "ana@example.org"}
    finally:
        await api.stop()


async def test_a_telegram_update_answered_200_is_stored_though_the_process_is_killed_at_once(tmp_path: Path) -> None:
    async with BotApiStandIn(TELEGRAM_TOKEN) as api:
        env = environment(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot",
                          TELEGRAM_WEBHOOK_URL="https://consult.example.org/telegram",
                          TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET)
        for n, text in enumerate(["/start", "yes", "Ana"], start=1):
            await killed_at_the_200(tmp_path, env, "/telegram", json=update(n, text),
                                    headers={"X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET})
            session = await stored(tmp_path, "telegram:42")
            assert session is not None and f"telegram:update:{n}" in session.recent_inputs, f"update {n} lost"
        assert session.answers["contact"].value == {"name": "Ana"}


async def test_telegram_polling_confirms_an_update_only_once_it_is_stored(tmp_path: Path) -> None:
    async with BotApiStandIn(TELEGRAM_TOKEN) as api:
        env = environment(TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot")
        people = [api.user(100 + n) for n in range(30)]
        for person in people:  # thirty people write at once: one batch for the first getUpdates
            await person.say("/start")
        process = await consult(tmp_path, "run", "telegram", env=env)
        api.on_confirm = lambda _: process.kill()  # killed the moment any update is confirmed
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert api.confirmed, stderr.decode()
        for confirmed in api.confirmed:
            respondent = f"telegram:{confirmed['message']['from']['id']}"
            session = await stored(tmp_path, respondent)
            assert session is not None and f"telegram:update:{confirmed['update_id']}" in session.recent_inputs

        # Restarted: an update Telegram delivers again (its confirmation lost) changes nothing, says nothing.
        api.on_confirm = None
        ana = people[0]
        before = await stored(tmp_path, f"telegram:{ana.id}")
        process = await consult(tmp_path, "run", "telegram", env=env)
        try:
            mark = api.mark()
            api.push_again(int(api.confirmed[0]["update_id"]))
            await ana.say("yes")
            await api.wait_for(lambda c: c.chat_id == ana.id and "Name" in (c.text or ""), since=mark, timeout=30)
            assert not [c for c in api.sent_since(mark, ana.id) if "May we cite you?" in (c.text or "")]
        finally:
            process.terminate()
            await asyncio.wait_for(process.communicate(), 30)
        after = await stored(tmp_path, f"telegram:{ana.id}")
        assert before is not None and before.answers == {}
        assert after is not None and after.recent_inputs == [*before.recent_inputs, after.recent_inputs[-1]]
