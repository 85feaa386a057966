"""Telegram: PTB's echo bot and `consult run telegram` polling one Bot API stand-in, in alternation.

A round trip runs from the stand-in handing the update over (the getUpdates answer that carries it) to
the stand-in receiving the reply's sendMessage. Both bots long-poll (PTB's Updater; consult's own poller).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from bench.roundtrip import children
from bench.roundtrip.rounds import Bots
from tests.support.telegram_api import BotApiStandIn, FakeUser, SharedBotApi

ECHO_TOKEN = "111111:ECHO-BENCH"
CONSULT_TOKEN = "222222:CONSULT-BENCH"
FIRST_REPLY_SECONDS = 60.0  # a bot that has just started connects and polls first
REPLY_SECONDS = 15.0
QUIET_SECONDS = 0.1  # no more replies for this long: an unmeasured message is fully answered


class Chats:
    """People writing to one bot of the stand-in; `send` is a rounds.Send."""

    def __init__(self, bot: BotApiStandIn, first_user: int) -> None:
        self.bot, self.first_user = bot, first_user
        self._users: dict[int, FakeUser] = {}
        self._waited = False
        self.spacing: list[tuple[float, float]] = []  # measured: (seconds since this bot's last reply, round trip)
        self._last_reply: float | None = None

    async def send(self, respondent: int, text: str, settle: bool) -> float:
        user = self._users.get(respondent) or self._users.setdefault(
            respondent, self.bot.user(self.first_user + respondent, f"Person {respondent}"))
        mark = self.bot.mark()
        await user.say(text)
        timeout = REPLY_SECONDS if self._waited else FIRST_REPLY_SECONDS
        reply = await self.bot.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == user.chat_id,
                                        timeout, since=mark)
        self._waited = True
        assert reply.ok and user.last_update_id is not None, f"sendMessage failed: {reply.status}"
        handed = self.bot.handed[user.last_update_id]
        if not settle and self._last_reply is not None:
            self.spacing.append((handed - self._last_reply, reply.at - handed))
        if settle:
            await self._quiet(mark, user.chat_id)
        self._last_reply = self.bot.sent_since(mark, user.chat_id)[-1].at
        return reply.at - handed

    async def _quiet(self, mark: int, chat_id: int) -> None:
        while True:
            seen = len(self.bot.sent_since(mark, chat_id))
            await asyncio.sleep(QUIET_SECONDS)
            if len(self.bot.sent_since(mark, chat_id)) == seen:
                return


@contextlib.asynccontextmanager
async def running(folder: Path, database: str) -> AsyncIterator[Bots]:
    """The stand-in, the bare echo bot and `consult run telegram` (its database at `database`)."""
    async with SharedBotApi(BotApiStandIn(ECHO_TOKEN), BotApiStandIn(CONSULT_TOKEN)) as api:
        echo_bot, consult_bot = api.bots[ECHO_TOKEN], api.bots[CONSULT_TOKEN]
        base = f"{api.url}/bot"
        bare = children.child(folder, "telegram-echo", "-m", "bench.roundtrip.bare", "telegram", base, ECHO_TOKEN,
                              env=children.environment())
        env = children.environment(TELEGRAM_BOT_TOKEN=CONSULT_TOKEN, TELEGRAM_API_BASE_URL=base, CONSULT_DB=database)
        consult = children.child(folder, "consult-run-telegram", "-m", "bots.cli", "run", "telegram", env=env)
        async with bare, consult as process:
            chats = Chats(consult_bot, 5_000)
            yield Bots(Chats(echo_bot, 1_000).send, chats.send, process.pid, "/start", chats.spacing)

