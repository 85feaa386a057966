"""The responses table as an Excel workbook: a "Responses" sheet and a "Questions" sheet.

- Write-only mode streams each row to disk as it is made (openpyxl writes inline strings, no shared
  string table), so 10,000 long rows never sit in memory as cells.
- Text is always a string cell: openpyxl would turn a str starting with "=" into a formula, so the
  type is forced to "s". Formula-like text (= + - @ tab CR) also gets Excel's quotePrefix style, the
  stored form of typing a leading ': the value stays exactly what the respondent wrote, and the cell
  stays text even after someone edits it (F2, Enter). A literal ' as in the CSV would alter the value
  for every reader of the file, and is only needed where a format has no cell types.
- Excel holds 32,767 characters in a cell and openpyxl cuts longer text silently, so a longer answer
  continues in the next columns, headed "<heading> (continued 2)" and so on: joined, they give back
  every character.
- Printed or turned into a PDF: A4 landscape, the heading row (and the respondent's number) on every
  page, and each row as tall as its longest wrapped text, up to Excel's most (409 points), so that no
  row runs over the next: write-only mode cannot fit rows when Excel opens the file, and
  LibreOffice does not either before it prints. An answer in Arabic or Hebrew reads right to left.
- Internal audience: "Confidential" in the first heading (as in the CSV), in the printed header and
  footer of both sheets, and in the document's title and keywords. The sheet names stay the same for
  both audiences so that anything reading the workbook finds them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.export.base import ExportInput
from core.export.naming import CONFIDENTIAL, RESPONSES_XLSX, file_name
from core.export.records import Compilation
from core.export.table import (
    FORMULA_STARTS,
    QUESTION_SHEET_HEADERS,
    Cell,
    Table,
    Width,
    question_sheet_rows,
    responses_table,
)
from core.export.text import readable, right_to_left

RESPONSES_SHEET = "Responses"
QUESTIONS_SHEET = "Questions"
EXCEL_CELL_LIMIT = 32_767  # characters, which Excel counts in UTF-16 units (an emoji is two)
_ALWAYS_FITS = EXCEL_CELL_LIMIT // 2  # no text this short can pass the limit, whatever it holds
SHORT_WIDTHS = (10, 24)  # a short column is as wide as its heading, within these bounds
WIDTHS = {Width.FLAG: 10, Width.TEXT: 60}
QUESTION_SHEET_WIDTHS = [8, 12, 80, 10, 40, 9]
THEMES_SHEET_WIDTHS = [9, 9, 30, 60, 12, 30, 30, 30, 60, 14, 10]
WRAP = Alignment(wrap_text=True, vertical="top")
# readingOrder 2: right to left. Excel's horizontal alignment is not mirrored by it: "right" is the right edge.
WRAP_RIGHT_TO_LEFT = Alignment(wrap_text=True, vertical="top", readingOrder=2, horizontal="right")
LINE_POINTS = 15  # one line of 11-point text
MAX_ROW_POINTS = 409  # the tallest row Excel allows
MAX_LINES = MAX_ROW_POINTS // LINE_POINTS + 1
BOLD = Font(bold=True)
T = TypeVar("T")


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write the responses workbook (responses and questions sheets) and return its path."""
    c = data.compilation
    book = Workbook(write_only=True)
    _describe(book, c)
    responses = book.create_sheet(RESPONSES_SHEET)
    questions = book.create_sheet(QUESTIONS_SHEET)
    for sheet in (responses, questions):
        _set_printing(sheet, c.confidential)
    _write_responses(responses, responses_table(c))
    questions.print_title_cols = "A:B"  # the question's number and id, on pages to the right
    _write_sheet(questions, QUESTION_SHEET_HEADERS, QUESTION_SHEET_WIDTHS, question_sheet_rows(c))
    if data.themes is not None:  # the themes part was chosen
        _themes_sheet(book, data, c.confidential)
    path = folder / file_name(c, RESPONSES_XLSX)
    book.save(path)
    return [path]


def _themes_sheet(book: Any, data: ExportInput, confidential: bool) -> None:
    from core.themes.files import SHEET, sheet_rows

    assert data.themes is not None
    sheet = book.create_sheet(SHEET)
    _set_printing(sheet, confidential)
    heading, *rows = sheet_rows(data.themes)
    cells: list[list[Cell]] = [list(row) for row in rows]
    _write_sheet(sheet, [str(h) for h in heading], THEMES_SHEET_WIDTHS, cells)


def excel_pieces(text: str) -> list[str]:
    """The text in pieces Excel can hold in one cell each, keeping every character, in order."""
    pieces: list[str] = []
    while _utf16_length(text) > EXCEL_CELL_LIMIT:
        end = _fitting_end(text)
        # Cut after a space or line break near the end, when there is one, so no word is split.
        space = max(text.rfind(" ", end - 1000, end), text.rfind("\n", end - 1000, end))
        end = space + 1 if space > 0 else end
        pieces.append(text[:end])
        text = text[end:]
    return [*pieces, text]


