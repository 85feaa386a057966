"""Answers given under an option's old name, read under its new one (`renamed_options`). Pure."""

from __future__ import annotations

from core.session import Answer, Session
from questionnaire.model import Questionnaire

Renames = dict[str, dict[str, str]]  # item id -> old option name -> new name


def renames(q: Questionnaire) -> Renames:
    """Every renamed option of the questionnaire, by item."""
    return {item.id: dict(item.renamed_options) for item in q.items if item.renamed_options}


def migrate(q: Questionnaire, session: Session) -> Session:
    """The session with old option names replaced by the new ones; the same object if none is used."""
    table = renames(q)
    if not table:
        return session
    answers = rename_all(session.answers, table)
    submissions = [s.model_copy(update={"answers": rename_all(s.answers, table)}) for s in session.submissions]
    set_aside = {key: aside.model_copy(update={"answer": renamed(key, aside.answer, table)})
                 for key, aside in session.set_aside.items()}
    if answers == session.answers and submissions == session.submissions and set_aside == session.set_aside:
        return session
    return session.model_copy(update={"answers": answers, "submissions": submissions, "set_aside": set_aside})


def rename_all(answers: dict[str, Answer], table: Renames) -> dict[str, Answer]:
    """Each answer with its old option names replaced."""
    return {key: renamed(key, answer, table) for key, answer in answers.items()}


def renamed(item_id: str, answer: Answer, table: Renames) -> Answer:
    """One answer with its old option names replaced (the same object if it holds none)."""
    names = table.get(item_id)
    value = answer.value
    if not names or value is None or isinstance(value, dict):
        return answer
    if isinstance(value, str):
        return answer.model_copy(update={"value": names[value]}) if value in names else answer
    if not any(v in names for v in value):
        return answer
    new = list(dict.fromkeys(names.get(v, v) for v in value))
    return answer.model_copy(update={"value": new})

