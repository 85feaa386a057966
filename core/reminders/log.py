"""What was sent first to whom (reminders, announcements): the port, and what it tells about each respondent.

A send is claimed (stored) before the message goes, and its outcome stored after: a process killed between
the two leaves a claim, which counts as sent. So a restart may miss a reminder, never send one twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from core.outbound import Delivery
from core.session import Session

CLAIMED = "claimed"  # stored before sending; stays so if the process died before the outcome
ANNOUNCEMENT = "announcement:"  # the rule of an announcement's entries starts so
TRIES = 3  # a rule whose sends failed (network, platform) is tried again on later rounds, this many times in all


@dataclass(frozen=True)
class Entry:
    """One line of the log: a claim before sending, or the outcome after."""

    respondent_id: str
    rule: str  # a reminder rule's key ("before_closing:7d"), or "announcement:<id>"
    at: datetime
    state: str  # CLAIMED, or a Delivery value
    reason: str = ""


class SendLog(Protocol):
    """Where entries are kept; `add` returns once the entry is durable."""

    async def add(self, entry: Entry) -> None:
        """Store one entry durably."""
        ...

    async def entries(self) -> list[Entry]:
        """Every entry, oldest first."""
        ...


@dataclass
class Record:
    """What the log says about one respondent."""

    states: dict[str, str] = field(default_factory=dict)  # rule -> its latest state
    tries: dict[str, int] = field(default_factory=dict)  # rule -> claims made
    claimed_at: dict[str, datetime] = field(default_factory=dict)  # rule -> its latest claim
    blocked: bool = False

    def done(self, rule: str) -> bool:
        """True when this rule must not be sent again: sent, claimed without outcome, or failed too often."""
        state = self.states.get(rule)
        if state is None:
            return False
        return state != Delivery.FAILED or self.tries.get(rule, 0) >= TRIES

    @property
    def reminders(self) -> int:
        """Reminders sent (or claimed) to this respondent: what counts against the cap."""
        return len(self._reached())

    @property
    def last_reminder(self) -> datetime | None:
        """When the latest reminder that was not a failure was claimed."""
        return max((self.claimed_at[rule] for rule in self._reached()), default=None)

    def _reached(self) -> list[str]:
        return [rule for rule, state in self.states.items()
                if not rule.startswith(ANNOUNCEMENT) and state != Delivery.FAILED]


def record_of(records: dict[str, Record], session: Session) -> Record | None:
    """One respondent's record, with what was sent under the ids their response had before it moved."""
    if not session.moved_from:
        return records.get(session.respondent_id)
    here = records.get(session.respondent_id)
    merged = Record(blocked=here is not None and here.blocked)  # blocked in the old app is not blocked here
    for key in [*session.moved_from, session.respondent_id]:  # oldest first: a later state wins, claims add up
        record = records.get(key, Record())
        merged.states.update(record.states)
        merged.claimed_at.update(record.claimed_at)
        for rule, tries in record.tries.items():
            merged.tries[rule] = merged.tries.get(rule, 0) + tries
    return merged


def history(entries: Iterable[Entry]) -> dict[str, Record]:
    """Each respondent's record, from the log in order."""
    records: dict[str, Record] = {}
    for entry in entries:
        record = records.setdefault(entry.respondent_id, Record())
        record.states[entry.rule] = entry.state
        if entry.state == CLAIMED:
            record.tries[entry.rule] = record.tries.get(entry.rule, 0) + 1
            record.claimed_at[entry.rule] = entry.at
        if entry.state == Delivery.BLOCKED:
            record.blocked = True
    return records
