"""A Sender (core/outbound.py) that records what it was asked to send, for tests."""

from __future__ import annotations

from core.outbound import Delivery, Outcome
from core.reply import Reply


class RecordingSender:
    """Reaches the respondent ids of the given front ends; keeps (respondent id, text) of every message."""

    def __init__(self, *channels: str, delivery: Delivery = Delivery.SENT) -> None:
        self.channels = channels
        self.delivery = delivery
        self.sent: list[tuple[str, str]] = []

    def reaches(self, respondent_id: str) -> bool:
        return respondent_id.split(":", 1)[0] in self.channels

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        self.sent.append((respondent_id, reply.text))
        return Outcome(self.delivery)
