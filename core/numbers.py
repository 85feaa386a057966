"""Digits as people type them: Arabic-Indic, Extended Arabic-Indic (Persian, Urdu), full-width and the rest."""

from __future__ import annotations

import unicodedata


def ascii_digits(text: str) -> str:
    """The text with every Unicode decimal digit written 0-9; all other characters unchanged.

    `str.isdecimal` and `int` already accept these digits, but the rest of the code compares and
    shows what was typed: one ASCII form keeps an Arabic-Indic three and "3" the same option, the same question.
    """
    if text.isascii():
        return text
    return "".join(_ascii(char) for char in text)


def _ascii(char: str) -> str:
    value = unicodedata.decimal(char, None)
    return char if value is None else str(value)
