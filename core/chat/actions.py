"""Buttons as short tokens. A token comes back from the platform when pressed; it may be forged."""

from __future__ import annotations

import re

from core import inputs as i
from core.countries import is_country
from core.i18n import supported
from questionnaire.loader import QuestionnaireError
from questionnaire.model import Kind, Questionnaire

MAX_PLACES = 9_999
# Telegram's callback_data limit (InlineKeyboardButtonLimit.MAX_CALLBACK_DATA), the smallest of the platforms'.
MAX_TOKEN_BYTES = 64

# "c:3:1" picks option 1 of item 3, "t:3:1" ticks or unticks it, "w:done" is a command word,
# "w:skip:3" one drawn under item 3 and "w:skip:1.2" under field 2 of item 1 (an old Skip must not
# skip whatever is asked now); "y:withdraw" and "n:withdraw" answer that confirmation only; "k:1.2:BR"
# picks Brazil for country field 2 of item 1 after "did you mean ...?" (the code, not its place in a
# list that a later message may have changed). Items are numbered by their place in the questionnaire:
# ids can be long, places never exceed a few digits.
_TOKEN = re.compile(
    r"(?P<kind>[ct]):(?P<item>[0-9]{1,4}):(?P<option>[0-9]{1,4})"
    r"|w:(?P<word>[a-z]{1,12})(?::(?P<at>[0-9]{1,4})(?:\.(?P<field>[0-9]{1,2}))?)?"
    r"|(?P<yes_no>[yn]):(?P<pending>restart|withdraw)"
    r"|k:(?P<k_item>[0-9]{1,4})\.(?P<k_field>[0-9]{1,2}):(?P<country>[A-Z]{2})"
    r"|l:(?P<lang>[a-z]{2})"
)

WORDS: dict[str, i.Input] = {
    "done": i.FinishAnswer(), "back": i.GoBack(), "skip": i.SkipItem(), "keep": i.KeepAnswer(),
    "add": i.AddToAnswer(), "review": i.ShowReview(), "submit": i.SubmitAnswers(), "status": i.ShowStatus(),
    "help": i.ShowHelp(), "start": i.Start(), "cancel": i.Cancel(),
}


def choose(q: Questionnaire, item_id: str, option: int) -> str:
    """The token of an option button (single choice)."""
    return f"c:{_place(q, item_id)}:{option}"


def toggle(q: Questionnaire, item_id: str, option: int) -> str:
    """The token of a tick-box button (multiple choice)."""
    return f"t:{_place(q, item_id)}:{option}"


def word(name: str, q: Questionnaire | None = None, item_id: str | None = None, field: int | None = None) -> str:
    """The token of a command button ('done', 'back', ...), bound to the question (and field) it is under."""
    if name not in WORDS:
        raise ValueError(f"no button for {name!r}")
    if q is None or item_id is None:
        return f"w:{name}"
    return f"w:{name}:{_place(q, item_id)}" + (f".{field}" if field is not None else "")


def country(q: Questionnaire, item_id: str, field: int, code: str) -> str:
    """The token of a country offered for a contact field ("did you mean ...?")."""
    return f"k:{_place(q, item_id)}.{field}:{code}"


def confirm(pending: str, yes: bool) -> str:
    """The token of the Yes or No button of a restart or withdraw question."""
    return f"{'y' if yes else 'n'}:{pending}"


def language(code: str) -> str:
    """The token of a language button ("l:fr")."""
    return f"l:{code}"


def decode(q: Questionnaire, token: str) -> i.Input | None:
    """The input a pressed button stands for; None for anything no button of ours could have sent."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    if match.group("lang"):
        code = supported(match.group("lang"))
        return i.ChooseLanguage(code, match.group("lang")) if code is not None else None
    if match.group("pending"):
        answer = i.Confirm() if match.group("yes_no") == "y" else i.Cancel()
        return i.ForPending(match.group("pending"), answer)
    if match.group("word"):
        return _word(q, match.group("word"), match.group("at"), match.group("field"))
    if match.group("country"):
        return _country(q, int(match.group("k_item")), int(match.group("k_field")), match.group("country"))
    place, option = int(match.group("item")), int(match.group("option"))
    if place >= len(q.items):
        return None
    item = q.items[place]
    if item.kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.CONSENT) or option >= len(item.choices):
        return None
    if (match.group("kind") == "t") != (item.kind is Kind.MULTIPLE):
        return None  # ticks are for multiple choice, single picks for the rest
    if item.kind is Kind.MULTIPLE:
        return i.ToggleOption(item.id, option)
    return i.ChooseOptions(item.id, (option,))


def _word(q: Questionnaire, name: str, at: str | None, field: str | None) -> i.Input | None:
    command = WORDS.get(name)
    if command is None or at is None:
        return command
    if int(at) >= len(q.items):
        return None
    item = q.items[int(at)]
    if field is not None and int(field) >= len(item.fields):
        return None
    return i.ForItem(item.id, command, int(field) if field is not None else None)


def _country(q: Questionnaire, place: int, field: int, code: str) -> i.Input | None:
    item = q.items[place] if place < len(q.items) else None
    if item is None or field >= len(item.fields) or item.fields[field].kind != "country" or not is_country(code):
        return None
    return i.ForItem(item.id, i.PickCountry(code), field)


def check_fits(q: Questionnaire) -> None:
    """Refuse, at start-up, a questionnaire whose buttons the tokens cannot name (four digits each)."""
    longest = max((len(item.choices) for item in q.items), default=0)
    if len(q.items) > MAX_PLACES or longest > MAX_PLACES:
        raise QuestionnaireError(
            f"{q.id}: chat buttons can name {MAX_PLACES:,} items and options at most; "
            f"this questionnaire has {len(q.items):,} items and up to {longest:,} options"
        )


def _place(q: Questionnaire, item_id: str) -> int:
    return next(n for n, item in enumerate(q.items) if item.id == item_id)
