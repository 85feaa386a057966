"""What a reminder says: that the answers are not submitted, where they stopped, the days left; then the question.

Each sentence is whole and in one place (translations, issue 12, take sentences, not fragments).
"""

from __future__ import annotations

from datetime import UTC, datetime

from core import render
from core.reply import Reply
from core.session import Session
from questionnaire.model import Questionnaire

NOT_SUBMITTED = "A reminder: your answers to \"{title}\" are not submitted yet."
STOPPED_AT_QUESTION = "You stopped at question {index} of {total}."
STOPPED_AT_REVIEW = "You have answered the questions; only 'submit' is left."
DAYS_LEFT = "The consultation closes on {closes} UTC, in {days} days."
ONE_DAY_LEFT = "The consultation closes on {closes} UTC, in 1 day."
LAST_DAY = "The consultation closes today, {closes} UTC."
GO_ON = "Answer below to go on where you stopped, or send 'stop reminders' to get no more reminders."


def reminder(q: Questionnaire, session: Session, now: datetime) -> Reply:
    """The reminder as a reply: its sentences above the question they stopped at, in one message with its buttons.

    One message, not two: half the platform's rate budget, and no second message held back a second by the
    per-chat limit.
    """
    said, prompt = sentences(q, session, now), render.prompt(q, session, now)
    if prompt is None:
        return Reply(messages=[said], ask=False, status=session.status)
    prompt = prompt.model_copy(update={"text": f"{said}\n\n{prompt.text}"})
    return Reply(prompt=prompt, ask=True, progress=render.progress(q, session), status=session.status)


def sentences(q: Questionnaire, session: Session, now: datetime) -> str:
    """What the reminder says before the question."""
    place = render.progress(q, session)
    said = [NOT_SUBMITTED.format(title=q.title)]
    if session.cursor is None:
        said.append(STOPPED_AT_REVIEW)
    else:
        said.append(STOPPED_AT_QUESTION.format(index=place.index, total=place.total))
    if q.closes is not None and now < q.closes:
        said.append(_closing(q.closes.astimezone(UTC), now.astimezone(UTC)))
    said.append(GO_ON)
    return " ".join(said)


def _closing(closes: datetime, now: datetime) -> str:
    """When it closes, in UTC as the sentence says; 'today' only on that calendar day."""
    days = (closes.date() - now.date()).days
    template = {0: LAST_DAY, 1: ONE_DAY_LEFT}.get(days, DAYS_LEFT)
    return template.format(closes=f"{closes:%d %B %Y, %H:%M}", days=days)
