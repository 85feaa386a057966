"""The answers to one question, grouped by stakeholder group and counted. Pure.

Both compilations (DOCX and Markdown) show answers this way, so the order of the groups and what
"gave no answer" means are decided once, here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from core.export.records import Compilation, Question, Record, Scope, value_text
from core.export.spool import Shelf
from core.export.text import readable
from core.flow import condition_holds
from questionnaire.model import ConsentRule, Questionnaire, Role

NAMING_FIELDS = ("name", "organisation")  # the contact fields the label already shows
NO_ANSWER = "No answer"
NOT_ASKED = "Not asked (the question did not apply)"
NO_RESPONSES = "No responses yet: no respondent is in this selection, so there is nothing to compile."
CONFIDENTIAL_NOTICE = "Confidential: every respondent is named, including those who did not authorise citation."


@dataclass(frozen=True)
class Group:
    """The respondents of one stakeholder group who were asked one question."""

    name: str
    # (who, as `attribution` names them; answer text), in respondent order. Read from disk one at a
    # time when the records are spooled (core/export/by_question.py).
    answers: Sequence[tuple[str, str]]
    no_answer: int  # asked, but skipped it or left it empty
    not_shown: int = 0  # answered, counted, but not shown under the consent rule
    not_reached: int = 0  # not submitted, and not at this question yet (or on it now)

    @property
    def answered(self) -> int:
        return len(self.answers) + self.not_shown

    @property
    def counts(self) -> str:
        later = f", {self.not_reached} not reached yet" if self.not_reached else ""
        return f"{self.answered} answered, {self.no_answer} gave no answer{later}"


def group_answers(c: Compilation, question: Question) -> list[Group]:
    """The groups asked the question: category, then sub-category, in option order; not given last.

    One pass over the records for one question; the writers group every question in a single pass
    (core/export/by_question.py).
    """
    grouping = Grouping(c, question, Shelf(None, "answers"))
    for record in c.records:
        grouping.add(record)
    return grouping.groups()


class Grouping:
    """One question's groups, counted as the records go by; the answers shown are filed on a shelf."""

    def __init__(self, c: Compilation, question: Question, shelf: Shelf[tuple[str, str]]) -> None:
        self._c, self._question, self._shelf = c, question, shelf
        self._order: dict[str, tuple[int, int, str]] = {}
        self._silent: Counter[str] = Counter()
        self._hidden: Counter[str] = Counter()
        self._later: Counter[str] = Counter()

    def add(self, record: Record) -> None:
        """Count the record in its group, when the question was asked of it."""
        question = self._question
        if not was_asked(question, record):
            return
        group = record.group
        if group not in self._order:
            self._order[group] = _group_order(self._c.questionnaire, record)
        text = answer_text(record, question)
        if not record.shown and record.gave(question.id):
            self._hidden[group] += 1
        elif text:
            self._shelf.put((question.id, group), (attribution(record, self._c.confidential), text))
        elif not_reached(record, question):
            self._later[group] += 1
        else:
            self._silent[group] += 1

    def groups(self) -> list[Group]:
        """The groups counted so far, in their order."""
        names = sorted(self._order, key=self._order.__getitem__)
        return [Group(name, self._shelf.get((self._question.id, name)), self._silent[name], self._hidden[name],
                      self._later[name]) for name in names]


def not_reached(record: Record, question: Question) -> bool:
    """Still answering and not past this question: passing a question stores an answer or a skip."""
    return record.submitted_at is None and not record.met(question.id)


def answer_text(record: Record, question: Question) -> str:
    """The respondent's answer as typed, with "\\n" line ends; empty when skipped or not given.

    Each writer makes it safe for its own format (XML for DOCX, escaping for Markdown).
    """
    answer = record.shown_answers.get(question.id)
    text = value_text(answer.value) if answer is not None else ""
    if not text or text.isspace():
        return ""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def was_asked(question: Question, record: Record) -> bool:
    """False when the question's condition did not hold for this respondent, so silence is no refusal."""
    if question.item is None:
        # A removed item: only those who met it (and have an answer or a skip stored) count.
        return record.met(question.id)
    if question.item.when is None:
        return True
    return condition_holds(question.item, record.answers)


def attribution(record: Record, confidential: bool) -> str:
    """Who gave an answer: the record's label; internally followed by the other contact details."""
    others = [value for key, value in record.identity.items() if key not in NAMING_FIELDS]
    return f"{record.label} - {', '.join(others)}" if confidential and others else record.label


def describe(c: Compilation) -> str:
    """The line under a compilation's title: when, how many, and for whom."""
    who = "all who started" if c.scope is Scope.ALL else "those who submitted"
    if c.confidential:
        audience = "Internal: everyone is named."
    elif c.rule is ConsentRule.AGGREGATE:
        audience = (f"Public: only the views of respondents who authorised citation are shown; {c.not_shown} "
                    "others are counted but not shown.")
    else:
        drafts = ", and answers not yet submitted," if c.scope is Scope.ALL else ""
        audience = f"Public: respondents who did not authorise citation{drafts} are shown by number only."
    return f"Generated {c.generated_at:%d %B %Y, %H:%M %Z}. {len(c.records)} respondents ({who}). {audience}"


def not_shown_line(group: Group) -> str:
    """Under a group's answers: how many more answered but may not be shown. Empty when none."""
    if not group.not_shown:
        return ""
    responses = "response" if group.not_shown == 1 else "responses"
    return f"{group.not_shown} {responses} counted but not shown (not authorised for citation)."


def question_summary(groups: list[Group]) -> str:
    """The line under a question: how many were asked, answered, and gave no answer."""
    asked = sum(g.answered + g.no_answer for g in groups)
    later = sum(g.not_reached for g in groups)
    still = f" Not reached yet: {later} (still answering)." if later else ""
    if not asked:
        return still.strip() or "No respondent was asked this question."
    answered = sum(g.answered for g in groups)
    return f"Asked of {asked}: {answered} answered, {asked - answered} gave no answer.{still}"


def group_heading(group: Group) -> str:
    """A group's heading: its name and counts."""
    return f"{group.name} ({group.counts})"


def one_line(text: str) -> str:
    """Text for a heading or a label: readable, whitespace collapsed."""
    return readable(" ".join(text.split()))


def _group_order(q: Questionnaire, record: Record) -> tuple[int, int, str]:
    categories = [option for item in q.with_role(Role.CATEGORY) for option in item.options]
    category = _position(categories, record.category)
    sub = next(iter(record.subcategories.items()), None)
    if sub is None:
        return (category, -1, record.group)
    sub_options = q.item(sub[0]).options if q.has(sub[0]) else ()
    return (category, _position(list(sub_options), sub[1]), record.group)


def _position(options: list[str], value: str | None) -> int:
    # Known options in their order, then values the file no longer offers, then "not given".
    if value is None:
        return len(options) + 1
    return options.index(value) if value in options else len(options)
