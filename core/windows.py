"""When the consultation accepts answers, and invitation codes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

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
