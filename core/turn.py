"""One input being applied: the working copy of a session and what to say back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from core.i18n import Translator, translator
from core.session import Session, Source
from questionnaire.model import Questionnaire

# The catalogue of a language (core.i18n.translator; tests pass a pseudo-language to see every message).
Translations = Callable[[str | None], Translator]


def language_of(q: Questionnaire, session: Session | None) -> str:
    """The language to speak: the respondent's choice, else the questionnaire's default."""
    chosen = session.language if session is not None else None
    return chosen or q.language


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
    # True when the reply offers the choice of language (buttons where the front end has them).
    languages: bool = False
    translations: Translations = translator

    @property
    def t(self) -> Translator:
        """The respondent's language now (a 'language' command changes it within the turn)."""
        return self.translations(language_of(self.q, self.session))

    def refuse(self, message: str) -> None:
        """Say why the input cannot be taken; the question stays as it is."""
        self.messages.append(message)
        self.ask = False
