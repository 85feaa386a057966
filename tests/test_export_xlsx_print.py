"""The responses workbook as printed or turned into a PDF: A4, headings on every page, rows that fit."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.session import Session
from tests.support.responses import panel, respondent
from tests.test_export_table import export

ARABIC = "التعاون المعزز ضروري لجميع أصحاب المصلحة."
LINE_POINTS = 15  # one line of 11-point text
EXCEL_MAX_ROW_POINTS = 409


def responses(tmp_path: Path, sessions: list[Session]) -> Worksheet:
    _, xlsx_path = export(tmp_path, sessions)
    sheet: Worksheet = load_workbook(xlsx_path)["Responses"]
    return sheet


def test_both_sheets_print_on_a4_with_the_heading_row_on_every_page(tmp_path: Path) -> None:
    _, xlsx_path = export(tmp_path, panel())
    book = load_workbook(xlsx_path)
    for sheet in (book["Responses"], book["Questions"]):
        assert sheet.page_setup.paperSize == int(sheet.PAPERSIZE_A4)
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.print_title_rows == "$1:$1"
    assert book["Responses"].print_title_cols == "$A:$A"  # the respondent's number, on pages to the right


def test_each_row_is_as_tall_as_its_longest_wrapped_answer(tmp_path: Path) -> None:
    three_lines = "First line.\nSecond line.\nThird line."
    long = "word " * 2000  # far more than a row can show: the row is as tall as Excel allows
    sheet = responses(tmp_path, [respondent("Short One", answers={"q2": "Yes."}, day=0),
                                 respondent("Three Lines", answers={"q2": three_lines}, day=1),
                                 respondent("Very Long", answers={"q2": long}, day=2)])
    heights = [sheet.row_dimensions[row].height for row in (2, 3, 4)]
    assert heights[0] is not None and heights[0] <= 2 * LINE_POINTS
    assert heights[1] is not None and heights[1] >= 3 * LINE_POINTS
    assert heights[2] == EXCEL_MAX_ROW_POINTS
    header = sheet.row_dimensions[1].height
    assert header is not None and header >= 2 * LINE_POINTS  # long question texts wrap in the heading row


def test_an_arabic_answer_reads_right_to_left(tmp_path: Path) -> None:
    sheet = responses(tmp_path, [respondent("Amina Diallo", answers={"q2": ARABIC, "q3": "Plain English."})])
    cells = {cell.value: cell for cell in sheet[2] if cell.value in (ARABIC, "Plain English.")}
    assert cells[ARABIC].alignment.readingOrder == 2 and cells[ARABIC].alignment.wrap_text
    assert cells["Plain English."].alignment.readingOrder == 0
