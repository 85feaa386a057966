"""Announcements: one message from the secretariat to everyone, the unfinished, or the submitted; with a report.

Each send is claimed in the send log before it goes (as reminders are), and whoever blocked the bot is
passed by. The preview counts who would get it and who cannot be reached from here (terminal respondents).
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.i18n import N_, Translator, translator
from core.outbound import Delivery, Outcome, Sender
from core.reminders.log import ANNOUNCEMENT, CLAIMED, Entry, SendLog, history
from core.reply import Reply
from core.session import Session, Status

log = logging.getLogger(__name__)

# Translators: said to the secretariat; keep 'announce' and the audiences (everyone, unfinished, submitted) as typed.
EMPTY = N_("An announcement needs a text. For example: announce unfinished The deadline is extended to "
           "31 August.")
USAGE = N_("Send 'announce', then who gets it (everyone, unfinished or submitted), then the text. For example: "
           "announce everyone The deadline is extended to 31 August.")


class Audience(StrEnum):
    """Who gets an announcement (never those who withdrew: they asked for their answers to be deleted)."""

    EVERYONE = "everyone"
    UNFINISHED = "unfinished"
    SUBMITTED = "submitted"


class AnnouncementError(ValueError):
    """An announcement that cannot be sent as asked; the message says why."""


@dataclass(frozen=True)
class Announcement:
    """What the secretariat asked to send."""

    audience: Audience
    text: str


@dataclass
class Report:
    """What became of an announcement: counts by delivery, and the platforms' reasons for failures."""

    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)

    def text(self, t: Translator | None = None) -> str:
        """The delivery report in one sentence, then the reasons for what failed."""
        t = t or translator(None)
        line = t.gettext("Sent: {sent}. Blocked (they blocked the bot or left): {blocked}. Failed: {failed}. "
                         "Not reachable from here: {unreachable}.").format(
            sent=self.counts[Delivery.SENT], blocked=self.counts[Delivery.BLOCKED],
            failed=self.counts[Delivery.FAILED], unreachable=self.counts[Delivery.UNREACHABLE])
        return "\n".join([line, *(f"{reason}: {n}" for reason, n in self.reasons.most_common(5))])


def parse(words: str) -> Announcement:
    """'unfinished The deadline is extended ...' -> the audience and the text; AnnouncementError if either is wrong."""
    first, _, rest = words.strip().partition(" ")
    try:
        audience = Audience(first.casefold())
    except ValueError:
        raise AnnouncementError(EMPTY if not first else USAGE) from None
    if not rest.strip():
        raise AnnouncementError(EMPTY)
    return Announcement(audience, rest.strip())


def is_for(session: Session, audience: Audience) -> bool:
    """True when the respondent is in the audience."""
    if session.status in (Status.NEW, Status.WITHDRAWN):
        return False
    if audience is Audience.SUBMITTED:
        return bool(session.submissions)
    if audience is Audience.UNFINISHED:
        return not session.submissions
    return True


async def recipients(sessions: AsyncIterator[Session], audience: Audience) -> list[str]:
    """The respondent ids in the audience, in order."""
    return sorted([s.respondent_id async for s in sessions if is_for(s, audience)])


def preview(announcement: Announcement, who: list[str], sender: Sender, t: Translator | None = None) -> str:
    """What will happen if confirmed: how many get it, by front end, and the text itself."""
    t = t or translator(None)
    reachable = [r for r in who if sender.reaches(r)]
    by_channel = Counter(r.split(":", 1)[0] for r in reachable)
    channels = ", ".join(f"{name} {n}" for name, n in sorted(by_channel.items())) or t.gettext("nobody")
    # Translators: {audience} is everyone, unfinished or submitted (as typed); {channels} e.g. "slack 3, telegram 5".
    lines = [t.ngettext("This goes to {count} respondent ({audience}): {channels}.",
                        "This goes to {count} respondents ({audience}): {channels}.", len(reachable))
             .format(count=len(reachable), audience=announcement.audience.value, channels=channels)]
    if len(reachable) < len(who):
        lines.append(t.ngettext("{count} more cannot be reached from here (the terminal has no chat).",
                                "{count} more cannot be reached from here (the terminal has no chat).",
                                len(who) - len(reachable)).format(count=len(who) - len(reachable)))
    return "\n".join([*lines, "", announcement.text])


