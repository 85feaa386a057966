"""XLSForm in and out: pyxform's own forms and ours read, write, convert and read back the same; refusals say where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from pyxform.xls2xform import convert

from bots.cli import main
from questionnaire import loader, toml_out
from questionnaire.loader import QuestionnaireError, parse
from questionnaire.model import Kind, Questionnaire
from questionnaire.xlsform import reading, writing
from questionnaire.xlsform.places import XLSFormError
from tests.test_questionnaire_languages import TRANSLATED

FIXTURES = Path(__file__).parent / "fixtures" / "xlsform"
SHIPPED = Path(loader.__file__).with_name("wgec2013.xlsx")


def round_trip(q: Questionnaire, tmp_path: Path) -> Questionnaire:
    """Export, check that pyxform converts the workbook to an XForm, and import it again."""
    path = tmp_path / "form.xlsx"
    writing.write(q, path)
    warnings: list[str] = []
    assert "<h:title>" in convert(str(path), warnings=warnings).xform
    return reading.read(path)


def workbook(tmp_path: Path, survey: list[list[Any]], choices: list[list[Any]] | None = None,
             settings: list[list[Any]] | None = None) -> Path:
    """An XLSForm as a secretariat would type it: the first row of each sheet holds the headers."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
    path = tmp_path / "typed.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("name", [
    "yes_or_no_question.xlsx", "text_and_integer.xlsx", "specify_other.xlsx", "field-list.xlsx",
    "allow_comment_rows_test.xls",
])
def test_pyxforms_own_forms_round_trip(name: str, tmp_path: Path) -> None:
    q = reading.read(FIXTURES / name)
    assert round_trip(q, tmp_path) == q


def test_pyxforms_forms_read_as_their_authors_meant() -> None:
    ages = reading.read(FIXTURES / "text_and_integer.xlsx")
    assert [(i.id, i.kind, i.check) for i in ages.items] == [
        ("your_name", Kind.SHORT, None), ("your_age", Kind.SHORT, "integer")
    ]
    other = reading.read(FIXTURES / "specify_other.xlsx")  # "or specify other": pyxform adds the option
    assert other.item("sex").options == ("Male", "Female", "Other")
    assert other.item("sex_other").when is not None and other.item("sex_other").when.any_of == ("Other",)
    chinese = reading.read(FIXTURES / "field-list.xlsx")
    assert chinese.languages == ("en", "zh")
    assert chinese.item("table_list_question").texts("zh").labels == ("是", "没有")
    assert chinese.item("table_list_question").help == "hint"


def test_the_wgec_questionnaire_round_trips(tmp_path: Path) -> None:
    wgec = loader.load()
    assert round_trip(wgec, tmp_path) == wgec


def test_the_shipped_wgec_xlsform_matches_the_toml() -> None:
    # Regenerate with: consult questionnaire export questionnaire/wgec2013.xlsx
    assert reading.read(SHIPPED) == loader.load()


def test_a_translated_questionnaire_with_every_kind_round_trips(tmp_path: Path) -> None:
    q = parse(TRANSLATED.replace('[[items]]\nid = "note"', '''[[items]]
id = "staff"
kind = "short"
check = "integer"
minimum = 1
maximum = 500
text = "How many staff?"

[[items]]
id = "share"
kind = "short"
check = "decimal"
minimum = 0.5
text = "Share?"

[[items]]
id = "founded"
kind = "short"
check = "date"
text = "Founded on?"

[[items]]
id = "note"''').replace('options = ["Civil society", "Private sector"]\n', '''\
options = ["Civil society", "Private sector"]
number = "1a"
'''))
    assert q.languages == ("en", "fr", "es")
    assert round_trip(q, tmp_path) == q


SURVEY_HEAD = ["type", "name", "label::English (en)", "label::Français (fr)", "hint", "required", "relevant",
               "constraint", "appearance", "consult_kind"]
CHOICES = [["list_name", "name", "label::English (en)", "label::Français (fr)"],
           ["sector", "gov", "Government", "Gouvernement"], ["sector", "ngo", "Non-Government", "Non gouvernemental"],
           ["sector", "other", "Other", "Autre"],
           ["topics", "access", "Access", "Accès"], ["topics", "rights", "Rights", "Droits"]]


