"""What a respondent can do, as transport-neutral commands, and how typed words map to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.i18n import language_named
from core.invitations.model import Invitation
from core.numbers import ascii_digits


@dataclass(frozen=True)
class Start:
    """Begin, or come back: shows where the respondent is. `payload` is an invitation code."""

    payload: str | None = None
    # Set by the service once it has looked `payload` up: the invitation found (maybe revoked), or None.
    invitation: Invitation | None = None
    looked_up: bool = False
    # Set by the service: `consult window --late` allows answers under `payload` after closing.
    late: bool = False


@dataclass(frozen=True)
class Resume:
    """A front end opening the conversation (not the respondent typing 'start'): show where they are.

    Unlike Start, it never begins again after a withdrawal.
    """


@dataclass(frozen=True)
class SendText:
    """Typed text: an answer, a part of a long answer, or an option by number or name.

    `ref` names the platform message that carried it, so that a later edit of that message can
    update the answer it gave.
    """

    text: str
    ref: str | None = None


@dataclass(frozen=True)
class EditMessage:
    """The respondent edited an earlier message (`ref`); `text` is its new text."""

    ref: str
    text: str


@dataclass(frozen=True)
class ChooseOptions:
    """Options picked by a button or a menu, for the item `item_id` (0-based indexes)."""

    item_id: str
    options: tuple[int, ...]


@dataclass(frozen=True)
class PickCountry:
    """A country offered after "did you mean ...?", picked with a button: its ISO 3166-1 code."""

    code: str


@dataclass(frozen=True)
class ToggleOption:
    """Tick or untick one option of a multiple-choice item (buttons with check marks)."""

    item_id: str
    option: int


@dataclass(frozen=True)
class FinishAnswer:
    """'done': the long answer (or the ticked options) is complete."""


@dataclass(frozen=True)
class GoBack:
    """'back': the previous question."""


@dataclass(frozen=True)
class SkipItem:
    """'skip': leave an optional question unanswered."""


@dataclass(frozen=True)
class KeepAnswer:
    """'keep': keep the answer already given and move on."""


@dataclass(frozen=True)
class AddToAnswer:
    """'add': continue an earlier long answer instead of replacing it."""


@dataclass(frozen=True)
class ShowReview:
    """'review': every answer so far, numbered."""


@dataclass(frozen=True)
class EditItem:
    """'edit N': go to question N. `number` is None when the respondent gave no valid number."""

    number: int | None
    raw: str = ""


@dataclass(frozen=True)
class ShowAnswer:
    """'show N': the full text of the answer to question N (the review shortens long answers)."""

    number: int | None
    raw: str = ""


@dataclass(frozen=True)
class SubmitAnswers:
    """'submit': send the answers to the secretariat."""


@dataclass(frozen=True)
class ShowStatus:
    """'status': where the respondent is, then the current question again."""


@dataclass(frozen=True)
class ShowHelp:
    """'help': what can be typed."""


@dataclass(frozen=True)
class RestartAnswers:
    """'restart': clear the answers and begin again (asks for confirmation)."""


@dataclass(frozen=True)
class WithdrawAnswers:
    """'withdraw': delete every answer of this respondent (asks for confirmation)."""


@dataclass(frozen=True)
class Confirm:
    """Yes to a pending restart or withdraw."""


@dataclass(frozen=True)
class Cancel:
    """'cancel': drop an unfinished long answer, or a pending restart or withdraw."""


@dataclass(frozen=True)
class StopReminders:
    """'stop reminders': no more reminders to this respondent (announcements still come)."""


@dataclass(frozen=True)
class StartReminders:
    """'start reminders': reminders again, after 'stop reminders'."""


@dataclass(frozen=True)
class ChooseLanguage:
    """'language': show the choice of languages; 'language fr' (or a button): speak that one from now on."""

    code: str | None = None
    raw: str = ""


@dataclass(frozen=True)
class ForItem:
    """A command from a button drawn under question `item_id` (and contact field `field`): refused once
    the conversation has moved on."""

    item_id: str
    command: Input
    field: int | None = None


@dataclass(frozen=True)
class ForPending:
    """Yes or no from a button drawn under a restart or withdraw question: refused for any other."""

    pending: str
    command: Input


@dataclass(frozen=True)
class ContinueElsewhere:
    """'continue elsewhere': a one-time code that moves this response to another front end."""


@dataclass(frozen=True)
class ResumeWith:
    """A code from 'continue elsewhere', given on the front end the response is to move to."""

    code: str


Input = (
    Start | Resume | SendText | EditMessage | ChooseOptions | ToggleOption | FinishAnswer | GoBack | SkipItem
    | KeepAnswer | AddToAnswer | ShowReview | ShowAnswer | EditItem | SubmitAnswers | ShowStatus | ShowHelp
    | RestartAnswers | WithdrawAnswers | Confirm | Cancel | ForItem | ForPending | ContinueElsewhere | ResumeWith
    | StopReminders | StartReminders | PickCountry | ChooseLanguage
)

# Inputs that only show something: allowed at any moment, even mid-answer or after closing.
READ_ONLY = (ShowReview, ShowAnswer, ShowStatus, ShowHelp)
# Two-word commands, taken whatever the spacing and case ("Stop  reminders").
_PHRASES: dict[str, Input] = {"stop reminders": StopReminders(), "start reminders": StartReminders()}

_WORDS: dict[str, Input] = {
    "start": Start(), "back": GoBack(), "skip": SkipItem(), "keep": KeepAnswer(),
    "add": AddToAnswer(), "done": FinishAnswer(), "review": ShowReview(),
    "submit": SubmitAnswers(), "status": ShowStatus(), "help": ShowHelp(),
    "restart": RestartAnswers(), "withdraw": WithdrawAnswers(), "cancel": Cancel(),
    "continue elsewhere": ContinueElsewhere(), "continue_elsewhere": ContinueElsewhere(),
}
# 'language', or 'language' and the language wanted ('language fr', 'language Français').
_LANGUAGE = re.compile(r"^language(?:\s+(?P<arg>\S+))?$", re.IGNORECASE)
# One token at most after "edit" or "show", so that an answer beginning "Edit the ..." stays an answer.
_NUMBERED = re.compile(r"^(?P<verb>edit|show)(?:\s+(?P<arg>\S+))?$", re.IGNORECASE)
# A message of numbers only ("1, 3" or "3.5" in any script's digits): as ASCII digits and marks. Arabic,
# full-width and ideographic commas and the full-width semicolon separate numbers too; the Arabic
# decimal separator is a decimal point.
_MARKS = {"\u060c": ",", "\uff0c": ",", "\u3001": ",", "\uff1b": ";", "\u066b": "."}
_NUMBERS_ONLY = re.compile(r"^[0-9\s,;." + "".join(_MARKS) + "]+$")
_SEPARATORS = str.maketrans(_MARKS)
_START = re.compile(r"^/start\s+(?P<payload>\S+)$", re.IGNORECASE)
# A code to move a response here: '/start move-...' (a Telegram link), 'resume move-...' typed anywhere,
# or '/resume X' with any X. Without the slash, only the codes' prefix makes it one (an answer
# "resume everything" stays an answer); a mistyped code that keeps the prefix is refused, not stored.
_RESUME = re.compile(r"^(?:/start|/?resume)\s+(?P<code>move-\S*)$|^/resume\s+(?P<any>\S+)$", re.IGNORECASE)


def parse_text(text: str, ref: str | None = None) -> Input:
    """Read a typed message: a command word (with or without a leading '/') or plain text.

    The one place where typed numbers are read: digits of any script (Arabic-Indic, full-width...) become ASCII
    here, in commands and in messages of numbers only; words keep the digits they were written with.
    """
    if _NUMBERS_ONLY.match(digits := ascii_digits(text)):
        text = digits.translate(_SEPARATORS)
    stripped = text.strip()
    word = stripped.removeprefix("/").strip()
    command = _WORDS.get(word.casefold()) or _PHRASES.get(" ".join(word.casefold().split()))
    if command is not None:
        return command
    if (language := _LANGUAGE.match(word)) is not None:
        arg = language.group("arg") or ""
        return ChooseLanguage(language_named(arg) if arg else None, arg)
    if (numbered := _NUMBERED.match(word)) is not None:
        arg = ascii_digits(numbered.group("arg") or "")
        number = int(arg) if arg.isdecimal() and len(arg) < 6 else None
        return EditItem(number, arg) if numbered.group("verb").casefold() == "edit" else ShowAnswer(number, arg)
    if (resume := _RESUME.match(stripped)) is not None:
        return ResumeWith(resume.group("code") or resume.group("any"))
    if (start := _START.match(stripped)) is not None:
        return Start(start.group("payload"))
    return SendText(text, ref)
