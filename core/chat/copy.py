"""The respondent's own copy of the answers, sent as a file after submitting."""

from __future__ import annotations

from core import flow, render
from core.i18n import Translator
from core.i18n.formats import clock, day
from core.i18n.texts import item_texts, questionnaire_texts
from core.session import Session
from questionnaire.model import Questionnaire


def file_name(q: Questionnaire) -> str:
    """The copy's file name, e.g. 'wgec2013-my-answers.txt'."""
    return f"{q.id}-my-answers.txt"


def answers_copy(q: Questionnaire, session: Session, t: Translator) -> str:
    """Every question with the whole answer as submitted (or as it stands), as plain text."""
    answers = session.counted
    if session.submitted is not None:
        at = session.submitted.at
        # Translators: {day} is a date in words, {time} a time such as 14:05.
        heading = t.gettext("Your answers, submitted on {day}, {time} UTC.").format(
            day=day(at, t.language), time=clock(at, t.language))
    else:
        heading = t.gettext("Your answers (not submitted yet).")
    lines = [questionnaire_texts(q, t).title, heading, ""]
    for number, item in enumerate(flow.questions(q, answers), start=1):
        answer = answers.get(item.id)
        shown = render.full(item, answer, t) if flow.is_settled(item, answer) else None
        lines.extend([f"{number}. {item_texts(item, t).text}", "", shown or t.gettext("(no answer)"), "", ""])
    lines.append(t.gettext(
        "Keep this file for your records. You can change your answers until the consultation closes."))
    return "\n".join(lines)
