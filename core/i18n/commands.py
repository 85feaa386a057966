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
    folded = words.casefold()
    local = {mine.casefold(): english for english, mine in command_words(t).items() if mine != english}
    for mine in sorted(local, key=len, reverse=True):  # "stop reminders" before "stop"
        if folded == mine or folded.startswith(mine + " "):
            read = parse_text(local[mine] + words[len(mine):], command.ref)
            return command if isinstance(read, SendText) else read
    return command


def elsewhere(command: Input, translations: Callable[[str | None], Translator]) -> Input:
    """'continue elsewhere' typed in any of the six languages: the service moves answers before the engine runs,
    so this word is read before the respondent's language is known."""
    if not isinstance(command, SendText):
        return command
    words = " ".join(command.text.strip().removeprefix("/").split()).casefold()
    phrases = {translations(lang).pgettext("command", "continue elsewhere").casefold() for lang in LANGUAGES}
    return ContinueElsewhere() if words in phrases else command
