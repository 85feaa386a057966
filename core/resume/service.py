"""Giving and redeeming codes: the service side of a move (storage, the clock, and telling the old app)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from core import engine
from core.i18n import translator
from core.inputs import ResumeWith, ShowStatus
from core.outbound import Delivery, Sender
from core.ports import Repository
from core.reply import Reply
from core.resume import codes, limits, moving
from core.resume.moving import Moved
from core.resume.port import CodeState, IssuedCode, MoveStore
from core.session import RECENT_INPUTS_KEPT, Session
from core.turn import Translations, language_of
from questionnaire.model import Questionnaire

log = logging.getLogger("consult")
MAX_HOPS = 10


class Moving:
    """'continue elsewhere' and the code that follows it. Called by the service under the respondent's lock."""

    def __init__(self, q: Questionnaire, repository: Repository, store: MoveStore,
                 clock: Callable[[], datetime], translations: Translations = translator) -> None:
        self.q = q
        self.translations = translations  # the catalogue of each language, as the service has it
        self.repository = repository
        self.store = store
        self.clock = clock
        # Front ends that can write first (core/outbound.py) register here; none: told in the reply only.
        self.senders: list[Sender] = []
        self._notices: set[asyncio.Task[None]] = set()

    def tell_through(self, sender: Sender) -> None:
        """Tell respondents whose answers moved away through `sender`, where it reaches them."""
        self.senders.append(sender)

    async def offer(self, respondent_id: str, inbound_id: str | None) -> Reply:
        """A new code for this respondent's response (an earlier unused one stops working)."""
        now = self.clock()
        async with self.repository.transaction(respondent_id) as held:
            session = held.session
            if session is not None and inbound_id is not None and inbound_id in session.recent_inputs:
                # A repeat: the code is not sent again.
                return engine.apply(self.q, session, ShowStatus(), now, inbound_id, self.translations).reply
            if session is not None and session.moved_to is not None:
                return await self.stub_reply(session)
            if session is None or not moving.can_move(session):
                return engine.notice(self.q, session, now, moving.NOTHING_YET, self.translations)
            code = codes.new_code()
            await self.store.issue(IssuedCode(codes.digest(code), respondent_id, now, now + codes.VALID_FOR))
            if inbound_id is not None:  # a redelivered 'continue elsewhere' must not replace the code given
                session = session.model_copy(deep=True)
                session.recent_inputs = [*session.recent_inputs, inbound_id][-RECENT_INPUTS_KEPT:]
                await held.put(session)
            return engine.notice(self.q, session, now, moving.YOUR_CODE, self.translations, code=code)

    async def redeem(self, target_id: str, channel: str, command: ResumeWith, inbound_id: str | None) -> Reply:
        """Move the code's response to `target_id`, or say why not and change nothing."""
        now = self.clock()
        here = await self.repository.get(target_id)
        if here is not None and inbound_id is not None and inbound_id in here.recent_inputs:
            # Redelivered: done already.
            return engine.apply(self.q, here, ShowStatus(), now, inbound_id, self.translations).reply
        if (refusal := limits.refusal(await self.store.tries(target_id, now - limits.WINDOW))) is not None:
            log.warning("A resume code was refused unread: too many wrong codes (%s).", target_id.split(":")[0])
            return _say(self.q, here, now, self.translations, refusal)
        if not codes.well_formed(command.code):
            return await self._wrong(target_id, here, now, CodeState.UNKNOWN)
        result = await self._move(codes.digest(command.code), target_id, channel, now, inbound_id)
        if isinstance(result, CodeState):
            return await self._wrong(target_id, here, now, result)
        if isinstance(result, Moved):  # the channels only: who moved is nobody's business in a log
            log.info("A response moved from %s to %s.", result.stub.channel, channel)
            self._tell(result)
            return result.reply
        return result

    async def _move(self, digest: str, target_id: str, channel: str, now: datetime,
                    inbound_id: str | None) -> Moved | CodeState | Reply:
        """The move, all or nothing: the code's state when it is not valid, a refusal, or what was stored."""
        async with self.store.redeeming(digest, target_id, now) as redemption:
            source = redemption.source
            if redemption.state is not CodeState.VALID:
                return redemption.state
            if source is None:  # a code whose respondent is gone from the database
                return _say(self.q, redemption.target, now, self.translations, moving.GONE)
            told = any(sender.reaches(source.respondent_id) for sender in self.senders)
            result = moving.move(self.q, source, redemption.target, target_id, channel, now, inbound_id, told=told,
                                 translations=self.translations)
            if isinstance(result, str):
                return _say(self.q, redemption.target, now, self.translations, result)
            await redemption.commit(result.target, result.stub)
        return result

    async def stub_reply(self, stub: Session) -> Reply:
        """Where a stub's answers are now: its pointer is followed, since they may have moved on since."""
        holder = stub.moved_to or stub.respondent_id
        for _ in range(MAX_HOPS):  # every move leaves one stub: a chain as long as the moves made
            session = await self.repository.get(holder)
            if session is None or session.moved_to is None:
                break
            holder = session.moved_to
        return moving.stub_reply(stub, holder, self.translations(language_of(self.q, stub)))

    async def _wrong(self, target_id: str, here: Session | None, now: datetime, state: CodeState) -> Reply:
        await self.store.wrong(target_id, now)
        return _say(self.q, here, now, self.translations, moving.REFUSED[state])

    def _tell(self, moved: Moved) -> None:
        """Tell the old app, after the move is stored, without holding up the reply in the new one."""
        for sender in self.senders:
            if sender.reaches(moved.stub.respondent_id):
                task = asyncio.create_task(self._send(sender, moved.stub.respondent_id, moved.notice))
                self._notices.add(task)
                task.add_done_callback(self._notices.discard)

    async def _send(self, sender: Sender, respondent_id: str, notice: Reply) -> None:
        # The move stands whatever happens here: the old chat says where the answers are when next used.
        try:
            outcome = await sender.send(respondent_id, notice)
        except Exception as error:  # a fault of the sender's: logged (its kind only), never lost in a task
            log.error("A move's notice to the old app failed: %s", type(error).__name__)
            return
        if outcome.delivery is not Delivery.SENT:
            log.warning("A move's notice to the old app was not sent: %s", outcome.delivery.value)

    async def settle(self) -> None:
        """Wait for the notices under way (tests; a clean stop)."""
        while self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)


def _say(q: Questionnaire, session: Session | None, now: datetime, translations: Translations,
         message: str) -> Reply:
    if session is not None and session.moved_to is not None:
        t = translations(language_of(q, session))
        return Reply(messages=[t.gettext(message)], ask=False, status=session.status, language=t.language)
    return engine.notice(q, session, now, message, translations)
