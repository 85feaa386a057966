"""The service: one respondent at a time, load, apply, store durably, and only then reply."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

from core import engine
from core.i18n import N_, Translator, supported, translator
from core.i18n.commands import elsewhere
from core.inputs import ContinueElsewhere, Input, ResumeWith, Start
from core.invitations.port import Invitations
from core.ports import Repository, StorageError
from core.reply import Reply
from core.resume import moving
from core.resume.port import MoveStore
from core.resume.service import Moving
from core.session import Session
from core.turn import Translations, language_of
from core.windows import INVITE, Window, WindowStore, effective
from questionnaire.model import Questionnaire

log = logging.getLogger("consult")

# The respondent's locale as the platform reports it, or a way to ask the platform for it (Slack's users.info):
# asked only while the session has no language, so once per respondent.
Locale = str | Callable[[], Awaitable[str | None]] | None

NOT_SAVED = N_("Sorry, your message was not saved. Please send it again in a minute.")
NO_MOVING = N_("Moving your answers to another app is not possible here, so nothing was changed.")


async def _asked(locale: Locale) -> str | None:
    """The locale, asking the platform if that is how it comes."""
    return await locale() if callable(locale) else locale


def utc_now() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(UTC)


class ConsultService:
    """Serves every front end: the same questionnaire, the same repository, the same rules."""

    def __init__(
        self,
        questionnaire: Questionnaire,
        repository: Repository,
        clock: Callable[[], datetime] = utc_now,
        moves: MoveStore | None = None,
        invitations: Invitations | None = None,
        windows: WindowStore | None = None,
        translations: Translations = translator,
    ) -> None:
        self.questionnaire = questionnaire
        self.repository = repository
        self.invitations = invitations
        self._clock = clock
        # The catalogue of each language (tests pass a pseudo-language to see that every message is translated).
        self.translations = translations
        # 'continue elsewhere' and its codes (core/resume); without a store, respondents are told it is off.
        self.moving = Moving(questionnaire, repository, moves, clock, translations) if moves is not None else None
        # The dates `consult window` set at run time, if any (read again when changed, see refresh_window).
        self.windows = windows
        self._window: Window | None = None
        self._effective: dict[tuple[Window | None, bool], Questionnaire] = {}
        # One lock per respondent: two inputs from one person are applied in order; inputs from
        # different people never wait for each other.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def handle(
        self, respondent_id: str, channel: str, command: Input, inbound_id: str | None = None,
        locale: Locale = None,
    ) -> Reply:
        """Apply one input; the reply is returned only after the new state is durably stored.

        `locale` is the respondent's as the platform reports it: their language until they choose one.

        If storage fails, nothing changes and the reply asks the respondent to send the input again.
        """
        try:
            await self.refresh_window()
        except StorageError as error:  # the answer matters more: the window last read stays in force
            log.warning("The consultation's window could not be read again: %s", error)
        lock = self._locks.setdefault(respondent_id, asyncio.Lock())
        # The lock orders this process's inputs; the repository's transaction holds the respondent
        # against other processes too (PostgreSQL: a row lock) until what is put is committed.
        command = elsewhere(command, self.translations)  # the move is the service's, not the engine's
        async with lock:
            if isinstance(command, ContinueElsewhere | ResumeWith):
                return await self._move(respondent_id, channel, command, inbound_id)
            session: Session | None = None
            try:
                command = await self._looked_up(command)
                async with self.repository.transaction(respondent_id) as held:
                    session = held.session or engine.new_session(respondent_id, channel)
                    if session.moved_to is not None:  # the answers moved to another app: say where
                        return await self._elsewhere(session)
                    q = self.questionnaire_for(session)
                    # Asked within the transaction, but once per respondent (the session keeps the language).
                    detected = await _asked(locale) if session.language is None else None
                    outcome = engine.apply(q, session, command, self._clock(), inbound_id, self.translations, detected)
                    if outcome.changed:
                        await held.put(outcome.session)
            except StorageError as error:  # on reading, storing or committing: nothing was kept
                return self._not_saved(error, session)
        return outcome.reply

    async def _looked_up(self, command: Input) -> Input:
        """A Start with an invitation code, with the invitation found under it handed in for the engine to judge."""
        if not isinstance(command, Start) or command.payload is None or not INVITE.match(command.payload):
            return command  # no code, or not a code at all: nothing to look up
        late = self._window is not None and command.payload in self._window.late
        if self.invitations is None:
            return replace(command, late=late)
        found = await self.invitations.get(command.payload)
        return replace(command, invitation=found, looked_up=True, late=late)

    async def _elsewhere(self, stub: Session) -> Reply:
        if self.moving is None:
            t = self.translations(language_of(self.questionnaire, stub))
            return moving.stub_reply(stub, stub.moved_to or stub.respondent_id, t)
        return await self.moving.stub_reply(stub)

    async def _move(self, respondent_id: str, channel: str, command: ContinueElsewhere | ResumeWith,
                    inbound_id: str | None) -> Reply:
        if self.moving is None:
            return engine.notice(self.questionnaire, None, self._clock(), NO_MOVING, self.translations)
        try:
            if isinstance(command, ContinueElsewhere):
                return await self.moving.offer(respondent_id, inbound_id)
            return await self.moving.redeem(respondent_id, channel, command, inbound_id)
        except StorageError as error:  # nothing was moved, no code was given: "send it again"
            return self._not_saved(error, None)

    def _not_saved(self, error: StorageError, session: Session | None) -> Reply:
        # The operator reads why in the log (file names and the system's error, no answer text);
        # the respondent reads that nothing was kept, still on the question they were on.
        log.error("An input was not saved: %s", error)
        return engine.not_saved(self.questionnaire, session, self._clock(), NOT_SAVED, self.translations)

    async def translator_for(self, respondent_id: str, locale: Locale = None) -> Translator:
        """The respondent's language, for what a front end says outside a reply (a photo refused, an error)."""
        try:
            session = await self.repository.get(respondent_id)
        except StorageError:  # said in the platform's language, or the questionnaire's
            session = None
        chosen = session.language if session is not None else None
        lang = chosen or supported(await _asked(locale)) or language_of(self.questionnaire, None)
        return self.translations(lang)

    async def session(self, respondent_id: str) -> Session | None:
        """The stored session of one respondent."""
        return await self.repository.get(respondent_id)

    def questionnaire_for(self, session: Session | None) -> Questionnaire:
        """The questionnaire as it applies now: with the run-time window, open for a late invitation's holder."""
        window = self._window
        late = window is not None and session is not None and session.invite in window.late
        cached = self._effective.get((window, late))
        if cached is None:  # one copy per window (and for the late), not one per input
            if len(self._effective) > 4:
                self._effective.clear()  # windows set earlier
            invite = session.invite if late and session is not None else None
            cached = self._effective[(window, late)] = effective(self.questionnaire, window, invite)
        return cached

    async def refresh_window(self) -> Window | None:
        """Read the run-time window again (a stat for the file, a cached row for PostgreSQL)."""
        if self.windows is not None:
            self._window = await self.windows.get()
        return self._window

    def now(self) -> datetime:
        """The service's clock (tests pass a fixed one)."""
        return self._clock()
