"""Reminders through a whole consultation, on a simulated clock: exactly who gets what, and when.

The real service and engine take the respondents' inputs; the reminder loop runs with the same clock
and a fake sender that records each message (and answers 'blocked' for someone who blocked the bot).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.outbound import Delivery, Outcome
from core.reminders import planning, text
from core.reminders.log import CLAIMED, Entry, history, record_of
from core.reminders.loop import ReminderLoop, preview
from core.reply import Reply
from core.resume.moving import move
from core.service import ConsultService
from core.session import Session, Status
from questionnaire.loader import parse
from storage.memory import MemoryRepository
from storage.send_log import MemorySendLog
from tests.support.chat import SMALL, Clock, Respondent

T0 = datetime(2013, 6, 3, 9, 0, tzinfo=UTC)
END = datetime(2013, 9, 3, 0, 0, tzinfo=UTC)
DATES = """
opens = 2013-06-01T00:00:00Z
closes = 2013-08-31T23:59:00Z
max_reminders = 3
"""
RULES = """
[[reminders]]
before_closing = "7d"
[[reminders]]
before_closing = "1d"
[[reminders]]
after_stopped = "3d"
"""
HEAD, ITEMS = SMALL.split("[[items]]", 1)
Q = parse(HEAD + DATES + "[[items]]" + ITEMS + RULES)


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2013, month, day, hour, 0, tzinfo=UTC)


class FakeSender:
    """Records what would reach each respondent; some have blocked the bot; some are in Tokyo."""

    def __init__(self, clock: Clock, blocked: set[str], zones: dict[str, str]) -> None:
        self.clock, self.blocked, self.zones = clock, blocked, zones
        self.sent: list[tuple[datetime, str, Reply]] = []

    def reaches(self, respondent_id: str) -> bool:
        return not respondent_id.startswith("console:")

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        if respondent_id in self.blocked:
            return Outcome(Delivery.BLOCKED, "Forbidden: bot was blocked by the user")
        self.sent.append((self.clock.now, respondent_id, reply))
        return Outcome(Delivery.SENT)

    async def time_zone(self, respondent_id: str) -> str | None:
        return self.zones.get(respondent_id)


Script = dict[datetime, Callable[[], Awaitable[object]]]


async def run_consultation(service: ConsultService, clock: Clock, sender: FakeSender, log: MemorySendLog,
                           script: Script) -> None:
    """The loop, a round an hour from T0 to END; the script's inputs happen at their hour."""
    loop: ReminderLoop

    async def an_hour_passes(seconds: float) -> None:
        clock.advance(seconds=seconds)
        if (action := script.get(clock.now)) is not None:
            await action()
        if clock.now >= END:
            loop.stop()

    loop = ReminderLoop(service.repository, log, sender, lambda _: Q, clock=clock, sleep=an_hour_passes,
                        every=3600, zone=sender.time_zone)
    await asyncio.wait_for(loop.run(), 60)


async def test_a_whole_consultation_reminds_exactly_whom_and_when() -> None:
    clock = Clock(T0)
    service = ConsultService(Q, MemoryRepository(), clock)
    people = {name: Respondent(service, name, "telegram") for name in ("ana", "ben", "cem", "dan", "eve", "hal")}
    people["iko"] = Respondent(service, "T1:U1", "slack")
    people["gus"] = Respondent(service, "gus", "console")
    for person in people.values():
        await person.says("start", "yes")  # each begins and answers the consent question, then stops
    await people["ben"].says("Ben", "skip", "ben@example.org", "1", "1", "done", "Motto", "More.", "done", "skip",
                             "submit", "submit")
    assert (await people["ben"].session()).status is Status.SUBMITTED
    await people["cem"].says("withdraw", "yes")
    await people["dan"].say("stop reminders")
    await people["hal"].says("stop reminders", "Start  Reminders")
    fay = Respondent(service, "fay", "telegram")
    sender = FakeSender(clock, blocked={"telegram:eve"}, zones={"slack:T1:U1": "Asia/Tokyo"})
    log = MemorySendLog()

    await run_consultation(service, clock, sender, log, {at(8, 29, 10): lambda: fay.says("start", "yes")})

    got = [(when, who, reply.text.split(".")[0]) for when, who, reply in sender.sent]
    # ana and hal: 3 days after stopping, then 7 days and 1 day before closing, at 08:00 UTC (closing is
    # at 23:59, night in UTC); iko is in Tokyo, where 00:00 UTC is 09:00; fay started after the 7-day mark.
    expected = []
    for who in ("telegram:ana", "telegram:hal", "slack:T1:U1"):
        expected.append((at(6, 6, 9), who))
    for day in (25, 31):
        expected += [(at(8, day, 0), "slack:T1:U1")]
        expected += [(at(8, day, 8), who) for who in ("telegram:ana", "telegram:fay", "telegram:hal")
                     if (day, who) != (25, "telegram:fay")]
    assert sorted((when, who) for when, who, _ in got) == sorted(expected)
    assert all(said == 'A reminder: your answers to "Small test" are not submitted yet' for _, _, said in got)

    records = history(await log.entries())
    assert records["telegram:eve"].blocked and records["telegram:eve"].states == {"after_stopped:3d": "blocked"}
    assert not {"telegram:ben", "telegram:cem", "telegram:dan", "console:gus"} & set(records)
    assert all(record.reminders <= Q.max_reminders for record in records.values())


