"""Who is due which reminder now. Pure: sessions, the log's records and the time in; decisions out.

A dated rule (before closing, or on a day) reaches those who had not submitted and had been quiet since
before it fell; when several have fallen, only the latest counts (a missed earlier one is not sent late).
An after_stopped rule reaches someone that long after their last answer. Never: the submitted, the
withdrawn, those who sent 'stop reminders', those who blocked the bot; never more than the cap, never two
within MIN_GAP, never while the consultation is closed, and never at night where they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.reminders.log import Record
from core.session import Session, Status
from core.windows import is_open
from questionnaire.model import Questionnaire
from questionnaire.reminders import ReminderRule, duration

MIN_GAP = timedelta(hours=20)  # between two reminders to one person


@dataclass(frozen=True)
class Due:
    """One reminder to send now."""

    respondent_id: str
    rule: ReminderRule


def due(q: Questionnaire, session: Session, record: Record | None, now: datetime) -> ReminderRule | None:
    """The reminder this respondent is due now, if any (q is the questionnaire as it applies to them)."""
    record = record or Record()
    if not _may_remind(q, session, record, now):
        return None
    dated = _latest_dated(q, now)
    quiet_since = session.updated_at or session.started_at
    if dated is not None and not record.done(dated.key) and quiet_since is not None:
        moment = dated.moment(q.closes)
        if moment is not None and quiet_since < moment:
            return dated
    for rule in q.reminders:
        if rule.after_stopped is not None and not record.done(rule.key) and quiet_since is not None \
                and now - quiet_since >= duration(rule.after_stopped):
            return rule
    return None


def _may_remind(q: Questionnaire, session: Session, record: Record, now: datetime) -> bool:
    unfinished = session.status is Status.IN_PROGRESS and not session.submissions
    recent = record.last_reminder is not None and now - record.last_reminder < MIN_GAP
    return (unfinished and not session.reminders_off and not record.blocked and not recent
            and record.reminders < q.max_reminders and is_open(q, now))


def _latest_dated(q: Questionnaire, now: datetime) -> ReminderRule | None:
    """Of the dated rules that have fallen by now, the latest."""
    fallen = [(moment, rule) for rule in q.reminders if (moment := rule.moment(q.closes)) is not None and moment <= now]
    return max(fallen, key=lambda pair: pair[0])[1] if fallen else None


def awake(q: Questionnaire, now: datetime, zone: str | None) -> bool:
    """True in q.reminder_hours where the respondent is (their zone as the platform says), else in UTC."""
    try:
        local = now.astimezone(ZoneInfo(zone)) if zone else now.astimezone(ZoneInfo("UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        local = now.astimezone(ZoneInfo("UTC"))
    first, last = q.reminder_hours
    return first <= local.hour < last
