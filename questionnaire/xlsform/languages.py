"""XLSForm's language columns ("label::French (fr)", "label::english") and our language codes."""

from __future__ import annotations

import re

from questionnaire.model import LANGUAGES

# The names written in exported column headers, as XLSForm's documentation writes them: "English (en)".
NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ar": "Arabic", "zh": "Chinese", "ru": "Russian"}
# Names a form may use without a code in brackets, in English and in the language itself.
_BY_NAME = {name.casefold(): code for code, name in NAMES.items()} | {
    "français": "fr", "francais": "fr", "español": "es", "espanol": "es", "العربية": "ar", "中文": "zh",
    "русский": "ru",
}
_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\)\s*$")

DEFAULT = "default"  # pyxform's key for a column with no language ("label")


class UnknownLanguage(ValueError):
    """A language column that is none of the six languages consult knows."""


def code_of(column_language: str) -> str:
    """Our code for pyxform's language key: 'French (fr)' -> 'fr', 'english' -> 'en', 'zh-Hans' -> 'zh'."""
    match = _CODE.search(column_language)
    text = match.group(1) if match else column_language.strip()
    code = text.casefold().split("-")[0].split("_")[0]
    code = code if code in LANGUAGES else _BY_NAME.get(column_language.strip().casefold(), "")
    if not code:
        known = ", ".join(f"{NAMES[c]} ({c})" for c in LANGUAGES)
        raise UnknownLanguage(f"the language {column_language!r} is not one consult knows; use one of {known}")
    return code


def column(code: str) -> str:
    """The language part of an exported column header: 'French (fr)'."""
    return f"{NAMES[code]} ({code})"
