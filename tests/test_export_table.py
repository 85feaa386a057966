"""The responses table as the secretariat opens it: CSV and XLSX, read back cell by cell."""

from __future__ import annotations

import csv
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from core import progress
from core.export import csv_file, json_file, xlsx
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses
from core.export.table import neutralise
from core.export.xlsx import EXCEL_CELL_LIMIT, excel_pieces
from core.session import AnswerValue, Session
from questionnaire.loader import parse
from questionnaire.model import Questionnaire
from tests.support.responses import DAY0, WGEC, panel, respondent

NOW = DAY0 + timedelta(days=30)
Q8 = (
    "8. What are the most appropriate mechanisms to fully implement enhanced cooperation as recognized in the "
    "Tunis Agenda, including on international public policy issues pertaining to the Internet and public policy "
    "issues associated with coordination and management of critical Internet resources?"
)
FIRST_HEADERS = [
    "Respondent", "Submitted at (UTC)", "Front end", "Status", "Consent to cite", "May be cited", "Your name",
    "Your organisation", "Your country", "1. Which stakeholder category do you belong to?",
    "1a. If non-government, please indicate:", "1b. If non-government, please indicate if you are:",
]
# Everything that names Bruno Costa or Dana Smith, who did not authorise citation.
HIDDEN = ["Bruno Costa", "Bruno Costa Org", "bruno.costa@example.org", "Brazil",
          "Dana Smith", "Dana Smith Org", "dana.smith@example.org", "United States"]
SURVEY = """
id = "survey"
title = "A survey with a multiple choice"
introduction = "Hello."
[[items]]
id = "consent"
kind = "consent"
role = "consent"
text = "May we cite you?"
[[items]]
id = "contact"
kind = "fields"
role = "contact"
text = "Who are you?"
fields = [{ id = "name", label = "Name" }, { id = "organisation", label = "Organisation" },
          { id = "country", label = "Country" }, { id = "email", label = "E-mail", kind = "email" }]
[[items]]
id = "q1"
number = "1"
kind = "single"
role = "category"
text = "Category?"
options = ["Government", "Non-Government"]
[[items]]
id = "q2"
number = "2"
kind = "multiple"
text = "Which issues matter?"
options = ["Access", "Rights", "Security"]
"""


def export(tmp_path: Path, sessions: list[Session], audience: Audience = Audience.PUBLIC,
           q: Questionnaire = WGEC) -> tuple[Path, Path]:
    """Write the CSV and the XLSX of these sessions; return their paths."""
    data = ExportInput(compile_responses(q, sessions, audience, Scope.ALL, NOW), progress.report(q, sessions, NOW))
    [csv_path] = csv_file.write(data, tmp_path)
    [xlsx_path] = xlsx.write(data, tmp_path)
    return csv_path, xlsx_path


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def sheet_rows(path: Path, sheet: str = "Responses") -> list[list[Any]]:
    return [list(row) for row in load_workbook(path)[sheet].iter_rows(values_only=True)]


def one_answer(tmp_path: Path, text: AnswerValue) -> tuple[str, Any, Any]:
    """Export one respondent who answered Q2 with `text`: the CSV cell, the XLSX cell and its value."""
    csv_path, xlsx_path = export(tmp_path, [respondent("Amina Diallo", answers={"q2": text})])
    column = csv_rows(csv_path)[0].index(next(h for h in csv_rows(csv_path)[0] if h.startswith("2. ")))
    cell = load_workbook(xlsx_path)["Responses"].cell(row=2, column=column + 1)
    return csv_rows(csv_path)[1][column], cell, cell.value


def test_headings_are_the_full_question_texts_never_cut(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, panel())
    for headers in (csv_rows(csv_path)[0], sheet_rows(xlsx_path)[0]):
        assert headers[: len(FIRST_HEADERS)] == FIRST_HEADERS
        assert Q8 in headers and len(Q8) > 255
        assert headers[-1].startswith("18. Are there other comments")
        assert len(headers) == len(FIRST_HEADERS) + 12  # Q2-Q11, Q15 and Q18


