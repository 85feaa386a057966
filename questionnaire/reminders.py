"""Reminder rules as a questionnaire file gives them ([[reminders]]), checked against the consultation's dates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

# "7d", "1d", "12h": whole days or hours, more than zero.
_DURATION = re.compile(r"^(?P<n>-?\d{1,4})\s*(?P<unit>[dh])$")


def duration(text: str) -> timedelta:
    """'7d' -> 7 days, '12h' -> 12 hours; refuses zero, negative and anything else."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration: write days or hours, e.g. '7d' or '12h'")
    n = int(match["n"])
    if n <= 0:
        raise ValueError(f"{text!r} must be more than zero (a reminder comes before closing, never after)")
    return timedelta(days=n) if match["unit"] == "d" else timedelta(hours=n)


class ReminderRule(BaseModel):
    """One reminder: a time before closing, a time after someone stopped mid-way, or a fixed moment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    before_closing: str | None = None
    after_stopped: str | None = None
    on: datetime | None = None

    @field_validator("before_closing", "after_stopped")
    @classmethod
    def _a_duration(cls, value: str | None) -> str | None:
        if value is not None:
            duration(value)
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [name for name in ("before_closing", "after_stopped", "on") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("each reminder needs exactly one of before_closing, after_stopped or on")
        if self.on is not None and self.on.tzinfo is None:
            raise ValueError("a reminder's 'on' needs a time zone, e.g. 2013-08-24T09:00:00Z")
        return self

    @property
    def key(self) -> str:
        """A stable name for the rule, kept with each reminder sent ("before_closing:7d")."""
        if self.on is not None:
            return f"on:{self.on.isoformat()}"
        kind = "before_closing" if self.before_closing is not None else "after_stopped"
        return f"{kind}:{self.before_closing or self.after_stopped}"

    def moment(self, closes: datetime | None) -> datetime | None:
        """When a dated rule falls (None for after_stopped, or before_closing without a closing date)."""
        if self.on is not None:
            return self.on
        if self.before_closing is not None and closes is not None:
            return closes - duration(self.before_closing)
        return None


def check_against_dates(rules: tuple[ReminderRule, ...], opens: datetime | None, closes: datetime | None) -> list[str]:
    """What is wrong with the rules for these dates, in words (empty when nothing is)."""
    problems = []
    for n, rule in enumerate(rules, 1):
        # before_closing without a closing date waits for one (`consult window --closes` may set it at run time).
        moment = rule.moment(closes)
        if moment is None:
            continue
        if closes is not None and moment >= closes:
            problems.append(f"reminder {n} ({rule.key}) falls after the closing date {closes.isoformat()}")
        if opens is not None and moment < opens:
            problems.append(f"reminder {n} ({rule.key}) falls before the opening date {opens.isoformat()}")
    return problems
