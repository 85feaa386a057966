"""What an XLSForm expression means in our model: `when` = one earlier choice item and the values that ask."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from questionnaire.xlsform.expressions import All, Any, Bound, Expression, Is, Not, Unsupported


@dataclass(frozen=True)
class Target:
    """An earlier choice item, as a relevant expression names it."""

    id: str
    multiple: bool
    values: dict[str, str]  # choice name -> the stored value (the option in the file's own language)


@dataclass(frozen=True)
class Asked:
    """Ask when the answer to `item` is one of `values` (in this order: the order the form wrote them)."""

    item: str
    values: tuple[str, ...]
    multiple: bool
    options: tuple[str, ...]


def asked(expression: Expression, targets: dict[str, Target]) -> Asked:
    """The condition, or Unsupported where our model cannot say it (two questions, 'and' on a multiple...)."""
    if isinstance(expression, Is):
        return _is(expression, targets)
    if isinstance(expression, Any):
        parts = [asked(part, targets) for part in expression.parts]
        values = tuple(dict.fromkeys(v for part in parts for v in part.values))
        return _same_item(parts, "or", values)
    if isinstance(expression, All):
        return both([asked(part, targets) for part in expression.parts])
    if isinstance(expression, Not):
        inner = asked(expression.inner, targets)
        if inner.multiple:
            raise Unsupported("not(...) on a select_multiple question cannot be said as 'one of these options'")
        return Asked(inner.item, tuple(o for o in inner.options if o not in inner.values), False, inner.options)
    raise Unsupported("a relevant expression compares answers only with options")


def both(parts: list[Asked]) -> Asked:
    """Conditions that must all hold (an item's own and its groups'): only on one single-choice item."""
    if len(parts) == 1:
        return parts[0]
    first = _same_item(parts, "and", parts[0].values)
    if first.multiple:
        raise Unsupported("'and' on a select_multiple question cannot be said as 'one of these options'")
    values = tuple(o for o in first.options if all(o in part.values for part in parts))
    if not values:
        raise Unsupported("the condition can never be true")
    return Asked(first.item, values, False, first.options)


def _same_item(parts: list[Asked], word: str, values: tuple[str, ...]) -> Asked:
    if len({part.item for part in parts}) > 1:
        raise Unsupported(f"'{word}' over two questions: consult asks an item after one earlier answer only")
    return Asked(parts[0].item, values, parts[0].multiple, parts[0].options)


def _is(expression: Is, targets: dict[str, Target]) -> Asked:
    target = targets.get(expression.name)
    if target is None:
        raise Unsupported(f"${{{expression.name}}} is not an earlier select_one or select_multiple question")
    if expression.value not in target.values:
        raise Unsupported(f"{expression.value!r} is not a choice of ${{{expression.name}}}")
    if target.multiple and expression.exact:
        raise Unsupported(f"write selected(${{{expression.name}}}, {expression.value!r}) for a select_multiple")
    options = tuple(target.values.values())
    return Asked(target.id, (target.values[expression.value],), target.multiple, options)


# What each kind of item may bound, and the settings a bound becomes.
_SUBJECTS = {"integer": "value", "decimal": "value", "text": "length", "multiple": "count"}
_NAMES = {"value": ("minimum", "maximum"), "length": ("", "max_length"), "count": ("min_choices", "max_choices")}


def limits(expression: Expression, kind: str) -> dict[str, int | float]:
    """Settings from a constraint: '. >= 0 and . <= 120' -> minimum 0, maximum 120 (for an integer)."""
    bounds = expression.parts if isinstance(expression, All) else (expression,)
    found: dict[str, int | float] = {}
    for bound in bounds:
        if not isinstance(bound, Bound) or bound.subject != _SUBJECTS[kind]:
            raise Unsupported(f"a {kind} question can only be limited by {_example(kind)}")
        found.update(_limit(bound, kind))
    return found


def _limit(bound: Bound, kind: str) -> dict[str, int | float]:
    number = Decimal(bound.number)
    whole = kind != "decimal"
    if whole and number != number.to_integral_value():
        raise Unsupported(f"{bound.number} is not a whole number")
    low, high = _NAMES[bound.subject]
    strict = bound.compare in ("<", ">")
    if strict and not whole:
        raise Unsupported("use <= or >= for a decimal: consult's limits include the number itself")
    value: int | float = int(number) if whole else float(number)
    if bound.compare in (">", ">=", "=") and not low:
        raise Unsupported("consult has no shortest length for a text")
    step = 1 if strict else 0
    if bound.compare == "=":
        return {low: value, high: value}
    return {low: value + step} if bound.compare.startswith(">") else {high: value - step}


def _example(kind: str) -> str:
    return {"value": ". >= 0 and . <= 120", "length": "string-length(.) <= 200",
            "count": "count-selected(.) <= 2"}[_SUBJECTS[kind]]
