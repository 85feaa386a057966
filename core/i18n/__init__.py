"""The six UN languages: which we speak, how a locale maps to one, and the catalogue of each (gettext)."""

from __future__ import annotations

import gettext
import re
from functools import cache
from pathlib import Path
from typing import Protocol

from core.i18n import bidi

LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")
NATIVE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "zh": "中文", "ru": "Русский"}
RTL = frozenset({"ar"})
DOMAIN = "consult"
LOCALE_DIR = Path(__file__).parent / "locale"

_LOCALE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_.@].*)?$")


def supported(locale: str | None) -> str | None:
    """The language of a locale ('fr-CA' -> 'fr', 'zh_CN' -> 'zh'), or None if it is not one of ours."""
    found = _LOCALE.match(locale or "")
    lang = found.group(1).casefold() if found else None
    return lang if lang in LANGUAGES else None


# The languages' names in English, for someone who types "language french".
_ENGLISH_NAMES = {"english": "en", "french": "fr", "spanish": "es", "arabic": "ar", "chinese": "zh", "russian": "ru"}


def language_named(text: str) -> str | None:
    """The language a respondent named: a code or locale ('fr', 'fr-CA'), its own name or its English name."""
    wanted = text.strip().casefold()
    by_name = {name.casefold(): code for code, name in NATIVE_NAMES.items()}
    return supported(wanted) or by_name.get(wanted) or _ENGLISH_NAMES.get(wanted)


class Translator(Protocol):
    """What code that speaks to people needs: a sentence, a sentence with a count, a word in a context."""

    @property
    def language(self) -> str: ...

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...

    def pgettext(self, context: str, message: str) -> str: ...


class Catalogue:
    """One language's compiled catalogue; a msgid without a translation is said as it is (English).

    In a right-to-left language every placeholder comes isolated (core/i18n/bidi.py), so that the value
    put in ('E-mail', 'ana@example.org', '(UN)') keeps its order inside the sentence.
    """

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._t = translations
        self._rtl = language in RTL

    def gettext(self, message: str) -> str:
        """The message in this language."""
        said = self._t.gettext(message)
        return bidi.isolate_placeholders(said) if self._rtl else said

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of the message for the count `n` (the caller formats `{n}` or another name in)."""
        said = self._t.ngettext(singular, plural, n)
        return bidi.isolate_placeholders(said) if self._rtl else said

    def pgettext(self, context: str, message: str) -> str:
        """A short word in its context (e.g. "command"), so that one English word can be two in French."""
        return self._t.pgettext(context, message)


@cache
def translator(lang: str | None) -> Catalogue:
    """The catalogue of `lang` (loaded once per language); English, the msgids themselves, for anything else."""
    code = supported(lang) or "en"
    try:
        compiled = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code])
    except FileNotFoundError:  # a language whose catalogue is not compiled yet speaks English
        return Catalogue(code, gettext.NullTranslations())
    return Catalogue(code, compiled)


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is defined; it is translated where it is said."""
    return message


def isolate(text: str) -> str:
    """A run of text kept in its own direction inside a sentence of the other (Unicode FSI ... PDI)."""
    return f"\u2068{text}\u2069"