async def test_the_reminder_says_where_they_stopped_and_the_days_left_and_shows_the_question() -> None:
    clock = Clock(at(8, 20, 10))
    service = ConsultService(Q, MemoryRepository(), clock)
    ana = Respondent(service, "ana", "telegram")
    await ana.says("start", "yes", "Ana", "skip")
    sender = FakeSender(clock, set(), {})
    clock.advance(days=4, hours=22)  # 25 August, 08:00: past the 7-day mark, and ana quiet since the 20th
    sent = await ReminderLoop(service.repository, MemorySendLog(), sender, lambda _: Q, clock=clock).round()
    assert [(who, rule, outcome.delivery) for who, rule, outcome in sent] == [
        ("telegram:ana", "before_closing:7d", Delivery.SENT)]
    reply = sender.sent[0][2]
    assert reply.ask and reply.prompt is not None and reply.prompt.text.split("\n\n") == [
        'A reminder: your answers to "Small test" are not submitted yet. You stopped at question 2 of 7. '
        "The consultation closes on 31 August 2013, 23:59 UTC, in 6 days. "
        "Answer below to go on where you stopped, or send 'stop reminders' to get no more reminders.",
        "Question 2 of 7\nYour contact details\nE-mail (3 of 3)"]
    assert reply.prompt.item_id == "contact" and reply.prompt.field == 2  # answering it goes on from there


async def test_a_claim_without_outcome_counts_as_sent_so_a_restart_never_sends_twice() -> None:
    clock = Clock(at(6, 10, 10))
    service = ConsultService(Q, MemoryRepository(), clock)
    await Respondent(service, "ana", "telegram").says("start", "yes")
    clock.advance(days=4)
    log = MemorySendLog()
    # The process died after claiming, before the outcome: the message may have gone.
    await log.add(Entry("telegram:ana", "after_stopped:3d", clock.now, CLAIMED))
    sender = FakeSender(clock, set(), {})
    assert await ReminderLoop(service.repository, log, sender, lambda _: Q, clock=clock).round() == []
    assert sender.sent == []


async def test_a_failed_send_is_tried_again_next_round_but_not_for_ever() -> None:
    clock = Clock(at(6, 10, 10))
    service = ConsultService(Q, MemoryRepository(), clock)
    await Respondent(service, "ana", "telegram").says("start", "yes")
    clock.advance(days=4)

    class Failing(FakeSender):
        async def send(self, respondent_id: str, reply: Reply) -> Outcome:
            return Outcome(Delivery.FAILED, "network")

    log = MemorySendLog()
    loop = ReminderLoop(service.repository, log, Failing(clock, set(), {}), lambda _: Q, clock=clock)
    tries = [len(await loop.round()) for _ in range(5)]
    assert tries == [1, 1, 1, 0, 0]


async def test_dry_run_preview_lists_who_would_get_what_and_sends_nothing() -> None:
    clock = Clock(at(6, 10, 2))  # 02:00 UTC: night where the zone is unknown
    service = ConsultService(Q, MemoryRepository(), clock)
    await Respondent(service, "ana", "telegram").says("start", "yes")
    clock.advance(days=4)
    log = MemorySendLog()
    shown = await preview(service.repository, log, lambda _: Q, clock.now)
    assert [(p.respondent_id, p.rule, p.waits_for_morning) for p in shown] == [
        ("telegram:ana", "after_stopped:3d", True)]
    assert await log.entries() == []
    assert shown[0].text.startswith("A reminder: your answers")