def test_one_row_per_respondent_with_the_values_given(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, panel())
    rows = csv_rows(csv_path)
    assert len(rows) == 1 + 5
    assert rows[1][:15] == ["1", "2013-07-01T10:00:00Z", "console", "submitted", "Yes", "Yes", "Amina Diallo",
                            "Amina Diallo Org", "Senegal", "Government", "", "",
                            "Significance: high.", "Partly.", ""]
    # Emil consented but has not submitted: a draft is counted, never attributed.
    assert rows[5][:12] == ["5", "", "console", "in progress", "Yes", "No", "", "", "", "Government", "", ""]
    assert not any(rows[5][12:])
    assert sheet_rows(xlsx_path)[1][:5] == [1, "2013-07-01T10:00:00Z", "console", "submitted", "Yes"]
    rows_xlsx = sheet_rows(xlsx_path)
    # The two files hold the same values; only the CSV marks formula-like text with a quote.
    assert [[neutralise("" if v is None else str(v)) for v in row] for row in rows_xlsx] == rows
    assert rows_xlsx[3][:12] == [3, "2013-07-02T10:00:00Z", "console", "submitted", "Yes", "Yes", "Chen Wei",
                                 "Chen Wei Org", "China", "Non-Government", "Civil society", None]


def test_public_files_hide_who_did_not_authorise_citation(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, panel())
    # The default rule: counted in the figures by their group; none of their answers is in their row.
    assert csv_rows(csv_path)[2][4:11] == ["No", "No", "", "", "", "Non-Government", "Civil society"]
    assert not any(csv_rows(csv_path)[2][11:])
    book = load_workbook(xlsx_path)
    cells = [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    metadata = [str(value) for value in vars(book.properties).values()] + book.sheetnames
    raw = [csv_path.read_bytes().decode("utf-8-sig"), *_unzipped(xlsx_path), csv_path.name, xlsx_path.name]
    everything = "\n".join(cells + metadata + raw)
    assert "Amina Diallo" in everything  # the scan sees names: a consenting respondent is there
    for secret in [*HIDDEN, "Civil society view.", "HYPERLINK", "Business view.", "@example.org"]:
        assert secret not in everything, secret
    assert "Confidential" not in everything


def test_internal_files_have_everyone_and_say_confidential(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, panel(), Audience.INTERNAL)
    assert csv_path.name == "CONFIDENTIAL-responses.csv" and xlsx_path.name == "CONFIDENTIAL-responses.xlsx"
    rows = csv_rows(csv_path)
    assert rows[0][:3] == ["Respondent (Confidential)", "Respondent id", "Invitation code"]
    assert rows[0][6:9] == ["Consent to cite", "May be cited", "Consent changed"]
    assert rows[2][:13] == ["2", "console:Bruno Costa", "", "2013-07-02T10:00:00Z", "console", "submitted", "No",
                            "No", "", "Bruno Costa", "Bruno Costa Org", "Brazil", "bruno.costa@example.org"]
    assert rows[2][15:18] == ["With ECOSOC consultative status", "Civil society view.", "'=HYPERLINK(\"http://x\")"]
    book = load_workbook(xlsx_path)
    assert sheet_rows(xlsx_path)[4][9] == "Dana Smith"
    assert book["Responses"]["A1"].value == "Respondent (Confidential)"
    for sheet in book:
        assert sheet.oddHeader.center.text == "Confidential" == sheet.oddFooter.center.text
    assert book.properties.title == "Confidential: WGEC questionnaire on enhanced cooperation (2013)"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1:A2)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_like_answers_are_never_formulas(tmp_path: Path, text: str) -> None:
    in_csv, cell, _ = one_answer(tmp_path, text)
    assert in_csv == "'" + text
    assert cell.data_type == "s" and cell.quotePrefix
    assert cell.value == text
    assert "<f>" not in "".join(_unzipped(tmp_path / "responses.xlsx"))


