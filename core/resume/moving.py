"""What a move does to the two sessions, and what each side is told. Pure: no storage, no clock.

The response moves whole: answers, submissions, what was set aside, the unfinished long answer,
when it started, and the inbound ids (a platform's redelivery is still spotted). The old respondent
id keeps a stub: no answers, status NEW (so progress and exports never count it twice), its own
inbound ids, and `moved_to`. Anything sent to the stub is answered "your answers are in Slack now"
and changes nothing; the old chat takes the response back the same way it gave it, with a code
from the new one. A pending restart or withdrawal is dropped: a "yes" in the new app must not
confirm a question asked in the old one.

A target with answers of its own is refused rather than asked to confirm: a confirmation would be a
question pending across two sessions and a code, and "send 'withdraw' here first, then the code
again" reaches the same end with steps the respondent already knows. Nobody's answers are
overwritten by a code alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import engine
from core.i18n import N_, Translator, translator
from core.inputs import Resume
from core.reply import Reply
from core.resume.port import CodeState
from core.session import RECENT_INPUTS_KEPT, Session, Status
from core.turn import Translations, language_of
from questionnaire.model import Questionnaire

# Translators: {app} in the messages below is one of these: Telegram, Slack, or "the terminal".
APPS = {"telegram": N_("Telegram"), "slack": N_("Slack"), "console": N_("the terminal")}

# Translators: the spaces before "." and ";" keep the code apart, so that it can be copied whole.
YOUR_CODE = N_(
    "Your code is {code} . It works once, for 15 minutes. In Telegram, send /start {code} to the bot; "
    "in Slack, send /consult resume {code} ; in a terminal, run: consult chat --resume {code}"
)
NOTHING_YET = N_("You have not started yet, so there is nothing to move. You can simply start in the other app.")
MOVED_AWAY = N_(
    "Your answers are in {app} now, so nothing here was changed. To continue here, send "
    "'continue elsewhere' in {app} and send the code you get here."
)
TOLD_BEFORE = N_(
    "Your answers have moved to {app}, so this chat is paused. To continue here again, send "
    "'continue elsewhere' in {app} and send the code you get here."
)
ARRIVED_TOLD = N_("Your answers have moved here from {app}, and the chat there was told. You can go on here.")
ARRIVED = N_("Your answers have moved here from {app}. You can go on here.")
HAS_ITS_OWN = N_(
    "This chat already has answers of its own, so nothing was moved: answers are never overwritten. "
    "Go on here, or send 'withdraw' here first and then send the code again within its 15 minutes."
)
GONE = N_("The answers of that code were withdrawn or moved since, so there is nothing to move.")
REFUSED = {
    CodeState.UNKNOWN: N_(
        "That code is not right, so nothing was changed. Check it, or send 'continue elsewhere' "
        "in your other app to get a new one."
    ),
    CodeState.USED: N_(
        "That code was already used, so nothing was changed. Send 'continue elsewhere' in the app "
        "that has your answers to get a new one."
    ),
    CodeState.EXPIRED: N_(
        "That code has expired (codes work for 15 minutes), so nothing was changed. Send 'continue "
        "elsewhere' in your other app to get a new one."
    ),
    CodeState.OWN: N_("That code was made in this chat, so there is nothing to move. Use it in your other app."),
}


@dataclass(frozen=True)
class Moved:
    """The sessions to store and what to tell: the new app in its reply, the old one through a sender."""

    target: Session
    stub: Session
    reply: Reply
    notice: Reply


def app_of(respondent_id: str, t: Translator) -> str:
    """The front end a respondent id belongs to, as respondents call it."""
    channel = respondent_id.split(":", 1)[0]
    return t.gettext(APPS[channel]) if channel in APPS else channel


def can_move(session: Session | None) -> bool:
    """True for a response begun and not withdrawn, and not moved away already."""
    return session is not None and session.moved_to is None and session.status in (
        Status.IN_PROGRESS, Status.SUBMITTED)


def has_answers_of_its_own(session: Session | None) -> bool:
    """True when a target holds anything a move would overwrite (a stub or a bare start holds nothing)."""
    return session is not None and bool(session.answers or session.submissions or session.set_aside
                                        or session.draft)


def stub_reply(session: Session, holder_id: str, t: Translator) -> Reply:
    """Any input to a stub: where the answers are (`holder_id` holds them now), and nothing changed."""
    message = t.gettext(MOVED_AWAY).format(app=app_of(holder_id, t))
    return Reply(messages=[message], ask=False, status=session.status, language=t.language)


def move(q: Questionnaire, source: Session, target: Session | None, target_id: str, channel: str,
         now: datetime, inbound_id: str | None, *, told: bool, translations: Translations = translator) -> Moved | str:
    """The response of `source` at `target_id`, and the stub left behind; or why it cannot move."""
    if not can_move(source):
        return GONE
    if has_answers_of_its_own(target):
        return HAS_ITS_OWN
    seen = [*(target.recent_inputs if target else []), *source.recent_inputs]
    if inbound_id is not None:
        seen.append(inbound_id)  # a redelivery of the code itself is then a repeat, not a "used" code
    arrived = source.model_copy(deep=True, update={
        "respondent_id": target_id, "channel": channel, "pending": None,
        "moved_from": [*source.moved_from, source.respondent_id],  # the reminders sent there still count
        "recent_inputs": list(dict.fromkeys(seen))[-RECENT_INPUTS_KEPT:],
    })
    outcome = engine.apply(q, arrived, Resume(), now, translations=translations)  # "Welcome back", the question
    t = translations(language_of(q, arrived))
    welcome = t.gettext(ARRIVED_TOLD if told else ARRIVED).format(app=app_of(source.respondent_id, t))
    reply = outcome.reply.model_copy(update={"messages": [welcome, *outcome.reply.messages]})
    stub = Session(respondent_id=source.respondent_id, channel=source.channel,
                   recent_inputs=source.recent_inputs, moved_to=target_id, updated_at=now, language=source.language)
    told_there = translations(language_of(q, source))
    notice = Reply(messages=[told_there.gettext(TOLD_BEFORE).format(app=app_of(target_id, told_there))], ask=False,
                   status=Status.NEW, language=told_there.language)
    return Moved(outcome.session, stub, reply, notice)
