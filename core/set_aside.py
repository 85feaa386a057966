"""Answers whose question no longer applies: set aside, never deleted, back when it applies again. Pure.

A respondent who changes category, or a questionnaire file whose condition changed, takes a question
out of a respondent's path. RapidPro and ODK keep such values out of the submitted data; here they
are also kept aside, so that they come back if the question applies again, and the secretariat sees them.
"""

from __future__ import annotations

from datetime import datetime

from core import flow
from core.session import Answer, Draft, Session, SetAside
from questionnaire.model import Item, Questionnaire

UNFINISHED = "The question was removed from the questionnaire while this answer was being written."


def settle(q: Questionnaire, s: Session, now: datetime) -> None:
    """Set aside the answers that no longer apply; bring back the set-aside ones that apply again."""
    candidates = dict(s.answers)
    for key, aside in s.set_aside.items():
        if key not in candidates and q.has(key) and aside.why != UNFINISHED:
            candidates[key] = aside.answer
    kept, out = flow.split(q, candidates)
    newly = {key: SetAside(answer=a, at=now, why=why(q, q.item(key), kept)) for key, a in out.items()
             if key in s.answers}
    s.set_aside = {key: a for key, a in s.set_aside.items() if key not in kept} | newly
    s.answers = kept


def keep_draft(s: Session, draft: Draft, now: datetime) -> None:
    """Keep the text of an unfinished answer to a removed question (its messages were acknowledged)."""
    if draft.parts and draft.item_id not in s.set_aside:
        answer = Answer(value=draft.text, at=now, text=f"(removed question {draft.item_id})")
        s.set_aside[draft.item_id] = SetAside(answer=answer, at=now, why=UNFINISHED)


def counted(q: Questionnaire, session: Session) -> tuple[dict[str, Answer], dict[str, SetAside]]:
    """The answers that count under the questionnaire in use, and those set aside from them."""
    kept, out = flow.split(q, session.counted)
    # Set aside since the last submission, an answer still counts as submitted until the next one.
    aside = {key: a for key, a in session.set_aside.items() if key not in kept}
    aside.update({key: SetAside(answer=a, at=None, why=why(q, q.item(key), kept)) for key, a in out.items()})
    return kept, aside


def why(q: Questionnaire, item: Item, answers: dict[str, Answer]) -> str:
    """In a sentence for the secretariat: the condition that no longer holds."""
    assert item.when is not None
    target = q.item(item.when.item)
    given = answers.get(target.id)
    value = given.value if given is not None else None
    shown = ", ".join(value) if isinstance(value, list) else value if isinstance(value, str) else "no answer"
    return f"Asked only when {label(target)} is {' or '.join(item.when.any_of)}; the answer there is {shown}."


def label(item: Item) -> str:
    """How the secretariat recognises an item: its number, else its id."""
    return f"question {item.number}" if item.number else f"item '{item.id}'"
