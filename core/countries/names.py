"""The list of countries and their names in the six UN languages."""

from __future__ import annotations

from functools import cache

import pycountry
from babel import Locale

from core.i18n import LANGUAGES

# Two libraries, each for what it does well. Babel's territory names are CLDR's, reviewed by native
# speakers in every language; but Babel has no list of ISO 3166-1 codes (its territories mix in regions
# such as "001" and "EU", and codes such as "AC" or "EA" that ISO only reserves) and no alpha-3 codes.
# pycountry is ISO 3166-1 itself (Debian's iso-codes): the 249 codes, alpha-3 and English ISO names.
#
# The UN's two observer states are both ISO 3166-1 countries: the Holy See (VA), the State of Palestine (PS).
# Kosovo is not in ISO 3166-1: "XK" is a user-assigned code (used by the EU, the IMF and CLDR), and
# Kosovo is neither a UN member nor an observer state. It is in the list all the same, under CLDR's
# name: the country is a required contact detail, and a respondent from Kosovo must be able to answer.
# UN documents name it "Kosovo (under Security Council resolution 1244 (1999))"; a secretariat that
# publishes the list of countries may want to add that wording by hand.
EXTRA_CODES = ("XK",)

# The UN's own names where CLDR's differ on a point the UN is particular about (UNTERM). CLDR's names
# ("Palestinian Territories", "Vatican City") stay accepted when typed (core/countries/matching.py).
UN_NAMES: dict[str, dict[str, str]] = {
    "PS": {"en": "State of Palestine", "fr": "État de Palestine", "es": "Estado de Palestina",
           "ar": "دولة فلسطين", "zh": "巴勒斯坦国", "ru": "Государство Палестина"},
    "VA": {"en": "Holy See", "fr": "Saint-Siège", "es": "Santa Sede",
           "ar": "الكرسي الرسولي", "zh": "教廷", "ru": "Святой Престол"},
}

# Chinese is also read in traditional characters (Taiwan, Hong Kong, Macao): those names are matched too.
EXTRA_LOCALES = ("zh_Hant",)


@cache
def codes() -> tuple[str, ...]:
    """Every country's ISO 3166-1 alpha-2 code (and XK), in alphabetical order."""
    return tuple(sorted([country.alpha_2 for country in pycountry.countries] + list(EXTRA_CODES)))


def is_country(code: str) -> bool:
    """True for a code of the list, as stored ("BR"); False for anything else."""
    return code in _code_set()


@cache
def _code_set() -> frozenset[str]:
    return frozenset(codes())


@cache
def alpha_3() -> dict[str, str]:
    """Alpha-3 code -> alpha-2 code ("BRA" -> "BR")."""
    return {country.alpha_3: country.alpha_2 for country in pycountry.countries}


@cache
def flags() -> dict[str, str]:
    """Flag emoji -> alpha-2 code: a respondent in a chat app may send the flag."""
    return {country.flag: country.alpha_2 for country in pycountry.countries}


@cache
def _territories(locale: str) -> dict[str, str]:
    return dict(Locale.parse(locale).territories)


def name(code: str, lang: str | None = None) -> str:
    """A country's name in `lang` (one of LANGUAGES; English when None or another); the code if unknown."""
    chosen = lang if lang is not None and lang in LANGUAGES else "en"
    if code in UN_NAMES:
        return UN_NAMES[code][chosen]
    return _territories(chosen).get(code, code) if is_country(code) else code


def spellings(code: str) -> list[str]:
    """Every name a country is known by here: CLDR's in each language, the UN's, and ISO's English ones."""
    found = [_territories(locale).get(code) for locale in (*LANGUAGES, *EXTRA_LOCALES)]
    found += list(UN_NAMES.get(code, {}).values())
    country = pycountry.countries.get(alpha_2=code)
    if country is not None:
        found += [getattr(country, attribute, None) for attribute in ("name", "official_name", "common_name")]
        found += _reordered(country.name)
    return [spelling for spelling in found if spelling]


def _reordered(iso: str) -> list[str]:
    """ISO's "Korea, Republic of" as people write it: "Republic of Korea" (the UN's form); "the" left out too."""
    if ", " not in iso:
        return []
    name, kind = iso.split(", ", 1)
    written = f"{kind} {name}"
    return [written, written.removeprefix("The ").removeprefix("the ")]
