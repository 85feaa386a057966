"""Reminders to many unfinished respondents through the Bot API stand-in, while others are being answered.

    python -m bench.reminders --respondents 10000 --talkers 5 --json

A TinyDB database is filled with `--respondents` people who began five days ago and stopped; the
questionnaire closes in three days with a reminder 7 days before closing, so every one of them is due one.
The real Telegram front end (PTB, its AIORateLimiter, the one-at-a-time poller) runs against the Bot API
stand-in on 127.0.0.1 with the real reminder loop beside it, as `consult run` runs them. Meanwhile
`--talkers` other people each send 'status' and wait for the answer, once a second; the time from their
message to the bot's first answer is recorded, first for `--baseline` seconds without reminders, then
during the reminders. Every sendMessage the stand-in receives is timestamped: the busiest one-second
window says whether Telegram's limits (30 a second overall, 1 a second per chat) were kept.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bots import bootstrap
from bots.config import Settings, SlackSettings, TelegramSettings
from bots.telegram.app import TelegramFrontEnd
from bots.telegram.sender import SENDS_PER_SECOND, TelegramSender
from core.inputs import Start
from core.reminders.loop import ReminderLoop
from core.service import ConsultService
from questionnaire.loader import bundled_path
from tests.support.telegram_api import BotApiStandIn, Call

TOKEN = "123456:BENCH-TOKEN"
REMINDER = "A reminder: your answers"
FIRST_TALKER = 9_000_000


def questionnaire(folder: Path, now: datetime) -> Path:
    """The bundled WGEC 2013 questionnaire, closing in 3 days, a reminder 7 days before, at any hour."""
    head = f"closes = {(now + timedelta(days=3)):%Y-%m-%dT%H:%M:%SZ}\nreminder_hours = [0, 24]\n"
    path = folder / "q.toml"
    path.write_text(head + bundled_path().read_text() + '\n[[reminders]]\nbefore_closing = "7d"\n')
    return path


async def fill(settings: Settings, respondents: int, now: datetime) -> None:
    app = bootstrap.build(settings)
    service = ConsultService(app.questionnaire, app.repository, lambda: now - timedelta(days=5))
    for n in range(respondents):
        await service.handle(f"telegram:{1000 + n}", "telegram", Start())
    await app.repository.close()


async def talk(api: BotApiStandIn, talker: int, until: asyncio.Event, latencies: list[float]) -> None:
    """Send 'status' once a second; note the time to the bot's first answer."""
    user = api.user(talker)

    def answered(call: Call) -> bool:
        return call.method == "sendMessage" and call.chat_id == talker

    while not until.is_set():
        mark = api.mark()
        began = time.monotonic()
        await user.say("status")
        await api.wait_for(answered, timeout=60, since=mark)
        latencies.append(time.monotonic() - began)
        await asyncio.sleep(1.0)


async def talking(api: BotApiStandIn, talkers: int, until: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    await asyncio.gather(*(talk(api, FIRST_TALKER + n, until, latencies) for n in range(talkers)))
    return latencies


def busiest_second(calls: list[Call]) -> int:
    """The most calls in any window of one second."""
    times, most, start = sorted(c.at for c in calls), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def closest_in_one_chat(calls: list[Call]) -> float | None:
    """The shortest time between two messages to one chat."""
    by_chat: dict[Any, list[float]] = defaultdict(list)
    for call in calls:
        by_chat[call.chat_id].append(call.at)
    gaps = [b - a for times in by_chat.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    return min(gaps) if gaps else None


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else float("nan")


async def run(respondents: int, talkers: int, baseline: float, per_second: float) -> dict[str, Any]:
    now = datetime.now(UTC)
    Path(".bench-tmp").mkdir(exist_ok=True)  # beside the code, on the same disk; ignored by git
    with tempfile.TemporaryDirectory(prefix="reminders-", dir=".bench-tmp") as folder:
        async with BotApiStandIn(TOKEN) as api:
            telegram = TelegramSettings(_env_file=None, bot_token=SecretStr(TOKEN), api_base_url=f"{api.url}/bot")
            settings = Settings(_env_file=None, db=Path(folder) / "consult.json",
                                questionnaire=questionnaire(Path(folder), now), telegram=telegram,
                                slack=SlackSettings(_env_file=None))
            began = time.monotonic()
            await fill(settings, respondents, now)
            filled = time.monotonic() - began
            app = bootstrap.build(settings)
            bot = TelegramFrontEnd(app, settings.telegram)
            await bot.start_polling(timeout=1)
            try:
                stop = asyncio.Event()
                quiet_task = asyncio.create_task(talking(api, talkers, stop))
                await asyncio.sleep(baseline)
                stop.set()
                quiet = await quiet_task

                mark = api.mark()
                stop = asyncio.Event()
                busy_task = asyncio.create_task(talking(api, talkers, stop))
                sender = TelegramSender(bot.application.bot, app.questionnaire, per_second=per_second)
                loop = ReminderLoop(app.repository, app.send_log, sender, app.service.questionnaire_for,
                                    clock=app.service.now)
                sending_began = time.monotonic()
                sent = await loop.round()
                sending = time.monotonic() - sending_began
                stop.set()
                busy = await busy_task
            finally:
                await bot.stop()
                await app.repository.close()
        calls = [c for c in api.calls[mark:] if c.method == "sendMessage"]
        reminders = [c for c in calls if c.chat_id < FIRST_TALKER]
    return {
        "respondents": respondents, "talkers": talkers, "reminder_budget_per_second": per_second,
        "fill_seconds": round(filled, 1),
        "reminders_sent": sum(1 for *_, outcome in sent if outcome.delivery == "sent"),
        "outcomes": Counter(f"{outcome.delivery} {outcome.reason}".strip() for *_, outcome in sent),
        "not_tried": respondents - len(sent),
        "reminder_messages": len(reminders), "sending_seconds": round(sending, 1),
        "reminder_messages_per_second_mean": round(len(reminders) / sending, 2),
        "busiest_second_all_messages": busiest_second(calls),
        "busiest_second_reminder_messages": busiest_second(reminders),
        "closest_two_messages_one_chat_seconds": closest_in_one_chat(reminders),
        "reply_p99_ms_without_reminders": round(p99(quiet) * 1000, 1), "replies_without": len(quiet),
        "reply_p99_ms_during_reminders": round(p99(busy) * 1000, 1), "replies_during": len(busy),
        "reply_median_ms_without": round(statistics.median(quiet) * 1000, 1),
        "reply_median_ms_during": round(statistics.median(busy) * 1000, 1),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--talkers", type=int, default=5)
    parser.add_argument("--baseline", type=float, default=60.0, help="seconds of replies measured without reminders")
    parser.add_argument("--per-second", type=float, default=SENDS_PER_SECOND,
                        help="the reminders' share of Telegram's 30 messages a second")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.respondents, args.talkers, args.baseline, args.per_second))
    print(json.dumps(result, indent=2) if args.json else result)


if __name__ == "__main__":
    main()
