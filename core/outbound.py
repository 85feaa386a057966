"""Messages the consultation sends first (reminders, announcements, notices): the port front ends implement.

A respondent is reached on the front end they used, at the address their respondent id names
("telegram:USER", "slack:TEAM:USER"). The terminal front end has no one to reach between runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.reply import Reply


class Delivery(StrEnum):
    """What became of one message."""

    SENT = "sent"
    BLOCKED = "blocked"  # they blocked the bot or left the workspace: never retried
    FAILED = "failed"  # a fault (network, the platform): may be tried again later
    UNREACHABLE = "unreachable"  # no front end of this process reaches them (e.g. terminal respondents)


@dataclass(frozen=True)
class Outcome:
    """A delivery, with the platform's reason when it was not sent (for the secretariat's report)."""

    delivery: Delivery
    reason: str = ""


class Sender(Protocol):
    """Sends one message to one respondent, respecting the platform's rate limits (waiting when told to)."""

    def reaches(self, respondent_id: str) -> bool:
        """True when this sender can reach the respondent (their front end is running here)."""
        ...

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        """Send and say what happened; never raises for a platform's refusal."""
        ...
