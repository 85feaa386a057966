"""What the compilation by question holds, in order: questions, counts of choices, and gaps. Pure.

The Word and Markdown compilations both follow this outline, so a choice question is a table of
counts in both, and a question the file leaves out (no public wording) is named in both.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.export.grouping import Group, was_asked
from core.export.records import Compilation, Question, Record, item_header
from questionnaire.model import Kind, Role

CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.CONSENT)
GROUP_ROLES = (Role.CATEGORY, Role.SUBCATEGORY)  # choices that make the groups: counted like any other
NUMBER = re.compile(r"(\d*)(.*)")
OTHER_NOT_SHOWN = "Other answer, not shown"  # not an option in use, from someone who may not be cited


@dataclass(frozen=True)
class Omitted:
    """Questions of the original, next to each other, that the questionnaire file leaves out."""

    notes: list[tuple[str, str]]  # (number, note)

    @property
    def heading(self) -> str:
        return f"Questions {', '.join(n for n, _ in self.notes)}: not in this compilation"

    @property
    def lines(self) -> list[str]:
        return [f"Question {number}: {note}" for number, note in self.notes]


@dataclass(frozen=True)
class ChoiceTable:
    """How many in each stakeholder group chose each option of one choice question."""

    groups: list[str]
    rows: list[tuple[str, list[int]]]  # the option, then the count in each group

    @property
    def headers(self) -> list[str]:
        return ["Answer", *self.groups, "Total"]

    def cells(self) -> list[list[str]]:
        return [[label, *(str(n) for n in counts), str(sum(counts))] for label, counts in self.rows]


Entry = Question | Omitted


def by_question(c: Compilation) -> list[Entry]:
    """The questions in questionnaire order (removed ones last), with the omitted ones in their place."""
    position = {item.id: index for index, item in enumerate(c.questionnaire.items)}
    groupers = [Question(i.id, item_header(i), i.text, i) for i in c.questionnaire.items if i.role in GROUP_ROLES]
    questions = sorted([*groupers, *c.questions], key=lambda q: position.get(q.id, len(position)))
    entries: list[Entry] = list(questions)
    for omitted in c.questionnaire.omitted:
        at = next((i for i, e in enumerate(entries) if _later(e, omitted.number)), _end_of_current(entries))
        before = entries[at - 1] if at else None
        if isinstance(before, Omitted):
            entries[at - 1] = Omitted([*before.notes, (omitted.number, omitted.note)])
        else:
            entries.insert(at, Omitted([(omitted.number, omitted.note)]))
    return entries


def title(entry: Entry) -> str:
    """The heading of an entry: the question's number and text, or which questions are left out."""
    return entry.heading if isinstance(entry, Omitted) else entry.header


def is_choice(question: Question) -> bool:
    return question.kind in CHOICE_KINDS


def choice_table(c: Compilation, question: Question, groups: list[Group]) -> ChoiceTable:
    """Counts per option and group; then options no longer offered, no answer, and not reached yet."""
    counting = ChoiceCount(question)
    for record in c.records:
        counting.add(record)
    return counting.table(groups)


class ChoiceCount:
    """The options of one choice question chosen in each group, counted as the records go by."""

    def __init__(self, question: Question) -> None:
        self._question = question
        self._chosen: dict[str, Counter[str]] = {}  # in the order first chosen
        self._unnamed: Counter[str] = Counter()  # answers that are no option in use, of those who may not be cited

    def add(self, record: Record) -> None:
        question = self._question
        if not was_asked(question, record):
            return
        if question.id in record.withheld:
            self._unnamed[record.group] += 1
        for option in _chosen(record, question):
            self._chosen.setdefault(option, Counter())[record.group] += 1

    def table(self, groups: list[Group]) -> ChoiceTable:
        """The table, with the groups of the same question (their no-answer and not-reached counts)."""
        question, chosen, unnamed = self._question, self._chosen, self._unnamed
        names = [g.name for g in groups]
        offered = list(question.item.choices) if question.item is not None else []
        options = offered + [o for o in chosen if o not in offered]
        rows = [(o, [chosen.get(o, Counter())[name] for name in names]) for o in options]
        if unnamed:
            rows.append((OTHER_NOT_SHOWN, [unnamed[name] for name in names]))
        rows.append(("No answer", [g.no_answer for g in groups]))
        if any(g.not_reached for g in groups):
            rows.append(("Not reached yet", [g.not_reached for g in groups]))
        return ChoiceTable(names, rows)


def _chosen(record: Record, question: Question) -> list[str]:
    answer = record.answers.get(question.id)
    value = answer.value if answer is not None else None
    if isinstance(value, str):
        return [value]
    return list(value) if isinstance(value, list) else []


def _later(entry: Entry, number: str) -> bool:
    if not isinstance(entry, Question) or entry.item is None or not entry.item.number:
        return False
    return _number_key(entry.item.number) > _number_key(number)


def _end_of_current(entries: list[Entry]) -> int:
    removed = [i for i, e in enumerate(entries) if isinstance(e, Question) and e.item is None]
    return removed[0] if removed else len(entries)


def _number_key(number: str) -> tuple[int, str]:
    match = NUMBER.fullmatch(number.strip())
    digits, rest = match.groups() if match else ("", number)
    return (int(digits) if digits else 1 << 30, rest)