def test_an_xlsform_as_a_secretariat_types_it(tmp_path: Path) -> None:
    path = workbook(tmp_path, [
        SURVEY_HEAD,
        ["select_one sector", "sector", "Your sector?", "Votre secteur ?", None, "yes"],
        ["begin_group", "contact", "Contact", "Coordonnées", None, None, None, None, "field-list"],
        ["text", "name", "Name", "Nom", None, "yes"],
        ["text", "email", "E-mail", "Courriel", None, "no", None, None, None, "email"],
        ["end_group"],
        ["begin_group", "ngo_part", "For organisations", "Pour les organisations", None, None,
         "${sector} = 'ngo' or ${sector} = 'other'"],
        ["select_multiple topics", "topics", "Topics?", "Thèmes ?", "Up to two", None, None,
         "count-selected(.) <= 2"],
        ["integer", "staff", "Staff?", "Personnel ?", None, None, "not(selected(${sector}, 'other'))",
         ". >= 1 and . < 1000"],
        ["end_group"],
        ["text", "story", "Tell us", "Racontez", None, None, "selected(${topics}, 'rights')",
         "string-length(.) <= 500", "multiline"],
    ], CHOICES, [["form_title", "form_id", "default_language"], ["Small", "small_form", "English (en)"]])
    q = reading.read(path)
    assert [(i.id, i.kind) for i in q.items] == [
        ("sector", Kind.SINGLE), ("contact", Kind.FIELDS), ("ngo_part", Kind.NOTE), ("topics", Kind.MULTIPLE),
        ("staff", Kind.SHORT), ("story", Kind.LONG),
    ]
    assert q.item("sector").texts("fr").labels == ("Gouvernement", "Non gouvernemental", "Autre")
    assert [(f.id, f.kind, f.required) for f in q.item("contact").fields] == [
        ("name", "text", True), ("email", "email", False)
    ]
    assert q.item("contact").texts("fr").field_labels == {"name": "Nom", "email": "Courriel"}
    topics = q.item("topics")
    assert topics.when is not None and topics.when.any_of == ("Non-Government", "Other")  # the group's condition
    assert (topics.help, topics.max_choices) == ("Up to two", 2)
    staff = q.item("staff")  # its own condition and its group's: only Non-Government
    assert staff.when is not None and (staff.when.item, staff.when.any_of) == ("sector", ("Non-Government",))
    assert (staff.check, staff.minimum, staff.maximum) == ("integer", 1, 999)
    story = q.item("story")
    assert story.when is not None and (story.when.item, story.when.any_of, story.max_length) == (
        "topics", ("Rights",), 500
    )
    assert q.texts(None).title == "Small" and q.introduction == "Small"
    assert round_trip(q, tmp_path) == q


@pytest.mark.parametrize(("name", "expected"), [
    ("loop.xlsx", "survey sheet, row 3 (type 'begin loop over toilet_type', name 'loop_toilet_types'): "
                  "consult does not repeat questions"),
    ("calculate.xls", "survey sheet, row 2 (type 'calculate', name 'calculate_test'): consult does not calculate"),
    ("choice_filter_test.xlsx", "survey sheet, row 3 (type 'select_one counties', name 'county'): "
                                "consult cannot use choice_filter"),
    ("gps.xls", "survey sheet, row 2 (type 'gps', name 'location'): consult cannot ask this type (consult asks "
                "text, integer, decimal, date, note, select_one, select_multiple, begin_group/end_group)"),
    ("badly_named_choices_sheet.xls", "survey sheet, row 3 (type 'string', name 'name'): relevant '${age} >= 18'"),
])
def test_pyxform_features_consult_cannot_ask_are_refused_where_they_are(name: str, expected: str) -> None:
    with pytest.raises(XLSFormError) as refused:
        reading.read(FIXTURES / name)
    assert str(refused.value).startswith(f"{FIXTURES / name}: ")
    assert expected in str(refused.value)