async def send(announcement: Announcement, who: list[str], sender: Sender, send_log: SendLog,
               now: datetime) -> Report:
    """Send to each respondent (a claim stored before each message), passing by those who blocked the bot."""
    rule = f"{ANNOUNCEMENT}{now:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    records = history(await send_log.entries())
    report, reply = Report(), Reply(messages=[announcement.text], ask=False, status=Status.IN_PROGRESS)
    for respondent_id in who:
        record = records.get(respondent_id)
        if record is not None and record.blocked:
            report.counts[Delivery.BLOCKED] += 1
            continue
        if not sender.reaches(respondent_id):
            report.counts[Delivery.UNREACHABLE] += 1
            continue
        await send_log.add(Entry(respondent_id, rule, now, CLAIMED))
        outcome = await _send_one(sender, respondent_id, reply)
        await send_log.add(Entry(respondent_id, rule, now, outcome.delivery, outcome.reason))
        report.counts[outcome.delivery] += 1
        if outcome.delivery is Delivery.FAILED:
            report.reasons[outcome.reason] += 1
    return report


async def deliver(announcement: Announcement, sessions: AsyncIterator[Session], sender: Sender, send_log: SendLog,
                  now: datetime, t: Translator | None = None) -> str:
    """Send to the audience; the report, or if sending stopped, what to tell the admin instead."""
    try:
        who = await recipients(sessions, announcement.audience)
        report = await send(announcement, who, sender, send_log, now)
    except Exception as exc:  # the admin must hear of it: in a bot's task, the error would go unseen
        log.exception("announcement stopped")
        return (t or translator(None)).gettext(STOPPED).format(reason=type(exc).__name__)
    return report.text(t)


async def _send_one(sender: Sender, respondent_id: str, reply: Reply) -> Outcome:
    """The sender's outcome; a fault it did not turn into one fails this respondent only, not the others."""
    try:
        return await sender.send(respondent_id, reply)
    except Exception as exc:  # one respondent's fault must not stop the announcement
        log.warning("announcement to %s failed", respondent_id, exc_info=True)
        return Outcome(Delivery.FAILED, type(exc).__name__)


CONFIRM = N_("Send 'announce yes' to send it, or 'announce no' to drop it.")
NOTHING_WAITING = N_("No announcement is waiting to be sent. Send 'announce', who gets it, then the text.")
DROPPED = N_("The announcement was dropped; nothing was sent.")
SENDING = N_("Sending. The delivery report follows when every message is sent.")
# Translators: {reason} is a technical name of the error (not translated).
STOPPED = N_("The announcement stopped before the end ({reason}). Some respondents may have got it. "
             "The server's log says more.")


class Drafts:
    """Announcements previewed in a chat and waiting for 'announce yes', one per admin (in memory only)."""

    def __init__(self) -> None:
        self._waiting: dict[str, Announcement] = {}

    async def preview(self, admin: str, words: str, sessions: AsyncIterator[Session], sender: Sender,
                      t: Translator | None = None) -> str:
        """Read the request, keep it for the admin's confirmation, and say what would happen."""
        t = t or translator(None)
        try:
            announcement = parse(words)
        except AnnouncementError as exc:
            return t.gettext(str(exc))  # its message is one of the catalogue's
        self._waiting[admin] = announcement
        shown = preview(announcement, await recipients(sessions, announcement.audience), sender, t)
        return shown + "\n\n" + t.gettext(CONFIRM)

    def take(self, admin: str) -> Announcement | None:
        """The admin's waiting announcement, no longer waiting."""
        return self._waiting.pop(admin, None)
