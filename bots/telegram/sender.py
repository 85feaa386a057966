"""Messages the consultation sends first (reminders, announcements) to Telegram respondents.

The bot is the front end's own (PTB's ExtBot with bots/telegram/limiter.py): every request of the process,
replies and reminders alike, stays under Telegram's ~30 messages a second, and a 429 is waited out and retried by it.
On top, this sender keeps its own smaller budget, so that replies to respondents always have room, and
sends at most one message a second to one chat (Telegram's per-chat limit).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from aiolimiter import AsyncLimiter
from telegram import Bot
from telegram.constants import FloodLimit, ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError, TimedOut
from telegram.ext import ExtBot

from bots.config import TelegramSettings
from bots.telegram import render
from bots.telegram.limiter import BotLimiter
from core.chat import present
from core.outbound import Delivery, Outcome
from core.reply import Reply
from questionnaire.model import Questionnaire

PREFIX = "telegram:"
# Of Telegram's ~30 messages a second for the whole bot, what messages we start may use: the rest is for replies.
# Measured (BENCHMARKS.md): at 20 a second replies queued behind reminders (p99 545 ms against 197 ms without);
# at 15, replies kept their p99 (183 ms against 179 ms).
SENDS_PER_SECOND = 15
CHAT_INTERVAL = 1.0 / FloodLimit.MESSAGES_PER_SECOND_PER_CHAT  # seconds between two messages to one chat
# Telegram's ~30 a second, less a margin: network jitter bunches requests sent evenly (measured: 31 arrived
# within one second at 30 a second; see BENCHMARKS.md).
OVERALL_PER_SECOND = FloodLimit.MESSAGES_PER_SECOND - 2
MAX_RETRIES = 3  # a 429 is waited out (retry_after) and tried again this many times
# "Bad Request: chat not found": the chat is gone (the account was deleted); as final as a block.
GONE = ("chat not found", "user is deactivated")
UNKNOWN = "timed out, delivery unknown"


Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TelegramSender:
    """The outbound port (core.outbound.Sender) for respondents ids "telegram:USER" (their private chat)."""

    def __init__(self, bot: Bot, questionnaire: Questionnaire, *, per_second: float = SENDS_PER_SECOND,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.bot, self.questionnaire = bot, questionnaire
        # A bucket of one, refilled per_second times a second: never a burst above the rate (a bucket of
        # per_second would let twice as many through in a second that follows a quiet one).
        self._budget = AsyncLimiter(1, 1 / per_second)
        self._last: dict[int, float] = {}
        self._clock, self._sleep = clock, sleep

    def reaches(self, respondent_id: str) -> bool:
        """Telegram respondents (their private chat id is their user id)."""
        return respondent_id.startswith(PREFIX) and respondent_id.removeprefix(PREFIX).lstrip("-").isdecimal()

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        """The reply as the front end renders it (HTML, buttons under the last message)."""
        chat_id = int(respondent_id.removeprefix(PREFIX))
        try:
            for out in render.messages(present.view(self.questionnaire, reply)):
                await self._turn(chat_id)
                try:
                    await self.bot.send_message(chat_id, out.text, parse_mode=ParseMode.HTML,
                                                reply_markup=out.keyboard)
                finally:  # the next message to this chat a second after this one arrived, not after it left
                    self._last[chat_id] = self._clock()
        except Forbidden as exc:  # 403: they blocked the bot
            return Outcome(Delivery.BLOCKED, exc.message)
        except BadRequest as exc:
            gone = any(words in exc.message.lower() for words in GONE)
            return Outcome(Delivery.BLOCKED if gone else Delivery.FAILED, exc.message)
        except RetryAfter as exc:  # still limited after the rate limiter's retries
            return Outcome(Delivery.FAILED, exc.message)
        except TimedOut:  # Telegram may have delivered it: counted as sent, so never sent twice (at worst missed)
            return Outcome(Delivery.SENT, UNKNOWN)
        except TelegramError as exc:
            return Outcome(Delivery.FAILED, f"{type(exc).__name__}: {exc.message}")
        return Outcome(Delivery.SENT)

    async def _turn(self, chat_id: int) -> None:
        """Wait for our share of the bot's budget, and a second since the last message to this chat."""
        last = self._last.get(chat_id)
        if last is not None and (wait := CHAT_INTERVAL - (self._clock() - last)) > 0:
            await self._sleep(wait)
        await self._budget.acquire()
        if len(self._last) > 10_000:  # forget chats not written to for a while
            horizon = self._clock() - CHAT_INTERVAL
            self._last = {chat: at for chat, at in self._last.items() if at > horizon}


def rate_limiter() -> BotLimiter:
    """The limiter for every request of the bot: Telegram's 30 a second overall, and 429s waited out and retried.

    Never more than OVERALL_PER_SECOND requests to chats in any second; a reply waits only when that many
    went in the second before it.
    """
    return BotLimiter(per_second=OVERALL_PER_SECOND, max_retries=MAX_RETRIES)


def outbound_bot(settings: TelegramSettings) -> ExtBot[int]:
    """A bot for a process that only sends (`consult announce`), limited as the front end's is; initialize it."""
    assert settings.bot_token is not None
    base = settings.api_base_url or "https://api.telegram.org/bot"
    return ExtBot(settings.bot_token.get_secret_value(), base_url=base,
                  base_file_url=base.removesuffix("/bot") + "/file/bot", rate_limiter=rate_limiter())
