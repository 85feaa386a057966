"""Moving between apps end to end: Telegram (the real PTB bot and the Bot API stand-in), then Slack (the real
bolt app over signed HTTP and the Web API stand-in), then the terminal (the real `consult chat --resume`, a
process of its own), on one PostgreSQL database, while the bots keep running.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bots import bootstrap
from bots.config import Settings, SlackSettings, TelegramSettings
from bots.slack.app import SlackFrontEnd
from bots.telegram.app import TelegramFrontEnd
from core.resume import codes
from tests.support.chat import SMALL
from tests.support.postgres import fresh_schema
from tests.support.senders import RecordingSender
from tests.support.slack_api import SlackStandIn
from tests.support.telegram_api import BotApiStandIn
from tests.test_slack_e2e import ADMIN, SECRET, Slack, User
from tests.test_slack_e2e import TOKEN as SLACK_TOKEN
from tests.test_telegram_e2e import TOKEN as TELEGRAM_TOKEN
from tests.test_telegram_e2e import Person, texts

CODE = re.compile(r"move-[A-Za-z0-9_-]{22}")


@dataclass
class Apps:
    app: bootstrap.App
    telegram: Person
    slack: User
    sender: RecordingSender
    database: str
    questionnaire: Path


@asynccontextmanager
async def both_bots(tmp_path: Path) -> AsyncIterator[Apps]:
    """Telegram and Slack front ends of one `consult run`, on a fresh PostgreSQL schema; a sender to both."""
    questionnaire = tmp_path / "small.toml"
    questionnaire.write_text(SMALL, encoding="utf-8")
    slack_api = SlackStandIn(SLACK_TOKEN)
    await slack_api.start()
    async with fresh_schema() as url, BotApiStandIn(TELEGRAM_TOKEN) as telegram_api:
        telegram = TelegramSettings(_env_file=None, bot_token=TELEGRAM_TOKEN, api_base_url=f"{telegram_api.url}/bot")
        slack = SlackSettings(_env_file=None, bot_token=SecretStr(SLACK_TOKEN), signing_secret=SecretStr(SECRET),
                              admin_ids=ADMIN, app_token=None, api_base_url=slack_api.url)
        app = await bootstrap.start(Settings(_env_file=None, db=url, questionnaire=questionnaire,
                                             telegram=telegram, slack=slack))
        sender = RecordingSender("telegram", "slack")  # until the real senders (issue 11, item 5) are merged
        assert app.service.moving is not None
        app.service.moving.tell_through(sender)
        bot = TelegramFrontEnd(app, telegram)
        await bot.start_polling(timeout=1)
        web_app = web.Application()
        web_app.router.add_post("/slack/events", SlackFrontEnd(app, slack).http_handler())
        client = TestClient(TestServer(web_app, host="127.0.0.1"))
        await client.start_server()
        try:
            yield Apps(app, Person(telegram_api, telegram_api.user(42, "Ana")),
                       Slack(app, slack_api, client).user("U0ANA"), sender, url, questionnaire)
        finally:
            await client.close()
            await bot.stop()
            await app.repository.close()
            await slack_api.stop()


async def consult_chat(apps: Apps, *args: str, stdin: str = "") -> list[dict[str, Any]]:
    """The real `consult chat --as ana --jsonl ...`, another process on the same database; its replies."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_") and k != "DATABASE_URL"}
    env.update(PYTHONPATH=str(Path(__file__).resolve().parents[1]), CONSULT_DB=apps.database,
               CONSULT_QUESTIONNAIRE=str(apps.questionnaire))
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bots.cli", "chat", "--as", "ana", "--jsonl", *args],
        input=stdin, capture_output=True, text=True, env=env, timeout=60, cwd=apps.questionnaire.parent)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def code_in(text: str) -> str:
    found = CODE.search(text)
    assert found is not None, text
    return found.group()


async def test_a_response_goes_telegram_slack_terminal_and_back_with_every_answer(tmp_path: Path) -> None:
    async with both_bots(tmp_path) as apps:
        ana = apps.telegram
        await ana.say("/start", expect="May we cite you?")
        for text, expect in [("yes", "Name"), ("Ana", "Phone"), ("skip", "E-mail"),
                             ("ana@example.org", "Your sector?"), ("2", "Which group?")]:
            await ana.say(text, expect=expect)
        telegram_answers = (await apps.app.service.session("telegram:42")).answers  # type: ignore[union-attr]
        code = code_in(texts(await ana.say("/continue_elsewhere", expect="Your code is")))

        shown = await apps.slack.slash(f"resume {code}", expect="moved here from Telegram")
        assert "and the chat there was told" in shown[0] and "Which group?" in "\n".join(shown)
        await apps.slack.say("1", expect="Which topics?")
        await apps.slack.say("1", expect="Your motto?")
        await apps.app.service.moving.settle()  # type: ignore[union-attr]
        assert [who for who, _ in apps.sender.sent] == ["telegram:42"]
        assert "Your answers have moved to Slack" in apps.sender.sent[0][1]
        await ana.say("Bob", expect="Your answers are in Slack now, so nothing here was changed.")

        code = code_in("\n".join(await apps.slack.slash("continue elsewhere", expect="Your code is")))
        replies = await consult_chat(apps, "--resume", code, stdin="Openness\n")
        assert "Your answers have moved here from Slack. You can go on here." in replies[0]["messages"]
        assert replies[0]["question_id"] == "motto" and replies[-1]["question_id"] == "essay"

        await apps.slack.say("hello", expect="Your answers are in the terminal now")
        await ana.say("hello", expect="Your answers are in the terminal now")  # Telegram's stub follows on
        moved = await apps.app.service.session("console:ana")
        assert moved is not None and moved.channel == "console"
        assert {k: a for k, a in moved.answers.items() if k in telegram_answers} == telegram_answers
        assert {k: a.value for k, a in moved.answers.items() if k not in telegram_answers} == {
            "group": "Civil society", "topics": ["Access"], "motto": "Openness"}
        figures = await apps.app.repository.figures(apps.app.questionnaire)
        assert figures.started == 1 and set(figures.by_channel) == {"console"}

        # And back to Telegram, as a link from the bot would bring them (t.me/BOT?start=CODE).
        code = code_in((await consult_chat(apps, stdin="continue elsewhere\n"))[-1]["text"])
        await ana.say(f"/start {code}", expect="Your answers have moved here from the terminal.")
        back = await apps.app.service.session("telegram:42")
        assert back is not None and back.answers == moved.answers and back.moved_to is None


async def test_bad_codes_in_every_app_are_refused_and_change_nothing(tmp_path: Path) -> None:
    async with both_bots(tmp_path) as apps:
        ana = apps.telegram
        await ana.say("/start", expect="May we cite you?")
        await ana.say("yes", expect="Name")
        code = code_in(texts(await ana.say("/continue_elsewhere", expect="Your code is")))
        await ana.say(f"/start {codes.new_code()}", expect="That code is not right, so nothing was changed.")
        await apps.slack.slash("resume 12345", expect="That code is not right, so nothing was changed.")
        await apps.slack.slash(f"resume {code}", expect="moved here from Telegram")
        replies = await consult_chat(apps, "--resume", code)
        assert "That code was already used, so nothing was changed." in replies[0]["messages"][0]
        assert (await apps.app.service.session("console:ana")) is None
        assert (await apps.app.service.session(apps.slack.respondent_id)).answers  # type: ignore[union-attr]
