"""What a reminder says: that the answers are not submitted, where they stopped, the days left; then the question.

Each sentence is whole and in one place (translations, issue 12, take sentences, not fragments).
"""

from __future__ import annotations

from datetime import UTC, datetime

from core import render
from core.i18n import N_, Translator, translator
from core.i18n.formats import clock, day
from core.reply import Reply
from core.session import Session
from core.turn import Translations, language_of
from questionnaire.model import Questionnaire

# Translators: {title} is the questionnaire's title.
NOT_SUBMITTED = N_("A reminder: your answers to \"{title}\" are not submitted yet.")
STOPPED_AT_QUESTION = N_("You stopped at question {index} of {total}.")
STOPPED_AT_REVIEW = N_("You have answered the questions; only 'submit' is left.")
# Translators: {closes} is a date and time, e.g. "03 December 2026, 17:00".
LAST_DAY = N_("The consultation closes today, {closes} UTC.")
GO_ON = N_("Answer below to go on where you stopped, or send 'stop reminders' to get no more reminders.")


def reminder(q: Questionnaire, session: Session, now: datetime, translations: Translations = translator) -> Reply:
    """The reminder as a reply: its sentences above the question they stopped at, in one message with its buttons.

    One message, not two: half the platform's rate budget, and no second message held back a second by the
    per-chat limit.
    """
    t = translations(language_of(q, session))  # the respondent's language
    said, prompt = sentences(q, session, now, translations), render.prompt(q, session, now, t)
    if prompt is None:
        return Reply(messages=[said], ask=False, status=session.status, language=t.language)
    prompt = prompt.model_copy(update={"text": f"{said}\n\n{prompt.text}"})
    return Reply(prompt=prompt, ask=True, progress=render.progress(q, session), status=session.status,
                 language=t.language)


def sentences(q: Questionnaire, session: Session, now: datetime, translations: Translations = translator) -> str:
    """What the reminder says before the question, in the respondent's language."""
    t = translations(language_of(q, session))
    place = render.progress(q, session)
    said = [t.gettext(NOT_SUBMITTED).format(title=q.texts(t.language).title)]
    if session.cursor is None:
        said.append(t.gettext(STOPPED_AT_REVIEW))
    else:
        said.append(t.gettext(STOPPED_AT_QUESTION).format(index=place.index, total=place.total))
    if q.closes is not None and now < q.closes:
        said.append(_closing(q.closes.astimezone(UTC), now.astimezone(UTC), t))
    said.append(t.gettext(GO_ON))
    return " ".join(said)


def _closing(closes: datetime, now: datetime, t: Translator) -> str:
    """When it closes, in UTC as the sentence says; 'today' only on that calendar day."""
    days = (closes.date() - now.date()).days
    when = f"{day(closes, t.language)}, {clock(closes, t.language)}"
    if days == 0:
        return t.gettext(LAST_DAY).format(closes=when)
    # Translators: {closes} is a date and time, e.g. "03 December 2026, 17:00".
    return t.ngettext("The consultation closes on {closes} UTC, in {days} day.",
                      "The consultation closes on {closes} UTC, in {days} days.", days).format(closes=when, days=days)
