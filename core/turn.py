"""One input being applied: the working copy of a session and what to say back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.session import Session, Source
from questionnaire.model import Questionnaire


@dataclass
class Turn:
    """One input being applied: the working copy of the session and what to say."""

    q: Questionnaire
    session: Session
    now: datetime
    messages: list[str] = field(default_factory=list)
    ask: bool = True
    submitted: bool = False
    # The typed text this input gave to an answer (recorded against the message's ref).
    took: Source | None = None

    def refuse(self, message: str) -> None:
        """Say why the input cannot be taken; the question stays as it is."""
        self.messages.append(message)
        self.ask = False
