"""Two and three `consult serve` processes on one PostgreSQL database, taking one respondent's inputs at once.

Each respondent's messages are posted all at once, spread over the processes, some of them twice (to two
processes, as a platform's retry can land): PostgreSQL's row lock must apply them one at a time. Whatever
order they were applied in (the session keeps their ids in that order), the stored session must be what the
core engine makes of the same inputs applied one after the other in that order: none lost, none twice.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Update

from bots.slack import mapping as slack_mapping
from bots.telegram import mapping as telegram_mapping
from core import engine
from core.inputs import Input
from core.session import Session
from questionnaire import loader
from tests.support.private_postgres import PrivateServer, stored_in
from tests.support.process import consult, environment
from tests.support.slack_api import TEAM, SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn
from tests.test_delivery import HOOK_SECRET, SIGNING_SECRET, SLACK_TOKEN, TELEGRAM_TOKEN
from tests.test_serve import free_port
from tests.test_slack_e2e import signature

# What each respondent sends, all at once: any order is a conversation the engine can follow.
TEXTS = ["hello", "yes", "Ana", "skip", "ana@example.org", "Non-Government", "Civil society", "1", "done",
         "Open", "part one", "part two"]
SLACK_PEOPLE = ["U0ANA", "U0BEN"]
TELEGRAM_PEOPLE = [42, 43]
T = datetime(2026, 1, 1, tzinfo=UTC)
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass(frozen=True)
class Sent:
    """One input as a platform posts it, and what the core makes of it."""

    respondent_id: str
    channel: str
    path: str
    body: str
    headers: dict[str, str]
    inbound_id: str
    command: Input


def slack_message(user: str, n: int, text: str) -> Sent:
    event = {"type": "message", "channel": dm_of(user), "channel_type": "im", "user": user, "text": text,
             "ts": f"1800000{n:03d}.000100", "client_msg_id": f"cm-{user}-{n}"}
    body = json.dumps({"type": "event_callback", "team_id": TEAM, "event": event, "event_id": f"Ev{user}{n}"})
    now = str(int(time.time()))
    route = slack_mapping.message(event, f"Ev{user}{n}", False, None)
    assert isinstance(route, slack_mapping.ToService)
    return Sent(f"slack:{TEAM}:{user}", "slack", "/slack/events", body,
                {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                 "X-Slack-Signature": signature(now, body, SIGNING_SECRET)}, route.inbound_id, route.command)


def telegram_message(user: int, n: int, text: str) -> Sent:
    person = {"id": user, "is_bot": False, "first_name": f"Person {user}"}
    data = {"update_id": user * 1000 + n, "message": {"message_id": n + 1, "date": 0, "text": text, "from": person,
                                                      "chat": {"id": user, "type": "private"}}}
    update = Update.de_json(data, None)
    assert update is not None and update.message is not None
    return Sent(telegram_mapping.respondent_id(user), "telegram", "/telegram", json.dumps(data),
                {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": HOOK_SECRET},
                telegram_mapping.inbound_id(update), telegram_mapping.from_message(update.message))


def everything_sent() -> list[Sent]:
    slack = [slack_message(user, n, text) for user in SLACK_PEOPLE for n, text in enumerate(TEXTS)]
    telegram = [telegram_message(user, n, text) for user in TELEGRAM_PEOPLE for n, text in enumerate(TEXTS)]
    return slack + telegram


async def serving(folder: Path, env: dict[str, str]) -> tuple[asyncio.subprocess.Process, int]:
    folder.mkdir()
    port = free_port()
    return await consult(folder, "serve", "--host", "127.0.0.1", "--port", str(port), env=env), port


async def ready(http: aiohttp.ClientSession, port: int, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as answered:
                if answered.status == 200:
                    return
        except aiohttp.ClientConnectorError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError(f"consult serve on port {port} did not become ready")


async def post(http: aiohttp.ClientSession, port: int, sent: Sent) -> int:
    async with http.post(f"http://127.0.0.1:{port}{sent.path}", data=sent.body, headers=sent.headers) as answered:
        return answered.status


def applied_in_order(questionnaire_file: Path, stored: Session, sent: list[Sent]) -> Session:
    """What the engine makes of the respondent's inputs applied one at a time, in the order stored."""
    questionnaire = loader.load(questionnaire_file)
    by_id = {each.inbound_id: each for each in sent}
    session = engine.new_session(stored.respondent_id, sent[0].channel)
    for inbound_id in stored.recent_inputs:
        outcome = engine.apply(questionnaire, session, by_id[inbound_id].command, T, inbound_id)
        session = outcome.session if outcome.changed else session
    return session


def without_times(value: Any) -> Any:
    """A session's JSON with every time left out: the serial run has its own clock."""
    if isinstance(value, dict):
        return {key: without_times(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_times(item) for item in value]
    return "(time)" if isinstance(value, str) and TIME.match(value) else value


@pytest.mark.parametrize("processes", [2, 3])
async def test_several_serve_processes_apply_each_input_once_as_one_process_would(
        tmp_path: Path, private_postgres: PrivateServer, processes: int) -> None:
    slack_api = SlackStandIn(SLACK_TOKEN)
    await slack_api.start()
    async with BotApiStandIn(TELEGRAM_TOKEN) as telegram_api, private_postgres.fresh_database() as database:
        env = environment(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                          SLACK_API_BASE_URL=slack_api.url, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
                          TELEGRAM_API_BASE_URL=f"{telegram_api.url}/bot",
                          TELEGRAM_WEBHOOK_URL="https://consult.example.org/telegram",
                          TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET) | {"CONSULT_DB": database}
        # Started at once: they also race to bring the new database's schema up to date.
        started = await asyncio.gather(*(serving(tmp_path / f"process{n}", env) for n in range(processes)))
        try:
            sent = everything_sent()
            async with aiohttp.ClientSession() as http:
                await asyncio.gather(*(ready(http, port) for _, port in started))
                ports = [port for _, port in started]
                # Input k goes to process k; every third one also to the next process, at the same moment.
                posts = [post(http, ports[k % processes], each) for k, each in enumerate(sent)]
                posts += [post(http, ports[(k + 1) % processes], each) for k, each in enumerate(sent) if k % 3 == 0]
                statuses = await asyncio.wait_for(asyncio.gather(*posts), 120)
            assert set(statuses) == {200}
            for respondent_id in sorted({each.respondent_id for each in sent}):
                theirs = [each for each in sent if each.respondent_id == respondent_id]
                stored = await stored_in(database, respondent_id)
                assert stored is not None
                assert sorted(stored.recent_inputs) == sorted(each.inbound_id for each in theirs)  # each once
                serial = applied_in_order(tmp_path / "process0" / "small.toml", stored, theirs)
                assert without_times(stored.model_dump(mode="json")) == without_times(serial.model_dump(mode="json"))
        finally:
            for process, _ in started:
                process.terminate()
            outputs = await asyncio.gather(*(asyncio.wait_for(process.communicate(), 30) for process, _ in started))
            await slack_api.stop()
    for _, stderr in outputs:
        assert b"Traceback" not in stderr and b"not saved" not in stderr, stderr.decode()
