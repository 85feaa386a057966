"""The respondent's own copy of the answers, sent as a file after submitting."""

from __future__ import annotations

from core import flow, render
from core.session import Session
from questionnaire.model import Questionnaire


def file_name(q: Questionnaire) -> str:
    """The copy's file name, e.g. 'wgec2013-my-answers.txt'."""
    return f"{q.id}-my-answers.txt"


def answers_copy(q: Questionnaire, session: Session) -> str:
    """Every question with the whole answer as submitted (or as it stands), as plain text."""
    answers = session.counted
    when = session.submitted.at.strftime("%d %B %Y, %H:%M UTC") if session.submitted else None
    lines = [q.title, f"Your answers, submitted on {when}." if when else "Your answers (not submitted yet).", ""]
    for number, item in enumerate(flow.questions(q, answers), start=1):
        answer = answers.get(item.id)
        shown = render.full(item, answer) if flow.is_settled(item, answer) else None
        lines.extend([f"{number}. {item.text}", "", shown or "(no answer)", "", ""])
    lines.append("Keep this file for your records. You can change your answers until the consultation closes.")
    return "\n".join(lines)
