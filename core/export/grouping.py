"""The answers to one question, grouped by stakeholder group and counted. Pure.

Both compilations (DOCX and Markdown) show answers this way, so the order of the groups and what
"gave no answer" means are decided once, here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from core.export.records import Compilation, Question, Record, Scope, value_text
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
    answers: list[tuple[Record, str]]  # (respondent, answer text), in respondent order
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
    """The groups asked the question: category, then sub-category, in option order; not given last."""
    answered: dict[str, list[tuple[Record, str]]] = {}
    silent: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    later: Counter[str] = Counter()
    order: dict[str, tuple[int, int, str]] = {}
    for record in c.records:
        if not was_asked(question, record):
            continue
        if record.group not in order:
            order[record.group] = _group_order(c.questionnaire, record)
        text = answer_text(record, question)
        if not record.shown and record.gave(question.id):
            hidden[record.group] += 1
        elif text:
            answered.setdefault(record.group, []).append((record, text))
        elif not_reached(record, question):
            later[record.group] += 1
        else:
            silent[record.group] += 1
    names = sorted(order, key=order.__getitem__)
    return [Group(name, answered.get(name, []), silent[name], hidden[name], later[name]) for name in names]


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
