"""A country as a respondent types it, read forgivingly: a name in any of the six languages, a code, an alias."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from functools import cache

from core.answers import Invalid, looks_like_email
from core.countries.names import alpha_3, codes, flags, is_country, name, spellings
from core.i18n import N_, Translator

MAX_CANDIDATES = 3
# How alike a misspelling must be to a name to be offered (difflib's ratio): "Brazl" is 0.91 of "brazil".
CUTOFF = 0.75
# A typed word found inside longer names ("Korea" in "South Korea") is offered only from this length on.
MIN_WORD = 4

# Short, common and former names that CLDR and ISO leave out. A name standing for several countries
# ("Congo") lists them all: the respondent is asked which one they mean.
ALIASES: dict[str, tuple[str, ...]] = {
    # The UN's own names (UNTERM) where CLDR uses a short one: what government respondents type.
    "Netherlands (Kingdom of the)": ("NL",), "Российская Федерация": ("RU",), "الاتحاد الروسي": ("RU",),
    "俄罗斯联邦": ("RU",), "Fédération de Russie": ("RU",), "Federación de Rusia": ("RU",),
    "République de Corée": ("KR",), "República de Corea": ("KR",), "Республика Корея": ("KR",),
    "大韩民国": ("KR",), "جمهورية كوريا": ("KR",),
    "République démocratique du Congo": ("CD",), "República Democrática del Congo": ("CD",),
    "Демократическая Республика Конго": ("CD",), "刚果民主共和国": ("CD",), "جمهورية الكونغو الديمقراطية": ("CD",),
    "中华人民共和国": ("CN",), "République populaire de Chine": ("CN",), "República Popular China": ("CN",),
    "Китайская Народная Республика": ("CN",), "جمهورية الصين الشعبية": ("CN",),
    "Estados Unidos de América": ("US",), "États-Unis d'Amérique": ("US",), "Соединенные Штаты Америки": ("US",),
    "美利坚合众国": ("US",), "الولايات المتحدة الأمريكية": ("US",),
    "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord": ("GB",),
    "Reino Unido de Gran Bretaña e Irlanda del Norte": ("GB",),
    "Соединенное Королевство Великобритании и Северной Ирландии": ("GB",), "大不列颠及北爱尔兰联合王国": ("GB",),
    "المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية": ("GB",),
    "USA": ("US",), "US": ("US",), "U.S.": ("US",), "America": ("US",), "EEUU": ("US",), "EE. UU.": ("US",),
    "UK": ("GB",), "U.K.": ("GB",), "Great Britain": ("GB",), "Britain": ("GB",), "England": ("GB",),
    "Scotland": ("GB",), "Wales": ("GB",), "Northern Ireland": ("GB",), "Angleterre": ("GB",),
    "Inglaterra": ("GB",), "Англия": ("GB",),
    "Holland": ("NL",), "Hollande": ("NL",), "Holanda": ("NL",), "Голландия": ("NL",),
    "Brasil": ("BR",), "Turkey": ("TR",), "Turkiye": ("TR",),
    "Ivory Coast": ("CI",), "Swaziland": ("SZ",), "Suazilandia": ("SZ",), "Свазиленд": ("SZ",),
    "Czech Republic": ("CZ",), "République tchèque": ("CZ",), "República Checa": ("CZ",),
    "Macedonia": ("MK",), "Macédoine": ("MK",), "Burma": ("MM",), "Birmanie": ("MM",), "Birmania": ("MM",),
    "Congo": ("CG", "CD"), "DRC": ("CD",), "DR Congo": ("CD",), "RDC": ("CD",), "Zaire": ("CD",),
    "Palestine": ("PS",), "فلسطين": ("PS",), "Палестина": ("PS",), "巴勒斯坦": ("PS",), "Vatican": ("VA",),
    "UAE": ("AE",), "Emirates": ("AE",), "KSA": ("SA",), "DPRK": ("KP",), "East Timor": ("TL",),
    "Deutschland": ("DE",), "Schweiz": ("CH",), "Byelorussia": ("BY",), "Белоруссия": ("BY",),
    "Cape Verde": ("CV",), "Lao PDR": ("LA",), "PRC": ("CN",),
}

# Arabic letters typed in several ways (hamza forms fold with the accents): the common variants as one.
# Teh marbuta as heh, alef maksura as yeh, the tatweel (a stretching stroke) dropped.
_ARABIC = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})
# Full stops inside a word ("U.S.A.", "St.") are dropped; every other punctuation mark parts words, the
# apostrophe (straight or typographic) too: "Côte d'Ivoire", "côte d ivoire" and "COTE D IVOIRE" are one.
_JOINERS = frozenset(".")

EMPTY = N_("Please type the name of your country.")
EMAIL = N_("That looks like an e-mail address. Please type the name of your country here, for example: Brazil.")
NUMBER = N_("Please type the name of your country, not a number. For example: Brazil, or its code BR.")
NO_LETTERS = N_("Please type the name of your country in letters. For example: Brazil, or its code BR.")
# Translators: {typed} is what the respondent typed as their country.
NOT_FOUND = N_(
    "I could not find “{typed}” in the list of countries. Please check the spelling, or type the "
    "country's two-letter code, for example: BR for Brazil."
)

UNSURE = N_("I am not sure which country you mean by “{typed}”. Please type its full name or its two-letter code.")


@dataclass(frozen=True)
class Found:
    """The country meant: its ISO 3166-1 alpha-2 code."""

    code: str


@dataclass(frozen=True)
class Unsure:
    """Not sure which country is meant: up to MAX_CANDIDATES codes to offer (none: nothing alike)."""

    candidates: tuple[str, ...]


def read(text: str) -> Found | Unsure | Invalid:
    """The country a respondent typed, the candidates when unsure, or why the text is no country."""
    typed = " ".join(text.split())
    if not typed:
        return Invalid(EMPTY)
    if looks_like_email(typed):
        return Invalid(EMAIL)
    if typed in flags():
        return Found(flags()[typed])
    if not any(char.isalpha() for char in typed):
        return Invalid(NUMBER if any(char.isdecimal() for char in typed) else NO_LETTERS)
    if typed.isupper() and is_country(typed):
        return Found(typed)  # "BR"; a lower-case "no" or "in" is more likely a word than a code: asked below
    key = fold(typed)
    exact = _index().get(key, ())
    if len(exact) == 1:
        return Found(exact[0])
    if exact:
        return Unsure(exact[:MAX_CANDIDATES])
    if len(key) == 2 and is_country(key.upper()):
        return Unsure((key.upper(),))
    return Unsure(_alike(key))


def exact(text: str) -> str | None:
    """The code of the one country the text names exactly (no guessing): "KE", "kenya", "Kenya " -> "KE"."""
    typed = " ".join(text.split())
    if typed.isupper() and is_country(typed):
        return typed
    found = _index().get(fold(typed), ())
    return found[0] if len(found) == 1 else None


def shown(value: str, lang: str | None = None) -> str:
    """A stored country as people read it: by name in `lang` (English when None); text naming none as typed.

    Answers given before the field had the kind "country" are free text: "kenya" is shown as Kenya,
    "Land 3" as typed.
    """
    code = exact(value)
    return name(code, lang) if code is not None else value


def fold(text: str) -> str:
    """Text as compared: case, accents, Arabic letter variants and punctuation folded, a leading 'the' dropped."""
    kept = []
    for char in unicodedata.normalize("NFKD", text):  # NFKD: full-width letters become ASCII, accents come apart
        category = unicodedata.category(char)
        if category.startswith("M") or char in _JOINERS:
            continue
        kept.append(" " if category[0] in "PSZ" else char)
    folded = " ".join("".join(kept).casefold().translate(_ARABIC).split())
    return folded.removeprefix("the ")


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Every folded name, code and alias -> the countries it names (usually one)."""
    index: dict[str, list[str]] = {}

    def add(spelling: str, code: str) -> None:
        found = index.setdefault(fold(spelling), [])
        if code not in found:
            found.append(code)

    for code in codes():
        for spelling in spellings(code):
            add(spelling, code)
    for three, two in alpha_3().items():
        add(three, two)
    for alias, targets in ALIASES.items():
        for code in targets:
            add(alias, code)
    return {key: tuple(found) for key, found in index.items() if key}


