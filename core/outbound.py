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


class Senders:
    """Several front ends' senders as one: each message goes through the one that reaches its respondent."""

    def __init__(self, senders: list[Sender]) -> None:
        self.senders = senders

    def reaches(self, respondent_id: str) -> bool:
        """True when one of the senders reaches the respondent."""
        return self._for(respondent_id) is not None

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        """Send through the sender that reaches them; UNREACHABLE when none does."""
        sender = self._for(respondent_id)
        if sender is None:
            return Outcome(Delivery.UNREACHABLE, "no front end of this process reaches them")
        return await sender.send(respondent_id, reply)

    async def time_zone(self, respondent_id: str) -> str | None:
        """The respondent's time zone if their platform tells it (Slack does), else None."""
        sender = self._for(respondent_id)
        zone = getattr(sender, "time_zone", None)
        return await zone(respondent_id) if zone is not None else None

    def _for(self, respondent_id: str) -> Sender | None:
        return next((sender for sender in self.senders if sender.reaches(respondent_id)), None)
