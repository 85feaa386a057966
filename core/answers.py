"""Turn what a respondent sent into an answer value, or say plainly why it cannot be one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.i18n import N_, Translator
from core.i18n.formats import number
from core.i18n.texts import NO, YES
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


def clean(text: str, t: Translator) -> str | Invalid:
    """Normalise line ends and refuse empty text and control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text or _CONTROL.search(text):
        return Invalid(t.gettext(
            "Your message contains hidden control characters, so it was not saved. "
            "Please type or paste it again as plain text."
        ))
    text = unicodedata.normalize("NFC", text)
    if not text.strip():
        return Invalid(t.gettext("Your message is empty. Please write your answer."))
    return text


def too_long(length: int, limit: int, t: Translator) -> Invalid | None:
    """An error when `length` characters exceed `limit`, saying by how much."""
    if length <= limit:
        return None
    lang = t.language
    return Invalid(t.ngettext(
        "Your answer is {over} characters too long: it has {count}, and this question allows {limit}. "
        "Nothing was saved. Please shorten it and send it again.",
        "Your answer is {over} characters too long: it has {count}, and this question allows {limit}. "
        "Nothing was saved. Please shorten it and send it again.", length - limit,
    ).format(over=number(length - limit, lang), count=number(length, lang), limit=number(limit, lang)))


def pick_one(item: Item, text: str, t: Translator) -> str | Invalid:
    """An option of a single-choice or consent item, by number or by name."""
    wanted = text.strip().casefold()
    choices = item.choices
    if item.kind is Kind.CONSENT:  # yes or no, in English or as the respondent's language says it
        if wanted in _YES or wanted == t.gettext(YES).casefold():
            return choices[0]
        if wanted in _NO or wanted == t.gettext(NO).casefold():
            return choices[1]
    if wanted.isdecimal():
        number = int(wanted) if len(wanted) <= _MAX_DIGITS else 0
        if 1 <= number <= len(choices):
            return choices[number - 1]
        return Invalid(t.gettext("There is no option {number}. Please reply with a number from 1 to {last}.")
                       .format(number=_shown(wanted), last=len(choices)))
    # A name in any language of the file gives the stable value (the option in the file's own language).
    for index, name in item.option_names():
        if name.casefold() == wanted:
            return choices[index]
    return Invalid(t.gettext("Please choose one of the options: reply with its number (1 to {last}) or its name.")
                   .format(last=len(choices)))


def pick_many(item: Item, text: str, t: Translator) -> list[str] | Invalid:
    """Options of a multiple-choice item: numbers ('1, 3') or names separated by commas."""
    tokens = [token for token in _SEPARATORS.split(text) if token]
    if tokens and all(token.isdecimal() for token in tokens):
        wrong = [token for token in tokens if len(token) > _MAX_DIGITS or not 1 <= int(token) <= len(item.options)]
        if wrong:
            return Invalid(t.gettext("There is no option {number}. The options are numbered 1 to {last}.")
                           .format(number=_shown(wrong[0]), last=len(item.options)))
        return check_count(item, sorted({int(token) - 1 for token in tokens}), t)
    indexes = _names_in(item, text, t)
    if isinstance(indexes, Invalid):
        return indexes
    return check_count(item, sorted(set(indexes)), t)


def _names_in(item: Item, text: str, t: Translator) -> list[int] | Invalid:
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
            # Translators: {text} is what the respondent typed, in quotes.
            return Invalid(t.gettext("{text} is not one of the options. Reply with their numbers, for example: 1, 3")
                           .format(text=repr(unknown)))
    return found


def _shown(digits: str) -> str:
    return digits if len(digits) <= _MAX_DIGITS else digits[:_MAX_DIGITS] + "..."


def check_count(item: Item, indexes: list[int], t: Translator) -> list[str] | Invalid:
    """The chosen options, if their number is within the item's minimum and maximum."""
    top = item.max_choices or len(item.options)
    # Choosing nothing is not an answer: an optional item is skipped instead.
    least = max(item.min_choices, 1)
    if len(indexes) < least:
        return Invalid(t.ngettext("Please choose at least {least} option(s). You chose {chosen}.",
                                  "Please choose at least {least} option(s). You chose {chosen}.", least)
                       .format(least=least, chosen=len(indexes)))
    if len(indexes) > top:
        return Invalid(t.ngettext("Please choose at most {most} option(s). You chose {chosen}.",
                                  "Please choose at most {most} option(s). You chose {chosen}.", top)
                       .format(most=top, chosen=len(indexes)))
    return [item.options[i] for i in indexes]


def looks_like_email(value: str) -> bool:
    """True for text shaped like an e-mail address (the same rule as the contact fields)."""
    return _EMAIL.match(value) is not None


def field_value(field: ContactField, text: str, t: Translator) -> str | Invalid:
    """A contact field's value: trimmed, within its length, an e-mail address where asked."""
    value = " ".join(text.split())
    if (error := too_long(len(value), field.max_length, t)) is not None:
        return error
    if field.kind == "email" and not _EMAIL.match(value):
        return Invalid(t.gettext(
            "That does not look like an e-mail address. Please check it, for example: name@example.org"))
    return value


def short_value(item: Item, text: str, t: Translator) -> str | Invalid:
    """A short text answer, trimmed and within the item's limit."""
    value = text.strip()
    return too_long(len(value), item.limit, t) or typed_value(item, value, t)


# Short answers that must be a whole number, a number or a date (XLSForm's integer, decimal and date).
_EXAMPLES = {"integer": "42", "decimal": "3.5", "date": "2013-08-31"}
_DECIMAL = re.compile(r"^[-+]?\d+(\.\d+)?$")
# Translators: {example} is a number or a date written as the answer expects it.
_WHAT = {"integer": N_("Please write a whole number, for example: {example}"),
         "decimal": N_("Please write a number, for example: {example}"),
         "date": N_("Please write a date (year-month-day), for example: {example}")}


def typed_value(item: Item, value: str, t: Translator) -> str | Invalid:
    """The answer as stored (a plain number, or an ISO date), or why it is not one within the bounds."""
    if item.check is None:
        return value
    try:
        number = _read(item.check, value)
    except (ValueError, InvalidOperation):
        return Invalid(t.gettext(_WHAT[item.check]).format(example=_EXAMPLES[item.check]))
    if isinstance(number, str):
        return number
    return _within(item, number, t) or (format(number, "f") if isinstance(number, Decimal) else str(number))


def _read(check: str, value: str) -> Decimal | int | str:
    if check == "date":
        return date.fromisoformat(value).isoformat()
    if check == "integer":
        return int(value.replace(" ", ""))
    plain = value.replace(" ", "").replace(",", ".")
    if not _DECIMAL.match(plain):  # no "1e999": an exponent, infinity or NaN is no answer to "how much"
        raise ValueError(value)
    return Decimal(plain)


def _within(item: Item, number: Decimal | int, t: Translator) -> Invalid | None:
    low, high = item.minimum, item.maximum
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        if low is not None and high is not None:
            return Invalid(t.gettext("Please write a number from {low} to {high}.").format(low=low, high=high))
        if low is not None:
            return Invalid(t.gettext("Please write a number of at least {low}.").format(low=low))
        return Invalid(t.gettext("Please write a number of at most {high}.").format(high=high))
    return None
