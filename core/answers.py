"""Turn what a respondent sent into an answer value, or say plainly why it cannot be one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from questionnaire.model import ContactField, Item, Kind

# Tab and newline are ordinary in pasted text; every other control character is refused, and so
# are lone surrogates (broken UTF-16 from a client), which no file format can hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")
_SEPARATORS = re.compile(r"[,;\s]+")
# Option numbers are small; a longer run of digits is no option (and int() of >4,300 digits raises).
_MAX_DIGITS = 6
_YES = frozenset({"yes", "y"})
_NO = frozenset({"no", "n"})


@dataclass(frozen=True)
class Invalid:
    """Why a message cannot be taken as the answer."""

    reason: str


def clean(text: str) -> str | Invalid:
    """Normalise line ends and refuse empty text and control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or _CONTROL.search(text):
        return Invalid(
            "Your message contains hidden control characters, so it was not saved. "
            "Please type or paste it again as plain text."
        )
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return Invalid("Your message is empty. Please write your answer.")
    return text


def too_long(length: int, limit: int) -> Invalid | None:
    """An error when `length` characters exceed `limit`, saying by how much."""
    if length <= limit:
        return None
    return Invalid(
        f"Your answer is {length - limit:,} characters too long: it has {length:,}, "
        f"and this question allows {limit:,}. Nothing was saved. Please shorten it and send it again."
    )


def pick_one(item: Item, text: str) -> str | Invalid:
    """An option of a single-choice or consent item, by number or by name."""
    wanted = text.strip().casefold()
    choices = item.choices
    if item.kind is Kind.CONSENT:
        if wanted in _YES:
            return choices[0]
        if wanted in _NO:
            return choices[1]
    if wanted.isdecimal():
        number = int(wanted) if len(wanted) <= _MAX_DIGITS else 0
        if 1 <= number <= len(choices):
            return choices[number - 1]
        return Invalid(f"There is no option {_shown(wanted)}. Please reply with a number from 1 to {len(choices)}.")
    # A name in any language of the file gives the stable value (the option in the file's own language).
    for index, name in item.option_names():
        if name.casefold() == wanted:
            return choices[index]
    return Invalid(f"Please choose one of the options: reply with its number (1 to {len(choices)}) or its name.")


def pick_many(item: Item, text: str) -> list[str] | Invalid:
    """Options of a multiple-choice item: numbers ('1, 3') or names separated by commas."""
    tokens = [t for t in _SEPARATORS.split(text) if t]
    if tokens and all(t.isdecimal() for t in tokens):
        wrong = [t for t in tokens if len(t) > _MAX_DIGITS or not 1 <= int(t) <= len(item.options)]
        if wrong:
            return Invalid(
                f"There is no option {_shown(wrong[0])}. The options are numbered 1 to {len(item.options)}."
            )
        return check_count(item, sorted({int(t) - 1 for t in tokens}))
    indexes = _names_in(item, text)
    if isinstance(indexes, Invalid):
        return indexes
    return check_count(item, sorted(set(indexes)))


def _names_in(item: Item, text: str) -> list[int] | Invalid:
    """Option names separated by commas or semicolons; a name may hold a comma itself."""
    rest, found = text.strip().casefold(), []
    longest_first = sorted(item.option_names(), key=lambda pair: -len(pair[1]))
    while rest:
        for index, option in longest_first:
            name = option.casefold()
            if rest.startswith(name) and rest[len(name):len(name) + 1] in ("", ",", ";"):
                found.append(index)
                rest = rest[len(name):].lstrip(" ,;")
                break
        else:
            unknown = re.split(r"[,;]", rest, maxsplit=1)[0].strip()
            return Invalid(f"{unknown!r} is not one of the options. Reply with their numbers, for example: 1, 3")
    return found


def _shown(digits: str) -> str:
    return digits if len(digits) <= _MAX_DIGITS else digits[:_MAX_DIGITS] + "..."


def check_count(item: Item, indexes: list[int]) -> list[str] | Invalid:
    """The chosen options, if their number is within the item's minimum and maximum."""
    top = item.max_choices or len(item.options)
    # Choosing nothing is not an answer: an optional item is skipped instead.
    least = max(item.min_choices, 1)
    if len(indexes) < least:
        return Invalid(f"Please choose at least {least} option(s). You chose {len(indexes)}.")
    if len(indexes) > top:
        return Invalid(f"Please choose at most {top} option(s). You chose {len(indexes)}.")
    return [item.options[i] for i in indexes]


def looks_like_email(value: str) -> bool:
    """True for text shaped like an e-mail address (the same rule as the contact fields)."""
    return _EMAIL.match(value) is not None


def field_value(field: ContactField, text: str) -> str | Invalid:
    """A contact field's value: trimmed, within its length, an e-mail address where asked."""
    value = " ".join(text.split())
    if (error := too_long(len(value), field.max_length)) is not None:
        return error
    if field.kind == "email" and not _EMAIL.match(value):
        return Invalid("That does not look like an e-mail address. Please check it, for example: name@example.org")
    return value


def short_value(item: Item, text: str) -> str | Invalid:
    """A short text answer, trimmed and within the item's limit."""
    value = text.strip()
    return too_long(len(value), item.limit) or typed_value(item, value)


# Short answers that must be a whole number, a number or a date (XLSForm's integer, decimal and date).
_EXAMPLES = {"integer": "42", "decimal": "3.5", "date": "2013-08-31"}
_DECIMAL = re.compile(r"^[-+]?\d+(\.\d+)?$")
_WHAT = {"integer": "a whole number", "decimal": "a number", "date": "a date (year-month-day)"}


def typed_value(item: Item, value: str) -> str | Invalid:
    """The answer as stored (a plain number, or an ISO date), or why it is not one within the bounds."""
    if item.check is None:
        return value
    try:
        number = _read(item.check, value)
    except (ValueError, InvalidOperation):
        return Invalid(f"Please write {_WHAT[item.check]}, for example: {_EXAMPLES[item.check]}")
    if isinstance(number, str):
        return number
    return _within(item, number) or (format(number, "f") if isinstance(number, Decimal) else str(number))


def _read(check: str, value: str) -> Decimal | int | str:
    if check == "date":
        return date.fromisoformat(value).isoformat()
    if check == "integer":
        return int(value.replace(" ", ""))
    plain = value.replace(" ", "").replace(",", ".")
    if not _DECIMAL.match(plain):  # no "1e999": an exponent, infinity or NaN is no answer to "how much"
        raise ValueError(value)
    return Decimal(plain)


def _within(item: Item, number: Decimal | int) -> Invalid | None:
    low, high = item.minimum, item.maximum
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        shown = [f"at least {low}" if low is not None else "", f"at most {high}" if high is not None else ""]
        return Invalid(f"Please write a number {' and '.join(s for s in shown if s)}.")
    return None