async def test_stop_and_start_reminders_in_the_conversation() -> None:
    service = ConsultService(Q, MemoryRepository(), Clock(T0))
    ana = Respondent(service, "ana", "telegram")
    await ana.say("start")
    reply = await ana.say("stop reminders")
    assert reply.messages == ["You will get no more reminders. Send 'start reminders' if you want them again."]
    assert (await ana.session()).reminders_off
    reply = await ana.say("/start reminders")
    assert "You will get reminders again" in reply.messages[0]
    assert not (await ana.session()).reminders_off
    assert (await ana.session()).cursor == "consent"  # the question on screen is unchanged


@pytest.mark.parametrize(("closes", "now", "says"), [
    (datetime(2013, 8, 31, 23, 59, tzinfo=timezone(timedelta(hours=2))), at(8, 25, 9),
     "The consultation closes on 31 August 2013, 21:59 UTC, in 6 days."),  # the time in UTC, as it says
    (at(8, 31, 8), at(8, 30, 9), "The consultation closes on 31 August 2013, 08:00 UTC, in 1 day."),  # not today
    (at(8, 31, 20), at(8, 31, 9), "The consultation closes today, 31 August 2013, 20:00 UTC."),
])
def test_a_reminder_says_the_closing_time_in_utc_and_today_only_on_that_day(
        closes: datetime, now: datetime, says: str) -> None:
    q = Q.model_copy(update={"closes": closes})
    session = Session(respondent_id="telegram:1", channel="telegram", status=Status.IN_PROGRESS, cursor="consent")
    assert says in text.sentences(q, session, now)


async def test_a_response_moved_to_another_app_keeps_its_reminder_history() -> None:
    clock = Clock(at(6, 10, 10))
    service = ConsultService(Q, MemoryRepository(), clock)
    await Respondent(service, "ana", "telegram").says("start", "yes")
    clock.advance(days=4)
    reminded = [Entry("telegram:ana", "after_stopped:3d", clock.now, CLAIMED),
                Entry("telegram:ana", "after_stopped:3d", clock.now, "sent")]
    source = await service.session("telegram:ana")
    assert source is not None
    moved = move(Q, source, None, "slack:T1:U1", "slack", clock.now, None, told=True)
    assert not isinstance(moved, str)
    clock.advance(days=4)  # the same rule would be due again under the new id
    assert planning.due(Q, moved.target, record_of(history(reminded), moved.target), clock.now) is None


async def test_stop_reminders_is_kept_through_a_withdrawal_and_a_new_start() -> None:
    service = ConsultService(Q, MemoryRepository(), Clock(T0))
    ana = Respondent(service, "ana", "telegram")
    await ana.says("start", "stop reminders", "withdraw", "yes")
    await ana.say("start")
    assert (await ana.session()).reminders_off  # withdrawing answers is not asking for reminders again




async def test_slack_reminders_wait_for_working_hours_in_the_zone_users_info_gives() -> None:
    from bots.slack import sender as slack_sender
    from tests.support.slack_api import SlackStandIn, dm_of

    api = SlackStandIn("xoxb-test")
    await api.start()
    try:
        api.time_zones["U1"] = "Asia/Tokyo"  # U2's zone is unknown: UTC working hours
        clock = Clock(at(6, 10, 10))
        service = ConsultService(Q, MemoryRepository(), clock)
        for user in ("U1", "U2"):
            await Respondent(service, f"T1:{user}", "slack").says("start", "yes")
        clock.now = at(6, 14, 0)  # 00:00 UTC: 09:00 in Tokyo
        real = slack_sender.SlackSender(slack_sender.client("xoxb-test", api.url), Q)
        loop = ReminderLoop(service.repository, MemorySendLog(), real, lambda _: Q, clock=clock, zone=real.time_zone)
        assert [who for who, *_ in await loop.round()] == ["slack:T1:U1"]
        assert "A reminder: your answers" in api.in_channel(dm_of("U1"))[0].shown()
        assert api.in_channel(dm_of("U2")) == []
        clock.now = at(6, 14, 8)  # 08:00 UTC
        assert [who for who, *_ in await loop.round()] == ["slack:T1:U2"]
    finally:
        await api.stop()
