"""Numbers and dates as each language writes them (Babel's CLDR data), with Latin digits everywhere."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal


def number(n: int, lang: str) -> str:
    """A count with the language's grouping: 12,345 in English, 12 345 in French."""
    return format_decimal(n, locale=lang, numbering_system="latn")


def day(when: datetime, lang: str) -> str:
    """A date in words: '03 December 2026' in English (as before), the language's long form elsewhere."""
    return format_date(when, "dd MMMM y" if lang == "en" else "long", locale=lang)


def clock(when: datetime, lang: str) -> str:
    """A time of day on the 24-hour clock."""
    return format_time(when, "HH:mm", locale=lang)