@pytest.mark.parametrize(("rows", "expected"), [
    ([["integer", "a", "A"], ["integer", "b", "B", None, None, None, "${a} > 3"]],
     "row 3 (type 'integer', name 'b'): relevant '${a} > 3': '${a} > 3' uses more than consult understands"),
    ([["select_one sector", "s", "S"], ["select_multiple topics", "t", "T"],
      ["text", "c", "C", None, None, None, "${s} = 'gov' and selected(${t}, 'access')"]],
     "row 4 (type 'text', name 'c'): relevant \"${s} = 'gov' and selected(${t}, 'access')\": 'and' over two "
     "questions"),
    ([["select_multiple topics", "t", "T"], ["text", "c", "C", None, None, None, "${t} = 'access'"]],
     "write selected(${t}, 'access') for a select_multiple"),
    ([["select_one sector", "s", "S"], ["text", "c", "C", None, None, None, "${s} = 'nobody'"]],
     "'nobody' is not a choice of ${s}"),
    ([["decimal", "d", "D", None, None, None, None, ". > 1.5"]],
     "row 2 (type 'decimal', name 'd'): constraint '. > 1.5': use <= or >="),
    ([["date", "d", "D", None, None, None, None, ". >= today()"]], "no earliest or latest date"),
    ([["text", "t", "T", None, None, None, None, "string-length(.) >= 3"]], "no shortest length for a text"),
    ([["select_one sector", "s", "S"], ["text", "t", "T", None, None, "${s} = 'gov'"]],
     "row 3 (type 'text', name 't'): required \"${s} = 'gov'\": consult reads only yes or no here"),
    ([["text", "t", "T", None, None, None, None, None, "numbers"]], "consult cannot use appearance 'numbers'"),
])
def test_what_the_model_cannot_say_is_refused_with_its_row(rows: list[list[Any]], expected: str,
                                                            tmp_path: Path) -> None:
    with pytest.raises(XLSFormError) as refused:
        reading.read(workbook(tmp_path, [SURVEY_HEAD, *rows], CHOICES))
    assert "survey sheet, row" in str(refused.value) and expected in str(refused.value)


def test_unknown_languages_and_half_translated_choices_are_refused(tmp_path: Path) -> None:
    survey = [["type", "name", "label::English (en)", "label::Deutsch (de)"], ["text", "t", "T", "T de"]]
    with pytest.raises(XLSFormError, match=r"row 2 .*: label: the language 'Deutsch \(de\)' is not one consult "
                                           r"knows; use one of English \(en\), French \(fr\)"):
        reading.read(workbook(tmp_path, survey))
    choices = [["list_name", "name", "label", "label::French (fr)"], ["yn", "y", "Y", "Oui"], ["yn", "n", "N"]]
    with pytest.raises(XLSFormError, match="some choices of 'yn' have a label in fr and some not"):
        reading.read(workbook(tmp_path, [["type", "name", "label"], ["select_one yn", "q", "Q"]], choices))
    pictures = [["list_name", "name", "label", "image"], ["yn", "y", "Y", "y.jpg"], ["yn", "n", "N", "n.jpg"]]
    with pytest.raises(XLSFormError, match=r"choices sheet, row 2 \(list 'yn', name 'y'\): consult cannot use"):
        reading.read(workbook(tmp_path, [["type", "name", "label"], ["select_one yn", "q", "Q"]], pictures))


def test_kobo_bookkeeping_columns_are_read_and_device_metadata_refused(tmp_path: Path) -> None:
    survey = [["type", "name", "label", "$kuid"], ["text", "a", "A", "k1"]]
    assert reading.read(workbook(tmp_path, survey)).item("a").text == "A"
    with pytest.raises(XLSFormError, match=r"row 2 \(type 'start', name 'start'\): ODK and Kobo record this"):
        reading.read(workbook(tmp_path, [survey[0], ["start", "start", None, "k0"], survey[1]]))
    with pytest.raises(XLSFormError, match=r"row 2 \(type 'note', name 'n'\): it has no label in en"):
        reading.read(workbook(tmp_path, [["type", "name", "label::French (fr)"], ["note", "n", "Bonjour"]],
                              settings=[["default_language"], ["English (en)"]]))


def test_a_form_that_pyxform_refuses_says_so(tmp_path: Path) -> None:
    path = workbook(tmp_path, [["type", "name", "label"], ["text", "", "No name"]])
    with pytest.raises(XLSFormError, match=r"pyxform cannot read this form: .*row : 2.*no name"):
        reading.read(path)


