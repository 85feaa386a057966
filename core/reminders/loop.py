"""The loop beside the service that sends reminders: every few minutes, who is due what, then send it.

It runs in the bot process, only in the one that holds the run-once lock (core.leadership), with the
clock and the sender as parameters, so that a simulated clock drives it in tests. Each send is claimed in
the log before the message goes (core.reminders.log): a restart never sends a reminder twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from core.i18n import translator
from core.outbound import Delivery, Outcome, Sender
from core.ports import Repository
from core.reminders import planning, text
from core.reminders.log import CLAIMED, Entry, Record, SendLog, history, record_of
from core.session import Session
from core.turn import Translations
from questionnaire.model import Questionnaire

log = logging.getLogger("consult")

EVERY_SECONDS = 300.0  # between two rounds
AT_ONCE = 20  # sends in flight together (each to another chat; the senders keep the platforms' limits)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]
QuestionnaireFor = Callable[[Session], Questionnaire]  # the questionnaire as it applies to one respondent
TimeZone = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class Preview:
    """One reminder due now, as `consult remind --dry-run` and /remind list it."""

    respondent_id: str
    rule: str
    text: str
    waits_for_morning: bool


async def due_now(repository: Repository, records: dict[str, Record], q_for: QuestionnaireFor, now: datetime,
                  reaches: Callable[[str], bool] = lambda _: True) -> list[tuple[Session, planning.Due]]:
    """Every respondent due a reminder now, with their session (reading sessions one at a time)."""
    found = []
    async for session in repository.each():
        rule = planning.due(q_for(session), session, record_of(records, session), now)
        if rule is not None and reaches(session.respondent_id):
            found.append((session, planning.Due(session.respondent_id, rule)))
    return sorted(found, key=lambda pair: pair[0].respondent_id)


async def preview(repository: Repository, send_log: SendLog, q_for: QuestionnaireFor, now: datetime,
                  zone: TimeZone | None = None, reaches: Callable[[str], bool] = lambda _: True) -> list[Preview]:
    """Who would get what now (nothing is sent or stored); only those `reaches` says a sender can reach."""
    out = []
    for session, item in await due_now(repository, history(await send_log.entries()), q_for, now, reaches):
        zone_name = await zone(item.respondent_id) if zone is not None else None
        said = text.sentences(q_for(session), session, now)
        awake = planning.awake(q_for(session), now, zone_name)
        out.append(Preview(item.respondent_id, item.rule.key, said, not awake))
    return out


class ReminderLoop:
    """Rounds of reminders until stopped (a core.leadership.Work)."""

    def __init__(self, repository: Repository, send_log: SendLog, sender: Sender, q_for: QuestionnaireFor, *,
                 clock: Clock, sleep: Sleep = asyncio.sleep, every: float = EVERY_SECONDS,
                 zone: TimeZone | None = None, refresh: Callable[[], Awaitable[object]] | None = None,
                 translations: Translations = translator) -> None:
        self.repository, self.send_log, self.sender, self.q_for = repository, send_log, sender, q_for
        self.translations = translations  # each respondent is reminded in their language
        self._refresh = refresh  # reads the run-time window again before each round
        self._clock, self._sleep, self._every, self._zone = clock, sleep, every, zone
        self._stopping = asyncio.Event()

    async def run(self) -> None:
        """A round now, then one every `every` seconds, until `stop()`."""
        while not self._stopping.is_set():
            try:
                await self.round()
            except Exception as error:  # a database fault: try again next round; never crash the bot
                log.error("reminders: this round stopped: %s", type(error).__name__)
            await self._pause()

    def stop(self) -> None:
        """No new sends; the one in hand finishes."""
        self._stopping.set()

    async def round(self) -> list[tuple[str, str, Outcome]]:
        """Send every reminder due now; (respondent, rule, outcome) of each."""
        if self._refresh is not None:
            await self._refresh()
        now = self._clock()
        records = history(await self.send_log.entries())
        due = await due_now(self.repository, records, self.q_for, now, self.sender.reaches)
        slots = asyncio.Semaphore(AT_ONCE)
        sending: list[asyncio.Task[tuple[str, str, Outcome] | None]] = []
        for session, item in due:
            if self._stopping.is_set():
                break
            await slots.acquire()
            sending.append(asyncio.create_task(self._one(item, record_of(records, session), now, slots)))
        results: list[tuple[str, str, Outcome]] = []
        for result in await asyncio.gather(*sending, return_exceptions=True):
            if isinstance(result, BaseException):  # e.g. the database, for one respondent: the others still count
                log.error("reminders: one send stopped: %s", type(result).__name__)
            elif result is not None:
                results.append(result)
        if results:
            log.info("reminders: %d sent this round", sum(r[2].delivery is Delivery.SENT for r in results))
        return results

    async def _one(self, item: planning.Due, record: Record | None, now: datetime,
                   slots: asyncio.Semaphore) -> tuple[str, str, Outcome] | None:
        try:
            session = await self.repository.get(item.respondent_id)  # fresh: they may have submitted meanwhile
            if session is None or not await self._still_due(session, item, record, now):
                return None
            rule = item.rule.key
            await self.send_log.add(Entry(item.respondent_id, rule, now, CLAIMED))  # before the message goes
            said = text.reminder(self.q_for(session), session, now, self.translations)
            outcome = await self.sender.send(item.respondent_id, said)
            await self.send_log.add(Entry(item.respondent_id, rule, self._clock(), outcome.delivery, outcome.reason))
            return item.respondent_id, rule, outcome
        finally:
            slots.release()

    async def _still_due(self, session: Session, item: planning.Due, record: Record | None, now: datetime) -> bool:
        rule = planning.due(self.q_for(session), session, record, now)
        if rule is None or rule.key != item.rule.key:
            return False
        zone = await self._zone(item.respondent_id) if self._zone is not None else None
        return planning.awake(self.q_for(session), self._clock(), zone)  # a long round may reach the night

    async def _pause(self) -> None:
        """Sleep `every` seconds (on the clock given), less if stopped meanwhile."""
        sleeping = asyncio.ensure_future(self._sleep(self._every))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait([sleeping, stopping], return_when=asyncio.FIRST_COMPLETED)
        for waiting in (sleeping, stopping):
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
