"""Questionnaire texts in several languages: what a file may say, what falls back, what a respondent types."""

from __future__ import annotations

import pytest

from questionnaire.loader import QuestionnaireError, parse
from tests.support.chat import SMALL, Clock, Respondent, make_service

HEAD = 'id = "t"\ntitle = "T"\nintroduction = "I"\n'

# SMALL with French for the questionnaire and some of its items; Spanish for one item only.
TRANSLATED = SMALL.replace('introduction = "A short test questionnaire."\n', '''\
introduction = "A short test questionnaire."
closing = "Thanks."

[translations.fr]
title = "Petit test"
introduction = "Un court questionnaire de test."
closing = "Merci."
''').replace('options = ["Government", "Non-Government"]\n', '''\
options = ["Government", "Non-Government"]
[items.translations.fr]
text = "Votre secteur ?"
options = ["Gouvernement", "Non gouvernemental"]
[items.translations.es]
text = "¿Su sector?"
options = ["Gobierno", "No gubernamental"]
''').replace('{ id = "email", label = "E-mail", kind = "email" },\n]\n', '''\
{ id = "email", label = "E-mail", kind = "email" },
]
[items.translations.fr]
text = "Vos coordonnées"
fields = { name = "Nom", email = "Courriel" }
''').replace('max_choices = 2\n', '''\
max_choices = 2
[items.translations.fr]
text = "Quels thèmes ?"
options = ["Accès", "Sécurité", "Droits", "Normes"]
''')


def one_item(body: str, head: str = HEAD) -> str:
    return f"{head}[[items]]\n{body}\n"


def test_languages_list_the_files_own_first_then_each_translated_one() -> None:
    q = parse(TRANSLATED)
    assert q.language == "en"
    assert q.languages == ("en", "fr", "es")
    assert parse(SMALL).languages == ("en",)


def test_texts_in_a_language_and_their_fallback() -> None:
    q = parse(TRANSLATED)
    sector = q.item("sector").texts("fr")
    assert (sector.text, sector.labels, sector.translated) == (
        "Votre secteur ?", ("Gouvernement", "Non gouvernemental"), True
    )
    contact = q.item("contact").texts("fr")
    assert contact.field_labels == {"name": "Nom", "phone": "Phone", "email": "Courriel"}
    assert contact.translated is False  # "Phone" fell back to English
    motto = q.item("motto").texts("fr")
    assert (motto.text, motto.translated) == ("Your motto?", False)
    assert q.item("motto").texts("en").translated is True
    assert q.item("motto").texts(None).text == "Your motto?"
    assert q.texts("fr").title == "Petit test" and q.texts("fr").translated is True
    assert q.texts("es").title == "Small test" and q.texts("es").translated is False
    assert q.texts(None).closing == "Thanks."


def test_stored_values_stay_in_the_files_own_language() -> None:
    sector = parse(TRANSLATED).item("sector")
    assert sector.options == ("Government", "Non-Government")
    assert sector.texts("es").labels == ("Gobierno", "No gubernamental")


def test_missing_translations_are_listed_per_language() -> None:
    missing = parse(TRANSLATED).missing_translations()
    assert list(missing) == ["fr", "es"]
    assert "contact field phone" in missing["fr"] and "contact field name" not in missing["fr"]
    assert "sector options" not in missing["fr"] and "group options" in missing["fr"]
    assert "consent text" in missing["fr"] and "consent options" not in missing["fr"]  # Yes/No: consult's own
    assert missing["es"][:3] == ["title", "introduction", "closing"]
    assert "sector text" not in missing["es"] and "topics options" in missing["es"]


def test_a_file_written_in_french_first() -> None:
    q = parse(one_item(
        'id = "a"\nkind = "single"\ntext = "Secteur ?"\noptions = ["Public", "Privé"]\n'
        '[items.translations.en]\ntext = "Sector?"\noptions = ["Public", "Private"]',
        head='language = "fr"\n' + HEAD,
    ))
    assert q.languages == ("fr", "en")
    assert q.item("a").texts("fr").translated is True
    assert q.item("a").texts("en").labels == ("Public", "Private")


@pytest.mark.parametrize(("text", "expected"), [
    (one_item('id = "a"\nkind = "short"\ntext = "A"', head='language = "pt"\n' + HEAD),
     "language: 'pt' is not a language consult knows; use one of en, fr, es, ar, zh, ru"),
    (HEAD + '[translations.de]\ntitle = "T"\n' + one_item('id = "a"\nkind = "short"\ntext = "A"', head=""),
     "'de' is not a language consult knows; use one of en, fr, es, ar, zh, ru"),
    (one_item('id = "a"\nkind = "short"\ntext = "A"\n[items.translations.pt]\ntext = "B"'),
     "item 1 ('a'): 'pt' is not a language consult knows"),
    (one_item('id = "a"\nkind = "short"\ntext = "A"\n[items.translations.en]\ntext = "B"'),
     "translations.en repeats the file's own language ('en')"),
    (one_item('id = "a"\nkind = "single"\ntext = "A"\noptions = ["X", "Y"]\n'
              '[items.translations.fr]\noptions = ["X fr"]'),
     "translations.fr.options has 1 option(s) but the item has 2"),
    (one_item('id = "a"\nkind = "single"\ntext = "A"\noptions = ["X", "Y"]\n'
              '[items.translations.fr]\noptions = ["Z", "X"]'),
     "translations.fr.options: 'X' would name two different options"),
    (one_item('id = "a"\nkind = "single"\ntext = "A"\noptions = ["X", "Y"]\n'
              '[items.translations.fr]\noptions = ["Z", "Back"]'),
     "would read as a command or a number"),
    (one_item('id = "a"\nkind = "consent"\ntext = "A"\n[items.translations.fr]\noptions = ["Oui", "Non"]'),
     "a consent item's Yes and No come from consult's own translations"),
    (one_item('id = "a"\nkind = "fields"\ntext = "A"\nfields = [{ id = "name", label = "Name" }]\n'
              '[items.translations.fr]\nfields = { nom = "Nom" }'),
     "translations.fr.fields: 'nom' is not a field of this item"),
    (one_item('id = "a"\nkind = "short"\ntext = "A"\n[items.translations.fr]\nhelp = "Aide"'),
     "translations.fr.help: the item has no help in its own language"),
    (one_item('id = "a"\nkind = "short"\ntext = "A"\n[items.translations.fr]\ntext = "  "'),
     "item 1 ('a'): translations.fr.text: String should have at least 1 character"),
    (HEAD + '[translations.fr]\ntitle = ""\n' + one_item('id = "a"\nkind = "short"\ntext = "A"', head=""),
     "translations.fr.title: String should have at least 1 character"),
])
def test_bad_translations_say_what_is_wrong(text: str, expected: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse(text, "q.toml")
    assert expected in str(caught.value)


async def test_an_option_typed_in_french_is_stored_as_in_english() -> None:
    service = make_service(parse(TRANSLATED), Clock())
    ana, bea = Respondent(service, "ana"), Respondent(service, "bea")
    for person, sector in ((ana, "non gouvernemental"), (bea, "Non-Government")):
        await person.says("start", "yes", "Name", "skip", "x@example.org", sector)
        assert (await person.session()).answers["sector"].value == "Non-Government"
    await ana.says("Civil society", "Sécurité, droits")
    assert (await ana.session()).answers["topics"].value == ["Security", "Rights"]
    await bea.says("Civil society", "gobierno")  # Spanish names count only where the item has them
    assert "topics" not in (await bea.session()).answers
