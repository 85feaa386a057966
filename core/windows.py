"""When the consultation accepts answers, and invitation codes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from questionnaire.model import Questionnaire

# Telegram's deep-link rule (1-64 of A-Za-z0-9_-), a sane rule for any invitation code.
INVITE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_open(q: Questionnaire, now: datetime) -> bool:
    """True between the opening and closing dates (when they are set)."""
    return (q.opens is None or now >= q.opens) and (q.closes is None or now < q.closes)


def not_open_message(q: Questionnaire, now: datetime) -> str:
    """Why answers are not taken now."""
    if q.opens is not None and now < q.opens:
        return f"The consultation opens on {q.opens.astimezone(UTC):%d %B %Y, %H:%M} UTC. Please come back then."
    assert q.closes is not None
    return f"The consultation closed on {q.closes:%d %B %Y}."


def days_left(q: Questionnaire, now: datetime) -> int | None:
    """Whole days until closing (0 once closed), or None without a closing date."""
    if q.closes is None:
        return None
    return max((q.closes - now).days, 0)


@dataclass(frozen=True)
class Window:
    """The dates set at run time by `consult window` (over the file's), and the invitations allowed late."""

    opens: datetime | None = None
    closes: datetime | None = None
    late: frozenset[str] = frozenset()


class WindowStore(Protocol):
    """Where the run-time window is kept; every process sees a change within seconds."""

    async def get(self) -> Window | None:
        """The window set, or None when `consult window` was never used."""
        ...

    async def put(self, window: Window) -> None:
        """Store the window durably."""
        ...


def effective(q: Questionnaire, window: Window | None, invite: str | None = None) -> Questionnaire:
    """The questionnaire with the run-time dates; no closing date for an invitation allowed late."""
    if window is None:
        return q
    update: dict[str, datetime | None] = {"opens": window.opens or q.opens, "closes": window.closes or q.closes}
    if invite is not None and invite in window.late:
        update["closes"] = None
    return q.model_copy(update=update)


def open_late(q: Questionnaire) -> Questionnaire:
    """The questionnaire for an invitation allowed late: no closing date."""
    return q.model_copy(update={"closes": None})


def problems(opens: datetime | None, closes: datetime | None, late: frozenset[str], now: datetime) -> list[str]:
    """What is wrong with a window `consult window` was asked to set (empty when nothing is)."""
    found = []
    for name, value in (("opens", opens), ("closes", closes)):
        if value is not None and value.tzinfo is None:
            found.append(f"--{name} needs a time zone, for example 2013-08-31T23:59Z (Z is UTC) or +02:00")
    if found:
        return found
    if opens is not None and closes is not None and closes <= opens:
        found.append(f"the window would close ({closes:%d %B %Y %H:%M}) before it opens ({opens:%d %B %Y %H:%M})")
    if closes is not None and closes <= now:
        found.append(f"--closes {closes.isoformat()} is in the past: it would close the consultation at once. "
                     "Give a later date (to close it soon, a time a few minutes from now)")
    found.extend(f"--late {code!r} is not an invitation code (letters, digits, - and _)"
                 for code in sorted(late) if not INVITE.match(code))
    return found
