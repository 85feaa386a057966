"""When the consultation accepts answers, and invitation codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from core.i18n import Translator
from core.i18n.formats import clock, day
from questionnaire.model import Questionnaire

if TYPE_CHECKING:  # the invitation model reads INVITE from here
    from core.invitations.model import Invitation

# Telegram's deep-link rule (1-64 of A-Za-z0-9_-), a sane rule for any invitation code.
INVITE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def is_open(q: Questionnaire, now: datetime) -> bool:
    """True between the opening and closing dates (when they are set)."""
    return (q.opens is None or now >= q.opens) and (q.closes is None or now < q.closes)


def not_open_message(q: Questionnaire, now: datetime, t: Translator) -> str:
    """Why answers are not taken now."""
    if q.opens is not None and now < q.opens:
        opens = q.opens.astimezone(UTC)
        return t.gettext("The consultation opens on {day}, {time} UTC. Please come back then.").format(
            day=day(opens, t.language), time=clock(opens, t.language))
    assert q.closes is not None
    return t.gettext("The consultation closed on {day}.").format(day=day(q.closes, t.language))


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


def problems(given: Window, in_force: Questionnaire, late: Mapping[str, Invitation | None] | None,
             now: datetime) -> list[str]:
    """What is wrong with what `consult window` was given (empty when nothing is).

    `in_force` has the dates the window would give; `late` the invitation found under each --late code
    (None when no invitations are kept: then any code is taken as given).
    """
    found = [f"--{name} needs a time zone, for example 2013-08-31T23:59Z (Z is UTC) or +02:00"
             for name, value in (("opens", given.opens), ("closes", given.closes))
             if value is not None and value.tzinfo is None]
    if found:
        return found
    opens, closes = in_force.opens, in_force.closes
    if opens is not None and closes is not None and closes <= opens:
        found.append(f"the window would close ({closes:%d %B %Y %H:%M}) before it opens ({opens:%d %B %Y %H:%M})")
    # Only a closing date given now can close the consultation at once: the file's may well be past.
    if given.closes is not None and given.closes <= now:
        found.append(f"--closes {given.closes.isoformat()} is in the past: it would close the consultation at "
                     "once. Give a later date (to close it soon, a time a few minutes from now)")
    return found + [problem for code in sorted(given.late) if (problem := _late_problem(code, late)) is not None]


def _late_problem(code: str, late: Mapping[str, Invitation | None] | None) -> str | None:
    if not INVITE.match(code):
        return f"--late {code!r} is not an invitation code (letters, digits, - and _)"
    if late is None:
        return None
    found = late.get(code)
    if found is None:
        return f"--late {code!r} is no invitation's code (see 'consult invite list')"
    return f"--late {code!r} is an invitation that was cancelled" if found.revoked else None