def test_export_refuses_what_an_xlsform_cannot_hold(tmp_path: Path) -> None:
    q = parse('id = "t"\ntitle = "T"\nintroduction = "I"\n[[items]]\nid = "a"\nkind = "single"\ntext = "A"\n'
              'options = ["X", "Y"]\nrenamed_options = { "Old X" = "X" }\n')
    with pytest.raises(QuestionnaireError, match="item 'a': renamed_options cannot be written to an XLSForm"):
        writing.write(q, tmp_path / "form.xlsx")
    assert not (tmp_path / "form.xlsx").exists()


def test_the_commands_export_import_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "small.toml").write_text(TRANSLATED, encoding="utf-8")
    form, back = tmp_path / "small.xlsx", tmp_path / "back.toml"
    assert main(["questionnaire", "export", str(form), "--from", str(tmp_path / "small.toml")]) == 0
    assert f"Wrote {form}: 'Small test', 9 items, in en, fr, es." in capsys.readouterr().err
    assert main(["questionnaire", "import", str(form), "--out", str(back)]) == 0
    assert loader.load(back) == parse(TRANSLATED)
    assert main(["questionnaire", "import", str(form)]) == 0
    assert loader.parse(capsys.readouterr().out) == parse(TRANSLATED)
    assert main(["questionnaire", "check", str(back)]) == 0
    checked = capsys.readouterr().out
    assert "Written in en, translated into fr, es." in checked
    assert "- fr: 8 missing (shown in en instead): consent text, contact field phone, group text, " in checked
    assert "- es: 16 missing (shown in en instead): title, introduction, closing, consent text, " in checked


def test_a_refused_import_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "loop.toml"
    assert main(["questionnaire", "import", str(FIXTURES / "loop.xlsx"), "--out", str(out)]) == 2
    assert "survey sheet, row 3 (type 'begin loop over toilet_type'" in capsys.readouterr().err
    assert not out.exists()


FRENCH_FIRST = """
id = "fr_first"
language = "fr"
title = "Consultation"
introduction = "Bienvenue."
opens = 2013-06-01T00:00:00Z
closes = 2013-08-31T23:59:00+02:00
consent_rule = "anonymous"
max_reminders = 2
reminder_hours = [9, 18]

[translations.en]
title = "Consultation (English)"
closing = "Thank you."

[[items]]
id = "accord"
kind = "consent"
role = "consent"
required = true
text = "Pouvons-nous vous citer ?"

[[items]]
id = "q1"
kind = "single"
role = "category"
text = "Catégorie ?"
options = ["Gouvernement", "Autre"]
[items.translations.en]
text = "Category?"
options = ["Government", "Other"]

[[items]]
id = "q2"
kind = "long"
text = "Pourquoi ?"
when = { item = "accord", any_of = ["Yes"] }

[[omitted]]
number = "3"
note = "Non posée."

[[reminders]]
before_closing = "7d"

[[reminders]]
on = 2013-07-01T09:00:00Z
"""


def test_a_french_first_questionnaire_keeps_its_dates_reminders_and_omitted_questions(tmp_path: Path) -> None:
    q = parse(FRENCH_FIRST)
    back = round_trip(q, tmp_path)
    assert back == q and back.language == "fr" and back.reminders == q.reminders
    assert parse(toml_out.dumps(q)) == q


def test_what_is_read_but_not_kept_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workbook(tmp_path, [
        ["type", "name", "label", "constraint", "constraint_message"],
        ["integer", "age", "Age?", ". <= 120", "Too old"],
    ], settings=[["form_title", "version"], ["Ages", "2024-01"]])
    assert main(["questionnaire", "import", str(path), "--out", str(tmp_path / "ages.toml")]) == 0
    said = capsys.readouterr().err
    assert "Not kept: survey sheet, row 2 (type 'integer', name 'age'): constraint_message is not kept" in said
    assert "Not kept: settings sheet: version: settings of ODK servers, not used by consult" in said
    assert loader.load(tmp_path / "ages.toml").item("age").maximum == 120
