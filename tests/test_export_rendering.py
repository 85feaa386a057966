"""The Word compilations as printed: converted to PDF by LibreOffice, read back with poppler.

LibreOffice takes seconds to start, so every file is converted once, in one run, for all the tests.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from core import progress
from core.export import docx_files, xlsx
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses
from core.export.word_page import RUNNING_HEAD_CHARS
from core.session import Session
from core.text import shorten
from tests.support.responses import WGEC, panel, respondent
from tests.test_export_compilations import NOW

INSTALL = ("apt-get install libreoffice-writer-nogui poppler-utils "
           "(bash .ci/run installs them when they are missing)")
ARABIC = "التعاون المعزز ضروري لجميع أصحاب المصلحة."
CONVERT_SECONDS = 300


@dataclass(frozen=True)
class Pdf:
    """A converted file: its page size and the text of each page."""

    size: str
    pages: list[str]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is needed to check how the Word files print: {INSTALL}")
    return found


def _crowd() -> list[Session]:
    """The panel, with answers long enough to run over pages, and one in Arabic."""
    long = "\n".join(f"Paragraph {n}: " + "enhanced cooperation " * 30 for n in range(12))
    return [*panel(),
            respondent("Layla Haddad", category="Non-Government", group="Civil society", country="Lebanon",
                       answers={"q2": ARABIC + "\n" + ARABIC, "q3": long}, day=2),
            respondent("Long Writer", answers={"q2": long, "q3": long}, day=4)]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    soffice, pdfinfo, pdftotext = _tool("soffice"), _tool("pdfinfo"), _tool("pdftotext")
    folder = tmp_path_factory.mktemp("printed")
    sessions = _crowd()
    words: list[Path] = []
    for audience in Audience:
        data = ExportInput(compile_responses(WGEC, sessions, audience, Scope.ALL, NOW),
                           progress.report(WGEC, sessions, NOW))
        words += docx_files.write(data, folder)
    words += xlsx.write(data, folder)  # the internal workbook: every column filled
    # A profile of its own, so that runs side by side (or a LibreOffice open on the desktop) do not collide.
    profile = (folder / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *map(str, words)], check=True, capture_output=True,
                   timeout=CONVERT_SECONDS)
    result = {}
    for word in words:
        pdf = word.with_suffix(".pdf")
        info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        size = re.search(r"Page size:\s+(.*)", info)
        result[word.name] = Pdf(size.group(1) if size else "", text.split("\f")[:-1])
    return result


def test_every_file_prints_on_a4_with_numbered_pages(printed: dict[str, Pdf]) -> None:
    assert len(printed) == 5
    for name, pdf in ((n, p) for n, p in printed.items() if n.endswith(".docx")):
        assert "(A4)" in pdf.size, (name, pdf.size)
        assert len(pdf.pages) > 1, name
        # The title page has no number; every other page says where it is.
        for number, page in enumerate(pdf.pages[1:], start=2):
            assert f"Page {number} of {len(pdf.pages)}" in page, (name, number, page[-300:])


def test_each_page_is_headed_by_the_consultation_and_the_question_it_compiles(printed: dict[str, Pdf]) -> None:
    pages = printed["compilation-by-question.docx"].pages
    for page in pages:
        assert _first_lines(page).startswith(WGEC.title), page[:300]
    q3 = next(item for item in WGEC.items if item.id == "q3")
    running = shorten(f"3. {q3.text}", RUNNING_HEAD_CHARS)[:60]
    q3_pages = [page for page in pages if running in _flat(_first_lines(page))]
    # Question 3's long answers run over several pages: each is headed by it, the first only has its heading.
    assert len(q3_pages) >= 2
    assert [("3. To what extent" in _flat(page[len(_first_lines(page)):])) for page in q3_pages] == (
        [True] + [False] * (len(q3_pages) - 1))


def test_the_contents_say_how_to_fill_in_their_page_numbers(printed: dict[str, Pdf]) -> None:
    pages = printed["compilation-by-question.docx"].pages
    contents = _flat(pages[0] + pages[1])
    assert "Contents" in contents and "Update Field" in contents and "Update All" in contents


def test_internal_files_say_confidential_at_the_top_of_every_page(printed: dict[str, Pdf]) -> None:
    for name in ("CONFIDENTIAL-compilation-by-question.docx", "CONFIDENTIAL-compilation-by-respondent.docx"):
        for page in printed[name].pages:
            assert _first_lines(page).startswith("Confidential"), (name, page[:200])
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        assert not any("Confidential" in page for page in printed[name].pages)


def test_the_workbook_prints_on_a4_with_its_headings_on_every_page(printed: dict[str, Pdf]) -> None:
    pdf = printed["CONFIDENTIAL-responses.xlsx"]
    assert "(A4)" in pdf.size
    sheets = [_flat(page).startswith(("Confidential Respondent", "Confidential Number Id")) for page in pdf.pages]
    assert all(sheets), [page[:200] for page in pdf.pages]
    assert sum(_flat(page).startswith("Confidential Respondent") for page in pdf.pages) > 1


def test_arabic_answers_print_flush_right_and_english_ones_flush_left(printed: dict[str, Pdf]) -> None:
    # Set by the paragraph's direction alone (w:bidi): w:jc="right" would put them on the left margin.
    for name in ("compilation-by-respondent.docx", "compilation-by-question.docx"):
        lines = [line for page in printed[name].pages for line in page.split("\n")]
        arabic = [line for line in lines if "ضروري" in line]
        english = [line for line in lines if line.lstrip().startswith("Paragraph 0:")]
        assert arabic and all(len(line) - len(line.lstrip()) > 30 for line in arabic), (name, arabic)
        assert english and all(len(line) - len(line.lstrip()) < 10 for line in english), (name, english)


def _first_lines(page: str) -> str:
    return "\n".join(line.strip() for line in page.strip().splitlines()[:4])


def _flat(text: str) -> str:
    return " ".join(text.split())
