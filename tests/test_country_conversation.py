"""The country in the WGEC contact details: typed in any language, offered when unsure, stored as its code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from bots.console.render import plain
from core import inputs, progress
from core.chat import actions, present
from core.export import docx_files, json_file
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses, record
from core.reply import Expects
from core.session import Session
from questionnaire.loader import load
from tests.support.chat import Clock, Respondent, make_service
from tests.support.responses import respondent
from tests.test_export_compilations import NOW
from tests.test_export_table import csv_rows, export

WGEC = load()


@pytest.fixture
def ana() -> Respondent:
    return Respondent(make_service(WGEC, Clock()))


async def at_country(ana: Respondent) -> None:
    reply = await ana.says("start", "yes", "Ana Silva", "Open Net Initiative")
    assert "Your country (3 of 4)" in reply.text


def country_of(session_value: object) -> str:
    assert isinstance(session_value, dict)
    return str(session_value["country"])


async def test_a_misspelt_country_is_offered_and_picked_with_a_button(ana: Respondent) -> None:
    await at_country(ana)
    reply = await ana.say("Brazl")
    assert "Did you mean Brazil?" in reply.text
    assert reply.ask and reply.prompt is not None  # the question again, with the country to pick
    assert (reply.prompt.options, reply.prompt.suggested, reply.prompt.expects) == (["Brazil"], ["BR"], Expects.CHOICE)
    given = (await ana.session()).answers["contact"].value
    assert isinstance(given, dict) and "country" not in given  # nothing stored until it is sure
    [button] = present.view(WGEC, reply).options
    assert button.label == "Brazil"
    pressed = actions.decode(WGEC, button.token)
    assert pressed is not None
    reply = await ana.send(pressed)
    assert "Your e-mail address (4 of 4)" in reply.text
    session = await ana.session()
    assert country_of(session.answers["contact"].value) == "BR" and session.suggested is None


async def test_on_the_terminal_the_candidates_are_numbered_and_picked_by_number(ana: Respondent) -> None:
    await at_country(ana)
    reply = await ana.say("Korea")
    shown = plain(reply)
    assert "  1. North Korea" in shown and "  2. South Korea" in shown
    assert "Reply with the number of your country, or type its name again." in shown
    await ana.say("٢")  # Arabic-Indic 2
    assert country_of((await ana.session()).answers["contact"].value) == "KR"


async def test_typing_again_instead_of_picking(ana: Respondent) -> None:
    await at_country(ana)
    await ana.say("Congo")
    reply = await ana.say("Congo-Kinshasa")
    assert "Your e-mail address" in reply.text
    assert country_of((await ana.session()).answers["contact"].value) == "CD"


async def test_a_number_beyond_the_candidates_is_refused(ana: Respondent) -> None:
    await at_country(ana)
    await ana.say("Brazl")
    reply = await ana.refused("3")
    assert "There is no option 3" in reply.text


@pytest.mark.parametrize(("typed", "says"), [
    ("ana@example.org", "looks like an e-mail address"),
    ("12", "not a number"),
    ("Atlantis", "could not find “Atlantis”"),
])
async def test_what_is_no_country_changes_nothing(ana: Respondent, typed: str, says: str) -> None:
    await at_country(ana)
    reply = await ana.refused(typed)
    assert says in reply.text


async def test_any_language_is_taken_at_once_and_shown_by_name(ana: Respondent) -> None:
    await at_country(ana)
    reply = await ana.say("البرازيل")
    assert "Your e-mail address" in reply.text
    await ana.say("back")
    assert "Your answer: Brazil" in plain(ana.last)
    await ana.says("keep", "ana@example.org")
    reply = await ana.say("review")
    assert "Your country: Brazil" in reply.text


async def test_an_old_country_button_is_stale_once_the_field_is_answered(ana: Respondent) -> None:
    await at_country(ana)
    reply = await ana.say("Germny")
    [button] = present.view(WGEC, reply).options
    await ana.say("Kenya")  # typed instead; now at the e-mail
    pressed = actions.decode(WGEC, button.token)
    assert pressed is not None
    reply = await ana.send(pressed)
    assert "belongs to an earlier question" in reply.text
    assert country_of((await ana.session()).answers["contact"].value) == "KE"


def test_forged_country_buttons_are_no_input() -> None:
    place = next(n for n, item in enumerate(WGEC.items) if item.id == "contact")
    assert actions.decode(WGEC, f"k:{place}.2:BR") == inputs.ForItem("contact", inputs.PickCountry("BR"), 2)
    assert actions.decode(WGEC, f"k:{place}.2:QQ") is None  # no such country
    assert actions.decode(WGEC, f"k:{place}.1:BR") is None  # the organisation is no country field
    assert actions.decode(WGEC, "k:9999.2:BR") is None


async def test_editing_the_message_that_gave_the_country(ana: Respondent) -> None:
    await at_country(ana)
    await ana.say("Brasil", ref="m1")
    await ana.edit("m1", "Argentina")
    assert country_of((await ana.session()).answers["contact"].value) == "AR"
    reply = await ana.edit("m1", "Atlantis")
    assert "could not find" in reply.text and "earlier answer is kept" in reply.text
    assert country_of((await ana.session()).answers["contact"].value) == "AR"


# --- progress and exports ---------------------------------------------------------------------------------

def panel() -> list[Session]:
    """Codes as stored now, and free text from before the field was a country field."""
    return [
        respondent("Amina Diallo", country="SN", day=0),
        respondent("Bruno Costa", country="BR", day=1),
        respondent("Bea Souza", country="brasil", day=1),  # typed before: counted and shown as Brazil
        respondent("Chen Wei", country="Land 3", day=2),  # names no country: as typed
    ]


def test_progress_counts_and_names_countries_however_they_were_stored() -> None:
    report = progress.report(WGEC, panel(), NOW)
    assert report.by_country["Brazil"].started == 2
    assert set(report.by_country) == {"Brazil", "Senegal", "Land 3"}
    arabic = progress.report(WGEC, panel(), NOW, lang="ar")
    assert arabic.by_country["البرازيل"].started == 2


def test_exports_show_the_name_of_the_country(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, panel())
    rows = csv_rows(csv_path)
    column = rows[0].index("Your country")
    assert [row[column] for row in rows[1:]] == ["Senegal", "Brazil", "Brazil", "Land 3"]
    sheet = load_workbook(xlsx_path)["Responses"]
    assert [sheet.cell(row, column + 1).value for row in range(2, 6)] == ["Senegal", "Brazil", "Brazil", "Land 3"]


def test_internal_files_name_the_country_and_json_keeps_its_code(tmp_path: Path) -> None:
    data = ExportInput(compile_responses(WGEC, panel(), Audience.INTERNAL, Scope.ALL, NOW),
                       progress.report(WGEC, panel(), NOW))
    [json_path] = json_file.write(data, tmp_path)
    records = json.loads(json_path.read_text())["respondents"]
    assert [(r["identity"]["country"], r["country_codes"]) for r in records] == [
        ("Senegal", {"country": "SN"}), ("Brazil", {"country": "BR"}), ("Brazil", {"country": "BR"}),
        ("Land 3", {})]
    words = docx_files.write_by_respondent(data, tmp_path)[0]
    texts = [p.text for p in Document(str(words)).paragraphs]
    assert any("Contact: Bruno Costa, Bruno Costa Org, Brazil, bruno.costa@example.org." in t for t in texts)


def test_exports_name_countries_in_the_secretariats_language() -> None:
    compilation = compile_responses(WGEC, panel(), Audience.INTERNAL, Scope.ALL, NOW)
    assert compilation.records[1].identity["country"] == "Brazil"  # English by default
    arabic = record(WGEC, panel()[1], 2, Audience.INTERNAL, lang="ar")
    assert arabic.identity["country"] == "البرازيل" and arabic.country_codes == {"country": "BR"}


async def test_going_back_forgets_the_countries_offered(ana: Respondent) -> None:
    await at_country(ana)
    await ana.say("Brazl")
    reply = await ana.say("back")
    assert reply.prompt is not None and reply.prompt.options == [] and (await ana.session()).suggested is None
    reply = await ana.say("keep")  # the organisation again: the country is asked afresh, with nothing offered
    assert reply.prompt is not None and "Your country" in reply.prompt.text and reply.prompt.options == []


async def test_a_button_of_an_earlier_offer_changes_nothing(ana: Respondent) -> None:
    await at_country(ana)
    [brazil] = present.view(WGEC, await ana.say("Brazl")).options
    await ana.say("Germny")  # another offer replaces it, on the same field
    pressed = actions.decode(WGEC, brazil.token)
    assert pressed is not None
    before = await ana.session()
    reply = await ana.send(pressed)
    assert "belongs to an earlier question" in reply.text and await ana.session() == before


async def test_an_intergovernmental_organisation_leaves_the_country_out(ana: Respondent) -> None:
    await at_country(ana)
    reply = await ana.say("skip")
    assert "Your e-mail address (4 of 4)" in reply.text
    reply = await ana.say("secretariat@example.org")
    contact = (await ana.session()).answers["contact"].value
    assert isinstance(contact, dict)
    assert not contact.get("country") and contact["email"] == "secretariat@example.org"
    counted = progress.report(WGEC, [await ana.session()], NOW).by_country
    assert list(counted) == [progress.NOT_GIVEN]  # not '(not answered yet)': they gave their details