def test_plain_answers_are_left_alone() -> None:
    assert neutralise("Access; rights.") == "Access; rights."
    assert neutralise("1 = 1") == "1 = 1"
    assert neutralise("") == ""


def test_markdown_line_breaks_and_unicode_survive(tmp_path: Path) -> None:
    text = "**Bold** and _it_\n# Title\n- item\n| a | b |\nçé 漢字 العربية 🌍"
    in_csv, cell, value = one_answer(tmp_path, text)
    assert in_csv == text == value
    assert not cell.quotePrefix
    assert (tmp_path / "responses.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs


def test_control_characters_become_replacement_characters(tmp_path: Path) -> None:
    in_csv, _, value = one_answer(tmp_path, "a\x00b\x1bc\ud800d\tend")
    assert in_csv == value == "a\ufffdb\ufffdc\ufffdd\tend"


def test_a_100000_character_answer_survives_in_full(tmp_path: Path) -> None:
    text = "".join(f"Paragraph {n}: enhanced cooperation, é 🌍.\n" for n in range(2_500))[:100_000]
    assert len(text) == 100_000
    in_csv, _, _ = one_answer(tmp_path, text)
    assert in_csv == text
    rows = sheet_rows(tmp_path / "responses.xlsx")
    start = next(i for i, h in enumerate(rows[0]) if h.startswith("2. "))
    assert rows[0][start + 1] == rows[0][start] + " (continued 2)"
    pieces = [v for h, v in zip(rows[0], rows[1], strict=True) if h.startswith(rows[0][start]) and v]
    assert len(pieces) == 4 and "".join(pieces) == text
    assert all(len(p.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT for p in pieces)


def test_pieces_count_emoji_twice_as_excel_does() -> None:
    text = "🌍" * 40_000  # 80,000 UTF-16 units
    pieces = excel_pieces(text)
    assert "".join(pieces) == text and len(pieces) == 3
    assert max(len(p.encode("utf-16-le")) // 2 for p in pieces) <= EXCEL_CELL_LIMIT
    assert excel_pieces("short") == ["short"]


def test_multiple_choice_has_a_0_1_column_per_option(tmp_path: Path) -> None:
    survey = parse(SURVEY)
    chosen: list[AnswerValue | None] = [["Access", "Security"], ["Rights"], None]
    sessions = [respondent(f"P{n}", q=survey, answers={"q2": v}, day=n) for n, v in enumerate(chosen)]
    sessions.append(respondent("P3", q=survey, day=3))
    csv_path, xlsx_path = export(tmp_path, sessions, q=survey)
    assert csv_rows(csv_path)[0][-4:] == ["2. Which issues matter?", "2. Access", "2. Rights", "2. Security"]
    assert [row[-4:] for row in csv_rows(csv_path)[1:]] == [
        ["Access; Security", "1", "0", "1"], ["Rights", "0", "1", "0"], ["", "", "", ""], ["", "", "", ""],
    ]
    assert [row[-3:] for row in sheet_rows(xlsx_path)[1:]] == [[1, 0, 1], [0, 1, 0], [None] * 3, [None] * 3]


def test_a_removed_question_shows_under_its_old_text(tmp_path: Path) -> None:
    sessions = [*panel(), respondent("Fatou Sow", answers={"q99": "Kept answer."}, day=6)]
    csv_path, xlsx_path = export(tmp_path, sessions)
    header = "(removed from the questionnaire) Old question q99"
    for rows in (csv_rows(csv_path), sheet_rows(xlsx_path)):
        assert rows[0][-1] == header and rows[-1][-1] == "Kept answer."
        assert all(not row[-1] for row in rows[1:-1])
        q9 = rows[0].index("9. What is the possible relationship between enhanced cooperation and the IGF?")
        assert all(not row[q9] for row in rows[1:])  # an item nobody answered yet: an empty column
    assert sheet_rows(xlsx_path, "Questions")[-1] == [None, "q99", "Old question q99", None, None, "Yes"]


def test_questions_sheet_lists_every_item_in_full(tmp_path: Path) -> None:
    _, xlsx_path = export(tmp_path, panel())
    rows = sheet_rows(xlsx_path, "Questions")
    assert rows[0] == ["Number", "Id", "Text", "Kind", "Options", "Removed"]
    assert [row[1] for row in rows[1:4]] == ["consent", "contact", "q1"]
    assert rows[3] == ["1", "q1", "Which stakeholder category do you belong to?", "single",
                       "Government\nNon-Government", "No"]
    assert " ".join(next(row for row in rows if row[1] == "q8")[2].split()) == Q8.removeprefix("8. ")


def test_an_empty_compilation_gives_the_headings_only(tmp_path: Path) -> None:
    csv_path, xlsx_path = export(tmp_path, [])
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfRespondent,")
    assert len(csv_rows(csv_path)) == 1 and len(sheet_rows(xlsx_path)) == 1
    assert sheet_rows(xlsx_path)[0] == csv_rows(csv_path)[0]


def test_the_sheet_is_laid_out_for_reading(tmp_path: Path) -> None:
    _, xlsx_path = export(tmp_path, panel())
    book = load_workbook(xlsx_path)
    sheet = book["Responses"]
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold and sheet["M2"].alignment.wrap_text
    assert sheet.column_dimensions["M"].width == 60  # Q2, a long answer
    assert sheet.column_dimensions["C"].width <= 24  # the front end
    assert (book.properties.creator, book.properties.title) == ("consult", WGEC.title)


def _unzipped(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [archive.read(name).decode("utf-8") for name in archive.namelist()]


def test_formula_like_contact_details_are_never_formulas(tmp_path: Path) -> None:
    name = "=cmd|' /C calc'!A0"
    csv_path, xlsx_path = export(tmp_path, [respondent(name)])
    header, row = csv_rows(csv_path)[:2]
    column = header.index("Your name")
    assert row[column] == "'" + name
    cell = load_workbook(xlsx_path)["Responses"].cell(row=2, column=column + 1)
    assert cell.data_type == "s" and cell.value == name


def test_public_files_carry_name_organisation_and_country_but_no_other_contact_detail(tmp_path: Path) -> None:
    phone = '{ id = "phone", label = "Phone", required = false }, '
    survey = parse(SURVEY.replace('{ id = "email"', phone + '{ id = "email"'))
    cited = respondent("Ana Cited", q=survey, answers={"q2": ["Access"]})
    cited.answers["contact"].value["phone"] = "+254 700 000 111"  # type: ignore[index]
    public_csv, public_xlsx = export(tmp_path, [cited], q=survey)
    assert csv_rows(public_csv)[0][5:9] == ["May be cited", "Name", "Organisation", "Country"]
    assert csv_rows(public_csv)[1][5:9] == ["Yes", "Ana Cited", "Ana Cited Org", "Kenya"]
    data = ExportInput(compile_responses(survey, [cited], Audience.PUBLIC, Scope.ALL, NOW),
                       progress.report(survey, [cited], NOW))
    [public_json] = json_file.write(data, tmp_path)
    public = [public_csv.read_text(encoding="utf-8-sig"), public_json.read_text(), *_unzipped(public_xlsx)]
    for text in public:
        assert "ana.cited@example.org" not in text and "700 000 111" not in text
    assert "E-mail" not in csv_rows(public_csv)[0] and "Phone" not in sheet_rows(public_xlsx)[0]
    internal_csv, _ = export(tmp_path, [cited], Audience.INTERNAL, q=survey)
    assert csv_rows(internal_csv)[0][9:14] == ["Name", "Organisation", "Country", "Phone", "E-mail"]
    assert csv_rows(internal_csv)[1][9:14] == ["Ana Cited", "Ana Cited Org", "Kenya", "'+254 700 000 111",
                                               "ana.cited@example.org"]
