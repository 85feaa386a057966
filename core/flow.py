"""Which items apply to a respondent, in what order, and which still need an answer."""

from __future__ import annotations

from core.session import Answer
from questionnaire.model import Item, Kind, Questionnaire, Role


def condition_holds(item: Item, answers: dict[str, Answer]) -> bool:
    """True when the item has no condition, or its condition is met by the answers given."""
    if item.when is None:
        return True
    answer = answers.get(item.when.item)
    if answer is None or answer.value is None:
        return False
    given = [answer.value] if isinstance(answer.value, str) else list(answer.value)
    return any(value in item.when.any_of for value in given)


def role_values(q: Questionnaire, answers: dict[str, Answer], role: Role) -> list[str]:
    """The options chosen at the items with this role (consent, category...), in questionnaire order."""
    found: list[str] = []
    for item in q.with_role(role):
        answer = answers.get(item.id)
        if answer is not None and isinstance(answer.value, str):
            found.append(answer.value)
        elif answer is not None and isinstance(answer.value, list):
            found.extend(answer.value)
    return found


def steps(q: Questionnaire, answers: dict[str, Answer]) -> list[Item]:
    """Every item shown to this respondent, notes included, in order."""
    return [item for item in q.items if condition_holds(item, answers)]


def questions(q: Questionnaire, answers: dict[str, Answer]) -> list[Item]:
    """The items this respondent answers, numbered 1..n in the conversation."""
    return [item for item in steps(q, answers) if item.answerable]


def split(q: Questionnaire, answers: dict[str, Answer]) -> tuple[dict[str, Answer], dict[str, Answer]]:
    """The answers that apply, and those whose condition no longer holds (in order, so chains resolve)."""
    kept: dict[str, Answer] = {}
    for item in q.items:
        if item.id in answers and condition_holds(item, kept):
            kept[item.id] = answers[item.id]
    # Answers to items removed from the file since are kept: they belong to the respondent.
    kept.update({key: value for key, value in answers.items() if not q.has(key)})
    return kept, {key: value for key, value in answers.items() if key not in kept}


def is_settled(item: Item, answer: Answer | None) -> bool:
    """Answered in full, or skipped."""
    if answer is None:
        return False
    if answer.value is None:
        return not item.required
    if item.kind is Kind.FIELDS and isinstance(answer.value, dict):
        return all(answer.value.get(f.id) for f in item.fields if f.required)
    return True


def is_answered(item: Item, answer: Answer | None) -> bool:
    """Answered in full (not skipped)."""
    return answer is not None and answer.value is not None and is_settled(item, answer)


def missing_required(q: Questionnaire, answers: dict[str, Answer]) -> list[Item]:
    """Required items that apply and have no full answer."""
    return [
        item for item in questions(q, answers)
        if item.required and not is_answered(item, answers.get(item.id))
    ]


def number_of(q: Questionnaire, answers: dict[str, Answer], item_id: str) -> int:
    """The item's 1-based number in this respondent's conversation (0 if it does not apply)."""
    ids = [item.id for item in questions(q, answers)]
    return ids.index(item_id) + 1 if item_id in ids else 0


def next_open(q: Questionnaire, answers: dict[str, Answer], after: str | None) -> Item | None:
    """The first item after `after` (from the start when None) not settled yet, notes included."""
    shown = steps(q, answers)
    ids = [item.id for item in shown]
    start = ids.index(after) + 1 if after in ids else 0
    for item in shown[start:]:
        if item.kind is Kind.NOTE or not is_settled(item, answers.get(item.id)):
            return item
    return None


def previous(q: Questionnaire, answers: dict[str, Answer], before: str | None) -> Item | None:
    """The question before `before` (the last one when None), notes passed over."""
    asked = questions(q, answers)
    ids = [item.id for item in asked]
    end = ids.index(before) if before in ids else len(asked)
    return asked[end - 1] if end > 0 else None


def first_open(q: Questionnaire, answers: dict[str, Answer], start: int = 0) -> Item | None:
    """The first question not settled yet from position `start` of the file, else from the top."""
    position = {item.id: n for n, item in enumerate(q.items)}
    open_ = [item for item in questions(q, answers) if not is_settled(item, answers.get(item.id))]
    later = [item for item in open_ if position[item.id] >= start]
    found = later or open_
    return found[0] if found else None
