"""The 'language' command: the six languages offered, and the respondent's choice kept in the session."""

from __future__ import annotations

from core.i18n import LANGUAGES, N_, NATIVE_NAMES, language_named
from core.inputs import ChooseLanguage, Input, SendText
from core.session import Status
from core.turn import Turn

# Translators: shown above the list of languages (and buttons in chat apps); keep "language" as your command word.
CHOOSE = N_("Choose your language: send 'language' and its code, for example: language fr")
# Translators: {text} is what the respondent typed after "language".
UNKNOWN = N_("I do not know the language '{text}', so nothing was changed.")
# Translators: say that you write in YOUR language from now on
# (in French, for example: "Désormais, je vous écris en français.").
CHOSEN = N_("From now on I write in English.")


def choose_language(turn: Turn, command: ChooseLanguage) -> None:
    """Show the choice, or speak the chosen language from now on; nothing else in the session changes."""
    if command.code is None:
        if command.raw:
            turn.messages.append(turn.t.gettext(UNKNOWN).format(text=command.raw))
        turn.messages.append(choices(turn))
        turn.languages, turn.ask = True, False
        turn.session.choosing_language = True
        return
    s = turn.session
    s.language, s.told_untranslated = command.code, False
    turn.messages.append(turn.t.gettext(CHOSEN))  # already in the new language
    # The question on screen is asked again in the new language; before starting, there is none.
    turn.ask = s.status not in (Status.NEW, Status.WITHDRAWN)


def choices(turn: Turn) -> str:
    """The six languages, one a line, with the code to type."""
    lines = [turn.t.gettext(CHOOSE)]
    lines.extend(f"{code} - {NATIVE_NAMES[code]}" for code in LANGUAGES)
    return "\n".join(lines)


def reply_to_the_list(turn: Turn, command: Input) -> Input:
    """Right after the list of languages, 'fr' or 'Français' alone picks that language (not an answer)."""
    shown, turn.session.choosing_language = turn.session.choosing_language, False
    if shown and isinstance(command, SendText) and (code := language_named(command.text.strip())) is not None:
        return ChooseLanguage(code, command.text.strip())
    return command
