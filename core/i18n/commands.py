"""Command words in the respondent's language, beside the English ones (which always work)."""

from __future__ import annotations

from collections.abc import Callable

from core.i18n import LANGUAGES, Translator
from core.inputs import ContinueElsewhere, Input, SendText, parse_text


def command_words(t: Translator) -> dict[str, str]:
    """English command word -> the same command in `t`'s language (each one a whole call, for extraction)."""
    return {
        # Translators: command words are typed by respondents: lower case, short, one word where possible,
        # all different from each other and from the English ones. The English words keep working too.
        "start": t.pgettext("command", "start"),
        # Translators: a command word respondents type (see "start").
        "back": t.pgettext("command", "back"),
        # Translators: a command word respondents type (see "start").
        "skip": t.pgettext("command", "skip"),
        # Translators: a command word respondents type (see "start").
        "keep": t.pgettext("command", "keep"),
        # Translators: a command word respondents type (see "start").
        "add": t.pgettext("command", "add"),
        # Translators: a command word respondents type (see "start").
        "done": t.pgettext("command", "done"),
        # Translators: a command word respondents type (see "start").
        "review": t.pgettext("command", "review"),
        # Translators: a command word respondents type (see "start").
        "show": t.pgettext("command", "show"),
        # Translators: a command word respondents type (see "start").
        "edit": t.pgettext("command", "edit"),
        # Translators: a command word respondents type (see "start").
        "submit": t.pgettext("command", "submit"),
        # Translators: a command word respondents type (see "start").
        "status": t.pgettext("command", "status"),
        # Translators: a command word respondents type (see "start").
        "help": t.pgettext("command", "help"),
        # Translators: a command word respondents type (see "start").
        "restart": t.pgettext("command", "restart"),
        # Translators: a command word respondents type (see "start").
        "withdraw": t.pgettext("command", "withdraw"),
        # Translators: a command word respondents type (see "start").
        "cancel": t.pgettext("command", "cancel"),
        # Translators: a command word respondents type (see "start").
        "language": t.pgettext("command", "language"),
        # Translators: a command word respondents type (see "start").
        "continue elsewhere": t.pgettext("command", "continue elsewhere"),
        # Translators: a command word respondents type (see "start").
        "stop reminders": t.pgettext("command", "stop reminders"),
        # Translators: a command word respondents type (see "start").
        "start reminders": t.pgettext("command", "start reminders"),
    }


def localized(command: Input, t: Translator) -> Input:
    """Typed text that is a command word of the respondent's language, as that command; anything else as it was."""
    if not isinstance(command, SendText):
        return command
    words = " ".join(command.text.strip().removeprefix("/").split())
    folded = fold(words)
    local = {fold(mine): english for english, mine in command_words(t).items() if mine != english}
    for mine in sorted(local, key=len, reverse=True):  # "stop reminders" before "stop"
        if not folded.startswith(mine):
            continue
        rest = _after(words, mine)  # as typed: an invitation code keeps its case
        # "edit 3", and "修改3": Chinese and Japanese write no space before a number.
        if not rest or rest.startswith(" ") or rest.strip().isdecimal():
            read = parse_text(f"{local[mine]} {rest.strip()}".strip(), command.ref)
            return command if isinstance(read, SendText) else read
    return command


def _after(words: str, folded_word: str) -> str:
    """What follows the command word in the words as typed (folding may change the length of the word)."""
    for end in range(len(words) + 1):
        if fold(words[:end]) == folded_word:
            return words[end:]
    return words


# Arabic as people type it: the hamza forms of alef, alef maqsura for yaa, the tatweel and the short vowels
# are often left out or typed otherwise ("الغاء" for "إلغاء").
_ARABIC = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0649": "\u064a", "\u0640": None,
                         **{chr(mark): None for mark in range(0x064B, 0x0653)}})


def fold(text: str) -> str:
    """A command word as compared: case, and the Arabic spellings of one word, folded."""
    return text.casefold().translate(_ARABIC)


def elsewhere(command: Input, translations: Callable[[str | None], Translator]) -> Input:
    """'continue elsewhere' typed in any of the six languages: the service moves answers before the engine runs,
    so this word is read before the respondent's language is known."""
    if not isinstance(command, SendText):
        return command
    words = " ".join(command.text.strip().removeprefix("/").split()).casefold()
    phrases = {translations(lang).pgettext("command", "continue elsewhere").casefold() for lang in LANGUAGES}
    return ContinueElsewhere() if words in phrases else command
