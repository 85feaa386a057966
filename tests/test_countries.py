"""Countries as respondents type them, in the six UN languages; digits in every script."""

# ruff: noqa: RUF001  (look-alike digits, letters and apostrophes are what these tests type)

from __future__ import annotations

import pytest

from core import countries
from core.answers import Invalid, field_value
from core.countries import Found, Unsure
from core.i18n import LANGUAGES, translator
from core.inputs import EditItem, SendText, ShowAnswer, parse_text
from core.numbers import ascii_digits
from questionnaire.model import ContactField

SPELLINGS = [
    # The UN's own names, as government respondents write them, in the six languages
    ("Republic of Korea", "KR"), ("Democratic Republic of the Congo", "CD"), ("Republic of Moldova", "MD"),
    ("Netherlands (Kingdom of the)", "NL"), ("République de Corée", "KR"), ("República de Corea", "KR"),
    ("Российская Федерация", "RU"), ("الاتحاد الروسي", "RU"), ("中华人民共和国", "CN"), ("大韩民国", "KR"),
    ("刚果民主共和国", "CD"), ("جمهورية كوريا", "KR"), ("Estados Unidos de América", "US"),
    ("Royaume-Uni de Grande-Bretagne et d'Irlande du Nord", "GB"),
    # English: names, codes, short and former names, case, accents and punctuation folded
    ("Brazil", "BR"), ("brazil", "BR"), ("  BRAZIL ", "BR"), ("BR", "BR"), ("BRA", "BR"), ("bra", "BR"),
    ("Cote d'Ivoire", "CI"), ("côte d’ivoire", "CI"), ("COTE D IVOIRE", "CI"), ("Ivory Coast", "CI"),
    ("United States", "US"), ("USA", "US"), ("U.S.A.", "US"), ("United States of America", "US"),
    ("UK", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB"), ("Russia", "RU"),
    ("Russian Federation", "RU"), ("Holland", "NL"), ("the Netherlands", "NL"), ("Türkiye", "TR"),
    ("Turkey", "TR"), ("Swaziland", "SZ"), ("Eswatini", "SZ"), ("Burma", "MM"), ("Czech Republic", "CZ"),
    ("Viet Nam", "VN"), ("Vietnam", "VN"), ("South Korea", "KR"), ("Guinea-Bissau", "GW"),
    ("State of Palestine", "PS"), ("Palestine", "PS"), ("Holy See", "VA"), ("Vatican City", "VA"),
    ("Kosovo", "XK"), ("ＢＲＡＺＩＬ", "BR"),  # full-width letters, as some phone keyboards type them
    # French
    ("Brésil", "BR"), ("Royaume-Uni", "GB"), ("États-Unis", "US"), ("Etats Unis", "US"), ("Allemagne", "DE"),
    ("Côte d'Ivoire", "CI"), ("Égypte", "EG"), ("Corée du Sud", "KR"), ("Saint-Siège", "VA"),
    # Spanish
    ("Brasil", "BR"), ("Estados Unidos", "US"), ("Reino Unido", "GB"), ("México", "MX"), ("Mexico", "MX"),
    ("España", "ES"), ("Espana", "ES"), ("Países Bajos", "NL"), ("Holanda", "NL"), ("Estado de Palestina", "PS"),
    # Arabic (with and without hamza and vowel marks)
    ("البرازيل", "BR"), ("مصر", "EG"), ("الولايات المتحدة", "US"), ("المملكة المتحدة", "GB"),
    ("ساحل العاج", "CI"), ("روسيا", "RU"), ("دولة فلسطين", "PS"), ("إيران", "IR"), ("ايران", "IR"),
    ("الأردن", "JO"), ("الاردن", "JO"), ("مِصْر", "EG"),
    # Chinese (simplified and traditional)
    ("巴西", "BR"), ("中国", "CN"), ("中國", "CN"), ("美国", "US"), ("英国", "GB"), ("科特迪瓦", "CI"),
    ("俄罗斯", "RU"), ("巴勒斯坦国", "PS"),
    # Russian (with and without ё)
    ("Бразилия", "BR"), ("Соединенные Штаты", "US"), ("Соединённые Штаты", "US"), ("Великобритания", "GB"),
    ("Кот-д’Ивуар", "CI"), ("Россия", "RU"), ("Германия", "DE"), ("Государство Палестина", "PS"),
    # a flag, as chat apps offer it
    ("🇧🇷", "BR"), (" 🇨🇮 ", "CI"),
]


@pytest.mark.parametrize(("typed", "code"), SPELLINGS)
def test_a_country_is_found_however_it_is_spelt(typed: str, code: str) -> None:
    assert countries.read(typed) == Found(code)


def test_the_table_covers_the_six_languages_and_many_spellings() -> None:
    assert len(SPELLINGS) >= 40 and len({code for _, code in SPELLINGS}) >= 20


@pytest.mark.parametrize(("typed", "offered"), [
    ("Brazl", ("BR",)), ("Germny", ("DE",)), ("Argentinia", ("AR",)),
    ("Korea", ("KR", "KP")),  # a word of two names: both are offered
    ("Congo", ("CG", "CD")),  # a short name of two countries
    ("no", ("NO",)), ("in", ("IN",)),  # a small code in small letters is more often a word: asked, not taken
    ("Бразилья", ("BR",)), ("Kneya", ("KE",)),  # not also St Kitts and Nevis, whose code KNA looks alike
    ("Brasill", ("BR",)), ("Estados Unidoss", ("US",)), ("المغربب", ("MA",)), ("巴西亚", ("BR",)),
])
def test_when_unsure_up_to_three_candidates_are_offered(typed: str, offered: tuple[str, ...]) -> None:
    found = countries.read(typed)
    assert isinstance(found, Unsure) and set(found.candidates) == set(offered)


def test_a_word_in_many_names_offers_three_at_most() -> None:
    found = countries.read("united")
    assert isinstance(found, Unsure) and len(found.candidates) == 3
    assert {"GB", "AE"} <= set(found.candidates)


def test_nothing_alike_offers_nothing() -> None:
    assert countries.read("Atlantis of the North Sea") == Unsure(())
    assert "could not find “Atlantis”" in countries.not_found(" Atlantis ", translator("en"))


@pytest.mark.parametrize(("typed", "says"), [
    ("ana@example.org", "e-mail address"),
    ("josé@example.org", "e-mail address"),
    ("42", "not a number"),
    ("+41 22 917 12 34", "not a number"),
    ("٤٢", "not a number"),
    ("?!", "in letters"),
    ("🙂", "in letters"),
    ("", "type the name of your country"),
    ("   ", "type the name of your country"),
])
def test_what_is_no_country_is_refused_kindly(typed: str, says: str) -> None:
    found = countries.read(typed)
    assert isinstance(found, Invalid) and says in found.reason


def test_names_in_the_six_languages_and_the_un_names_of_the_observer_states() -> None:
    assert [countries.name("BR", lang) for lang in LANGUAGES] == [
        "Brazil", "Brésil", "Brasil", "البرازيل", "巴西", "Бразилия"]
    assert countries.name("PS") == "State of Palestine" and countries.name("VA", "fr") == "Saint-Siège"
    assert countries.name("CI", None) == "Côte d’Ivoire"  # English when no language is given
    assert countries.name("CI", "pt") == "Côte d’Ivoire"  # ... or one consult does not speak


def test_the_list_is_iso_3166_1_with_kosovo_and_no_regions() -> None:
    codes = countries.codes()
    assert len(codes) == 250 and {"PS", "VA", "XK", "BR", "SS"} <= set(codes)
    assert not {"001", "EU", "UN", "ZZ", "AC", "EA", "QO"} & set(codes)
    assert all(countries.name(code, lang) != code for code in codes for lang in LANGUAGES)


def test_stored_codes_are_shown_by_name_and_older_free_text_as_typed() -> None:
    assert countries.shown("KE") == "Kenya" and countries.shown("KE", "ar") == "كينيا"
    assert countries.shown("kenya ") == "Kenya"  # typed before the field was a country field
    assert countries.shown("Land 3") == "Land 3"  # names no country: as typed


# --- digits ---------------------------------------------------------------------------------------------

DIGITS = {
    "ASCII": "0123456789",
    "Arabic-Indic": "٠١٢٣٤٥٦٧٨٩",
    "Extended Arabic-Indic": "۰۱۲۳۴۵۶۷۸۹",
    "full-width": "０１２３４５６７８９",
    "Devanagari": "०१२३४५६७८९",
    "Bengali": "০১২৩৪৫৬৭৮৯",
}


@pytest.mark.parametrize("script", DIGITS)
def test_digits_of_every_script_become_ascii(script: str) -> None:
    assert ascii_digits(DIGITS[script]) == "0123456789"
    assert ascii_digits(f"edit {DIGITS[script][3]}") == "edit 3"


def test_other_characters_are_left_as_they_are() -> None:
    assert ascii_digits("Année 2013, 第三, Ⅻ, ½, ²") == "Année 2013, 第三, Ⅻ, ½, ²"  # not decimal digits


@pytest.mark.parametrize("script", DIGITS)
def test_typed_numbers_are_read_in_every_script(script: str) -> None:
    one, three = DIGITS[script][1], DIGITS[script][3]
    assert parse_text(f"edit {three}") == EditItem(3, "3")
    assert parse_text(f"show {three}") == ShowAnswer(3, "3")
    assert parse_text(f"{one}, {three}", "m1") == SendText("1, 3", "m1")


def test_arabic_and_ideographic_commas_separate_option_numbers() -> None:
    assert parse_text("١، ٣") == SendText("1, 3")
    assert parse_text("１、３") == SendText("1,3")
    assert parse_text("٣٫٥") == SendText("3.5")  # the Arabic decimal separator


@pytest.mark.parametrize("address", ["josé@example.org", "用户@example.org", "علي٣@example.org", "ana@example.org"])
def test_e_mail_addresses_are_checked_as_before_and_kept_as_typed(address: str) -> None:
    assert parse_text(address) == SendText(address)
    assert field_value(ContactField(id="email", label="E-mail", kind="email"), address, translator("en")) == address


def test_words_keep_the_digits_they_were_written_with() -> None:
    assert parse_text("٢٠١٣ كان عاما مهما") == SendText("٢٠١٣ كان عاما مهما")