def _fitting_end(text: str) -> int:
    end = min(len(text), EXCEL_CELL_LIMIT)
    while (excess := _utf16_length(text[:end]) - EXCEL_CELL_LIMIT) > 0:
        end -= (excess + 1) // 2  # a character is one UTF-16 unit or two (an emoji): sheds half the excess or more
    return end


def _describe(book: Any, c: Compilation) -> None:
    # Only the questionnaire goes into the properties: never a respondent, whatever the audience.
    properties = book.properties
    properties.creator = "consult"
    properties.lastModifiedBy = "consult"
    properties.title = f"{CONFIDENTIAL}: {c.questionnaire.title}" if c.confidential else c.questionnaire.title
    properties.subject = "Responses"
    properties.keywords = CONFIDENTIAL if c.confidential else None
    created = c.generated_at
    properties.created = created.astimezone(UTC).replace(tzinfo=None) if created.tzinfo else created


def _set_printing(sheet: Any, confidential: bool) -> None:
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    sheet.print_title_rows = "1:1"
    if confidential:
        sheet.HeaderFooter.oddHeader.center.text = CONFIDENTIAL
        sheet.HeaderFooter.oddFooter.center.text = CONFIDENTIAL


def _write_responses(sheet: Any, table: Table) -> None:
    spans = _spans(table)
    headers = _spread_headers(table.headers, spans)
    widths = _spread([_width(column.width, column.header) for column in table.columns], spans)
    sheet.freeze_panes = "B2"  # the headings and the respondent number stay in view
    sheet.print_title_cols = "A:A"  # and on every printed page
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{len(table.records) + 1}"
    rows = (_spread_row(row, spans) for row in table.rows())
    _write_sheet(sheet, headers, widths, rows)


def _write_sheet(sheet: Any, headers: list[str], widths: Sequence[int], rows: Iterable[list[Cell]]) -> None:
    # Widths must be set before the first row: write-only mode writes them at the top of the sheet.
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    heading: list[Cell] = list(headers)
    for number, row in enumerate(itertools.chain([heading], rows), start=1):
        # A row's height is written with the row, so it is set just before, and forgotten after.
        sheet.row_dimensions[number].height = _height(row, widths)
        sheet.append([None if value is None else _cell(sheet, value, bold=number == 1) for value in row])
        del sheet.row_dimensions[number]


def _height(row: Sequence[Cell], widths: Sequence[int]) -> int:
    """Points enough for the most lines any cell of the row wraps to (a character per width unit)."""
    lines = max((_lines(v, w) for v, w in zip(row, widths, strict=False) if isinstance(v, str)), default=1)
    return min(lines * LINE_POINTS, MAX_ROW_POINTS)


def _lines(text: str, width: int) -> int:
    if len(text) > width * MAX_LINES:
        return MAX_LINES  # taller than a row can be, whatever its line breaks
    return sum(len(line) // width + 1 for line in text.split("\n"))


def _cell(sheet: Any, value: str | int, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl reads a leading "=" as a formula; no answer is one
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    cell.alignment = WRAP_RIGHT_TO_LEFT if isinstance(value, str) and right_to_left(value) else WRAP
    if bold:
        cell.font = BOLD
    return cell


def _spans(table: Table) -> list[int]:
    """How many columns each column takes, so that no cell holds more than Excel can."""
    spans = [1] * len(table.columns)
    text_columns = [(i, column) for i, column in enumerate(table.columns) if column.width is Width.TEXT]
    for record in table.records:
        for i, column in text_columns:
            value = column.cell(record)
            if isinstance(value, str) and len(value) > _ALWAYS_FITS:
                spans[i] = max(spans[i], len(excel_pieces(readable(value))))
    return spans


def _spread_headers(headers: list[str], spans: list[int]) -> list[str]:
    spread: list[str] = []
    for header, span in zip(headers, spans, strict=True):
        spread += [header] + [f"{header} (continued {n})" for n in range(2, span + 1)]
    return spread


def _spread(values: list[T], spans: list[int]) -> list[T]:
    spread: list[T] = []
    for value, span in zip(values, spans, strict=True):
        spread += [value] * span
    return spread


def _spread_row(row: list[Cell], spans: list[int]) -> list[Cell]:
    spread: list[Cell] = []
    for value, span in zip(row, spans, strict=True):
        pieces: list[Cell] = [*excel_pieces(value)] if span > 1 and isinstance(value, str) else [value]
        spread += pieces + [None] * (span - len(pieces))
    return spread


def _width(width: Width, header: str) -> int:
    low, high = SHORT_WIDTHS
    return WIDTHS.get(width, min(max(len(header) + 2, low), high))


def _utf16_length(text: str) -> int:
    if len(text) <= _ALWAYS_FITS:
        return len(text)  # not exact for emoji, but under the limit either way, which is all it is asked
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
