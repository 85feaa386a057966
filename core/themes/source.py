"""The answers to theme, from the compilation the export builds (consent decided there, once) or a table."""

from __future__ import annotations

from pathlib import Path

from core.export.records import Compilation, value_text
from core.themes import tables
from core.themes.model import Answer
from core.themes.run import Question
from questionnaire.model import ConsentRule, Kind

OPEN = (Kind.LONG, Kind.SHORT)
NO_GROUP = "Category not given"


def from_compilation(c: Compilation) -> list[Question]:
    """Every open question with its answers, from one pass over the records.

    The compilation must be the internal one (every answer text): those who may not be quoted still
    count. Who may be quoted is what the public files would show under the consent rule: those who
    authorised citation, and under the "anonymous" rule everyone (by number only).
    """
    asked = [q for q in c.questions if q.kind in OPEN]
    found: dict[str, list[Answer]] = {q.id: [] for q in asked}
    for r in c.records:
        quotable = r.may_cite or c.rule is ConsentRule.ANONYMOUS
        subgroup = next(iter(r.subcategories.values()), "")
        for q in asked:
            answer = r.answers.get(q.id)
            text = value_text(answer.value) if answer is not None else ""
            if text.strip():
                found[q.id].append(Answer(id=str(r.number), question=q.id, group=r.category or NO_GROUP,
                                          subgroup=subgroup, text=text, may_quote=quotable))
    return [Question(q.id, q.text, found[q.id], q.item.number if q.item and q.item.number else "") for q in asked]


def from_table(path: Path, texts: dict[str, str] | None = None) -> list[Question]:
    """The questions of a responses table, in the order they first appear."""
    by_question: dict[str, list[Answer]] = {}
    for answer in tables.answers(path):
        by_question.setdefault(answer.question, []).append(answer)
    return [Question(q, (texts or {}).get(q, ""), a) for q, a in by_question.items()]
