"""Sending first, on each platform: what reaches the respondent, and what a platform's refusal becomes.

The real PTB bot and slack_sdk client talk HTTP to the stand-ins of the Bot API and the Web API.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient
from telegram.error import RetryAfter, TimedOut

from bots.config import TelegramSettings
from bots.slack import sender as slack_sender
from bots.slack.sender import SlackSender
from bots.telegram.sender import TelegramSender, outbound_bot, rate_limiter
from core.outbound import Delivery, Outcome
from core.reminders.log import CLAIMED, Entry, history
from core.reply import Reply
from core.session import Status
from questionnaire import loader
from tests.support.slack_api import SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn

TOKEN = "123456:TEST-TOKEN"
SLACK_TOKEN = "xoxb-test"
EXTENDED = Reply(messages=["The deadline is extended to 31 August."], status=Status.IN_PROGRESS, ask=False)
Q = loader.load()
T0 = datetime(2013, 8, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
async def telegram() -> AsyncIterator[tuple[BotApiStandIn, TelegramSender]]:
    async with BotApiStandIn(TOKEN) as api:
        bot = outbound_bot(TelegramSettings(bot_token=SecretStr(TOKEN), api_base_url=api.url + "/bot"))
        await bot.initialize()
        try:
            yield api, TelegramSender(bot, Q)
        finally:
            await bot.shutdown()


@pytest.fixture
async def slack() -> AsyncIterator[tuple[SlackStandIn, SlackSender]]:
    api = SlackStandIn(SLACK_TOKEN)
    await api.start()
    try:
        yield api, SlackSender(slack_sender.client(SLACK_TOKEN, api.url), Q)
    finally:
        await api.stop()


async def test_telegram_sends_the_reply_to_the_private_chat(telegram: tuple[BotApiStandIn, TelegramSender]) -> None:
    api, sender = telegram
    assert sender.reaches("telegram:501") and not sender.reaches("slack:T1:U1") and not sender.reaches("console:ana")
    assert await sender.send("telegram:501", EXTENDED) == Outcome(Delivery.SENT)
    assert api.last_message(501)["text"] == "The deadline is extended to 31 August."


async def test_telegram_blocked_bot_403_is_blocked_and_not_retried(
        telegram: tuple[BotApiStandIn, TelegramSender]) -> None:
    api, sender = telegram
    api.fail_next("sendMessage", status=403)
    outcome = await sender.send("telegram:502", EXTENDED)
    assert outcome.delivery is Delivery.BLOCKED and "blocked" in outcome.reason
    assert len([c for c in api.calls if c.method == "sendMessage"]) == 1


async def test_telegram_429_is_waited_out_then_sent(telegram: tuple[BotApiStandIn, TelegramSender]) -> None:
    api, sender = telegram
    api.fail_next("sendMessage", status=429, retry_after=1)
    began = time.monotonic()
    assert await sender.send("telegram:503", EXTENDED) == Outcome(Delivery.SENT)
    assert time.monotonic() - began >= 1.0  # retry_after was respected
    assert [c.ok for c in api.calls if c.method == "sendMessage"] == [False, True]


async def test_telegram_429_for_ever_is_a_failure_not_an_error(telegram: tuple[BotApiStandIn, TelegramSender]) -> None:
    api, sender = telegram
    for _ in range(4):  # the first try and the rate limiter's three retries
        api.fail_next("sendMessage", status=429, retry_after=0)
    outcome = await sender.send("telegram:504", EXTENDED)
    assert outcome.delivery is Delivery.FAILED


async def test_telegram_one_message_a_second_per_chat(telegram: tuple[BotApiStandIn, TelegramSender]) -> None:
    api, sender = telegram
    await sender.send("telegram:505", EXTENDED)
    await sender.send("telegram:505", EXTENDED)
    at = [c for c in api.calls if c.method == "sendMessage"]
    assert len(at) == 2
    assert at[1].at - at[0].at >= 0.95


async def test_slack_posts_in_the_dm(slack: tuple[SlackStandIn, SlackSender]) -> None:
    api, sender = slack
    assert sender.reaches("slack:T0TEST:U77") and not sender.reaches("telegram:5")
    assert await sender.send("slack:T0TEST:U77", EXTENDED) == Outcome(Delivery.SENT)
    assert [m.shown() for m in api.in_channel(dm_of("U77"))] == ["The deadline is extended to 31 August."]


async def test_slack_429_is_retried_after_retry_after(slack: tuple[SlackStandIn, SlackSender]) -> None:
    api, sender = slack
    api.rate_limit_once("chat.postMessage")
    began = time.monotonic()
    assert await sender.send("slack:T0TEST:U78", EXTENDED) == Outcome(Delivery.SENT)
    assert time.monotonic() - began >= 1.0
    assert [c.limited for c in api.called("chat.postMessage")] == [True, False]
    assert len(api.in_channel(dm_of("U78"))) == 1


@pytest.mark.parametrize("error", ["account_inactive", "user_not_found", "channel_not_found"])
async def test_slack_people_who_left_are_blocked(slack: tuple[SlackStandIn, SlackSender], error: str) -> None:
    api, sender = slack
    api.refuse_once("chat.postMessage", error)
    assert await sender.send("slack:T0TEST:U79", EXTENDED) == Outcome(Delivery.BLOCKED, error)


async def test_slack_other_refusals_fail(slack: tuple[SlackStandIn, SlackSender]) -> None:
    api, sender = slack
    api.refuse_once("chat.postMessage", "internal_error")
    assert await sender.send("slack:T0TEST:U80", EXTENDED) == Outcome(Delivery.FAILED, "internal_error")


async def test_slack_time_zone_from_users_info_once(slack: tuple[SlackStandIn, SlackSender]) -> None:
    api, sender = slack
    api.time_zones["U81"] = "Asia/Tokyo"
    assert await sender.time_zone("slack:T0TEST:U81") == "Asia/Tokyo"
    assert await sender.time_zone("slack:T0TEST:U81") == "Asia/Tokyo"
    assert await sender.time_zone("slack:T0TEST:U82") is None
    assert len(api.called("users.info")) == 2


async def test_slack_network_fault_is_a_failure_not_an_error() -> None:
    nobody_listens = "http://127.0.0.1:9/api/"  # the discard port: the connection is refused
    sender = SlackSender(slack_sender.client(SLACK_TOKEN, nobody_listens), Q)
    outcome = await sender.send("slack:T0TEST:U83", EXTENDED)
    assert outcome.delivery is Delivery.FAILED and "ClientConnectorError" in outcome.reason


class TimingOut:
    """A bot whose requests time out: Telegram may have delivered the message, or not."""

    async def send_message(self, *args: object, **kwargs: object) -> None:
        raise TimedOut()


async def test_telegram_timeout_counts_as_sent_and_is_never_tried_again() -> None:
    sender = TelegramSender(TimingOut(), Q)  # type: ignore[arg-type]
    outcome = await sender.send("telegram:506", EXTENDED)
    assert outcome.delivery is Delivery.SENT and "delivery unknown" in outcome.reason
    claim = Entry("telegram:506", "before_closing:7d", T0, CLAIMED)
    record = history([claim, Entry("telegram:506", "before_closing:7d", T0, outcome.delivery, outcome.reason)])
    assert record["telegram:506"].done("before_closing:7d")  # a reminder that may have arrived is not sent twice


async def test_slack_timeout_counts_as_sent_not_as_a_failure(slack: tuple[SlackStandIn, SlackSender]) -> None:
    api, _ = slack
    api.slow_down("chat.postMessage", 2)
    impatient = AsyncWebClient(SLACK_TOKEN, base_url=api.url, timeout=1)
    outcome = await SlackSender(impatient, Q).send("slack:T0TEST:U84", EXTENDED)
    assert outcome == Outcome(Delivery.SENT, slack_sender.UNKNOWN)  # Slack may have posted it: never twice
    api.slow_down("chat.postMessage", 0)


async def test_the_bots_limiter_lets_replies_go_at_once_until_28_went_in_a_second_and_never_more() -> None:
    limiter = rate_limiter()
    await limiter.initialize()
    sent: list[float] = []

    async def send(*_: object, **__: object) -> bool:
        sent.append(time.monotonic())
        return True

    started = time.monotonic()
    await asyncio.gather(*(limiter.process_request(send, (), {}, "sendMessage", {"chat_id": n}, None)
                           for n in range(70)))
    sent.sort()
    assert sent[27] - started < 0.05, "28 replies at once: none waits"
    assert sent[28] - started >= 0.99, "the 29th waits until the first is a second old"
    assert max(sum(1 for t in sent if first <= t < first + 1.0) for first in sent) <= 28
    await limiter.shutdown()


async def test_after_a_429_nothing_goes_to_a_chat_until_its_pause_is_over_and_then_never_more_than_28_a_second(
) -> None:
    limiter = rate_limiter()
    sent: list[float] = []
    refused: list[float] = []

    async def send(*_: object, **__: object) -> bool:
        if not refused:
            refused.append(time.monotonic())
            raise RetryAfter(1)  # Telegram's 429: wait one second
        sent.append(time.monotonic())
        return True

    async def reply_later(n: int) -> None:
        await asyncio.sleep(n * 0.02)  # replies arriving steadily, 50 a second, during the pause too
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": n}, None)

    await asyncio.gather(*(reply_later(n) for n in range(100)))
    assert len(sent) == 100, "every reply went, the refused one too, once the pause was over"
    assert min(sent) >= refused[0] + 1.0 - 0.01, "nothing went during the pause"
    assert max(sum(1 for t in sent if first <= t < first + 1.0) for first in sent) <= 28