@cache
def _names() -> list[str]:
    """The keys a misspelling is compared with: not the codes ("kna" is 0.75 like "kneya"), but "巴西" is a name."""
    return [key for key in _index() if len(key) > 3 or not key.isascii()]


def _alike(key: str) -> tuple[str, ...]:
    """The countries whose names look like `key` (best first), or contain it as a word."""
    index = _index()
    close = difflib.get_close_matches(key, _names(), n=10, cutoff=CUTOFF)
    if len(key) >= MIN_WORD:
        close += [known for known in index if f" {key} " in f" {known} "]
    found: list[str] = []
    for known in close:
        found += [code for code in index[known] if code not in found]
    return tuple(found[:MAX_CANDIDATES])


def code_of(text: str, t: Translator) -> str | Invalid:
    """The country's code when the text names one for sure (an edited message: nothing to offer there)."""
    found = read(text)
    if isinstance(found, Found):
        return found.code
    if isinstance(found, Invalid):
        return Invalid(t.gettext(found.reason))
    typed = " ".join(text.split())
    return Invalid(not_found(text, t) if not found.candidates else t.gettext(UNSURE).format(typed=typed))


def not_found(text: str, t: Translator) -> str:
    """The message for a text that names no country and looks like none."""
    return t.gettext(NOT_FOUND).format(typed=" ".join(text.split()))
