"""Arabic in the Word and Excel files: right-to-left paragraphs, runs and cells, read back from the files."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from core import progress
from core.export import docx_files
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses
from core.export.text import right_to_left
from core.session import Session
from tests.support.responses import WGEC, respondent
from tests.test_export_compilations import NOW
from tests.test_export_table import export

ARABIC = "التعاون المعزز ضروري لجميع أصحاب المصلحة."
OPENS_IN_LATIN = "WSIS: التعاون المعزز ضروري لجميع أصحاب المصلحة."  # mainly Arabic all the same
ONE_WORD = "Enhanced cooperation matters to every stakeholder (التعاون)."  # mainly English
ARABIC_NAME = "ليلى حداد"


def sessions() -> list[Session]:
    return [respondent(ARABIC_NAME, answers={"q2": ARABIC, "q3": OPENS_IN_LATIN, "q4": ONE_WORD})]


def word_files(tmp_path: Path, title: str = WGEC.title) -> dict[str, Path]:
    q = WGEC.model_copy(update={"title": title})
    data = ExportInput(compile_responses(q, sessions(), Audience.PUBLIC, Scope.ALL, NOW),
                       progress.report(q, sessions(), NOW))
    return {path.name: path for path in docx_files.write(data, tmp_path)}


def direction(paragraph: Paragraph) -> tuple[bool, bool, str | None]:
    """(w:bidi on the paragraph, w:rtl on every run, the paragraph's w:jc) as written in the file."""
    runs = paragraph._p.xpath("./w:r")
    jc = paragraph._p.xpath("./w:pPr/w:jc/@w:val")
    return (bool(paragraph._p.xpath("./w:pPr/w:bidi")), bool(runs) and all(r.xpath("./w:rPr/w:rtl") for r in runs),
            jc[0] if jc else None)


def test_mainly_arabic_is_right_to_left() -> None:
    assert right_to_left(ARABIC) and right_to_left(OPENS_IN_LATIN) and right_to_left(f"1. {ARABIC_NAME}")
    assert not right_to_left(ONE_WORD) and not right_to_left("Plain English.") and not right_to_left("2013")


def test_word_answers_headings_and_labels_in_arabic_are_right_to_left(tmp_path: Path) -> None:
    files = word_files(tmp_path)
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        paragraphs = {p.text: p for p in Document(str(files[name])).paragraphs}
        for text in (ARABIC, OPENS_IN_LATIN):
            # No w:jc="right": in a right-to-left paragraph Word takes it as the left margin; the
            # paragraph's own direction sets it flush right (tests/test_export_rendering.py prints it).
            assert direction(paragraphs[text]) == (True, True, None), (name, text)
        assert direction(paragraphs[ONE_WORD]) == (False, False, None)
    by_respondent = Document(str(files["compilation-by-respondent.docx"])).paragraphs
    label = next(p for p in by_respondent if p.text.startswith(ARABIC_NAME) and p.style.name == "Heading 1")
    assert direction(label)[:2] == (True, True)
    english = next(p for p in by_respondent if p.style.name == "Heading 2" and p.text.startswith("2. "))
    assert direction(english) == (False, False, None)


def test_right_to_left_comes_in_the_order_word_requires(tmp_path: Path) -> None:
    files = word_files(tmp_path)
    heading = next(p for p in Document(str(files["compilation-by-respondent.docx"])).paragraphs
                   if p.text.startswith(ARABIC_NAME) and p.style.name == "Heading 1")
    tags = [child.tag for child in heading._p.pPr]
    assert tags == [qn("w:pStyle"), qn("w:pageBreakBefore"), qn("w:bidi")]  # ECMA-376 CT_PPrBase order


def test_an_arabic_title_is_right_to_left_on_the_title_page(tmp_path: Path) -> None:
    title = "استبيان الفريق العامل المعني بتعزيز التعاون"
    files = word_files(tmp_path, title)
    paragraphs = Document(str(files["compilation-by-question.docx"])).paragraphs
    subtitle = next(p for p in paragraphs if p.text == title)
    assert direction(subtitle) == (True, True, None)
    assert [child.tag for child in subtitle._p.pPr] == [qn("w:pStyle"), qn("w:bidi")]


def test_excel_cells_in_arabic_read_right_to_left_and_sit_on_the_right(tmp_path: Path) -> None:
    _, xlsx_path = export(tmp_path, sessions())
    sheet = load_workbook(xlsx_path)["Responses"]
    cells = {cell.value: cell for cell in sheet[2] if isinstance(cell.value, str)}
    for text in (ARABIC, OPENS_IN_LATIN, ARABIC_NAME):
        alignment = cells[text].alignment
        assert (alignment.readingOrder, alignment.horizontal, alignment.wrap_text) == (2, "right", True), text
    for text in (ONE_WORD, "Government"):
        assert (cells[text].alignment.readingOrder, cells[text].alignment.horizontal) == (0, None), text


def test_csv_keeps_arabic_exactly_as_typed(tmp_path: Path) -> None:
    csv_path, _ = export(tmp_path, sessions())
    raw = csv_path.read_text(encoding="utf-8-sig")
    assert ARABIC in raw and "\u200f" not in raw and "\u202b" not in raw  # no direction marks added
