"""The engine: given a questionnaire, a session and one input, the new session and a reply.

Pure: no I/O and no clock of its own (the caller passes `now`), so every behaviour is the same on
every front end and can be tested without a network.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import flow, render, set_aside
from core import inputs as i
from core.catch_up import catch_up
from core.handlers import dispatch
from core.i18n import N_, RTL, supported, translator
from core.i18n.bidi import rtl_lines
from core.i18n.choice import reply_to_the_list
from core.i18n.commands import localized
from core.i18n.texts import tell_untranslated
from core.inputs import Input, SendText
from core.reply import Reply
from core.session import RECENT_INPUTS_KEPT, SOURCES_KEPT, Session, Status, same_answers
from core.turn import Translations, Turn, language_of
from questionnaire.model import Questionnaire

UNSENT_CHANGE = N_(
    "Your change is saved here, but the secretariat still has your submitted answers. "
    "Send 'submit' when you want them to have this version."
)

# Inputs that answer the question on screen.
_ANSWERS = (
    i.SendText, i.ChooseOptions, i.PickCountry, i.ToggleOption, i.FinishAnswer, i.SkipItem, i.KeepAnswer,
    i.AddToAnswer,
)


@dataclass(frozen=True)
class Outcome:
    """The engine's answer: the session to store (if `changed`) and the reply to send."""

    session: Session
    reply: Reply
    changed: bool


def new_session(respondent_id: str, channel: str) -> Session:
    """The session of a respondent never seen before."""
    return Session(respondent_id=respondent_id, channel=channel)


def apply(
    q: Questionnaire,
    session: Session,
    command: Input,
    now: datetime,
    inbound_id: str | None = None,
    translations: Translations = translator,
    locale: str | None = None,
) -> Outcome:
    """Apply one input to a session.

    `translations` gives the catalogue of a language; `locale` is the one the platform reports for the
    respondent (Telegram's language_code, Slack's locale, the terminal's): their language until they choose.
    """
    turn = Turn(q, session.working_copy(), now, translations=translations)
    if turn.session.language is None and (detected := supported(locale)) is not None:
        turn.session.language = detected
    moved = catch_up(turn)  # the questionnaire file may have changed since this session was stored
    if inbound_id is not None and inbound_id in session.recent_inputs:
        turn.ask = False
        caught_up = turn.session != session
        return Outcome(turn.session if caught_up else session, _reply(turn, duplicate=True), caught_up)
    command = reply_to_the_list(turn, localized(command, turn.t))  # 'retour' is 'back' to a French respondent
    if not (moved and isinstance(command, _ANSWERS)):  # an answer meant for a removed question is not taken
        dispatch(turn, command)
    if isinstance(command, SendText) and command.ref is not None and turn.took is not None:
        _remember_source(turn, command.ref)
    _settle(turn)
    tell_untranslated(turn)
    if turn.session.changed_since_submit and not session.changed_since_submit:
        turn.messages.append(turn.t.gettext(UNSENT_CHANGE))
    changed = turn.session != session
    if changed:
        turn.session.updated_at = now
    if inbound_id is not None:
        # Every id is remembered, even of inputs that changed nothing: redelivered later, a
        # refused 'yes' must not confirm a restart asked for in between.
        turn.session.recent_inputs = [*turn.session.recent_inputs, inbound_id][-RECENT_INPUTS_KEPT:]
        changed = True
    return Outcome(turn.session, _reply(turn), changed)


def not_saved(q: Questionnaire, session: Session | None, now: datetime, message: str,
              translations: Translations = translator) -> Reply:
    """The reply to an input that could not be stored: `message`, and the respondent still where they were."""
    return notice(q, session, now, message, translations).model_copy(update={"saved": False})


def notice(q: Questionnaire, session: Session | None, now: datetime, message: str,
           translations: Translations = translator, **values: object) -> Reply:
    """`message` (an English msgid, said in the respondent's language), the respondent still where they were."""
    if session is None:  # nobody to show anywhere: the message alone, in the questionnaire's language
        t = translations(language_of(q, None))
        return Reply(messages=[t.gettext(message).format(**values)], ask=False, status=Status.NEW,
                     language=t.language)
    turn = Turn(q, session, now, translations=translations)
    turn.refuse(turn.t.gettext(message).format(**values))
    return _reply(turn)


def _remember_source(turn: Turn, ref: str) -> None:
    assert turn.took is not None
    sources = turn.session.sources
    sources.pop(ref, None)
    sources[ref] = turn.took
    for old in list(sources)[:-SOURCES_KEPT]:
        del sources[old]


def _settle(turn: Turn) -> None:
    """Keep the invariants: no answer to an item that does not apply; submissions tracked."""
    s = turn.session
    set_aside.settle(turn.q, s, turn.now)
    if s.submitted is not None:
        # What the secretariat counts of the submission: its answers that apply under this file.
        counted, _ = flow.split(turn.q, s.submitted.answers)
        s.changed_since_submit = not same_answers(s.answers, counted)


def _reply(turn: Turn, duplicate: bool = False) -> Reply:
    s = turn.session
    started = s.status not in (Status.NEW, Status.WITHDRAWN)
    reply = Reply(
        messages=turn.messages,
        prompt=render.prompt(turn.q, s, turn.now, turn.t),
        ask=turn.ask,
        progress=render.progress(turn.q, s) if started else None,
        status=s.status,
        duplicate=duplicate,
        submitted=turn.submitted,
        language=turn.t.language,
        languages=turn.languages,
    )
    return right_to_left(reply) if reply.language in RTL else reply


def right_to_left(reply: Reply) -> Reply:
    """Every line with right-to-left letters made right-to-left as a whole (see core/i18n/bidi.py)."""
    prompt = reply.prompt
    if prompt is not None:
        prompt = prompt.model_copy(update={"text": rtl_lines(prompt.text), "hint": rtl_lines(prompt.hint),
                                           "hints": [rtl_lines(h) for h in prompt.hints]})
    return reply.model_copy(update={"messages": [rtl_lines(m) for m in reply.messages], "prompt": prompt})
