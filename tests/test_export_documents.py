"""The Word and Markdown compilations as a secretariat circulates them: page, header, tables, notes."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document

from core import progress
from core.export import docx_files
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses
from core.session import Session
from questionnaire.loader import QuestionnaireError, parse
from tests.support.responses import WGEC, panel, respondent
from tests.test_export_compilations import NOW, compiled, following, headings, table_after, written
from tests.test_export_table import SURVEY

ARABIC = "التعاون المعزز ضروري لجميع أصحاب المصلحة."
STATUS_OPTIONS = ["With ECOSOC consultative status", "Accredited to WSIS", "ITU Sector Member",
                  "Academic or business entity participating in the work of the CSTD", "Other"]
CIVIL, PRIVATE = "Non-Government - Civil society", "Non-Government - Private sector"


def header_of(question_id: str) -> str:
    return next(q.header for q in compiled(panel()).compilation.questions if q.id == question_id)


def parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml")}


# --- 9. --status all: not reached yet is not "gave no answer" -------------------------------------------

def halfway() -> Session:
    """A government respondent who answered Q2, skipped Q3, and has not reached Q4 yet."""
    return respondent("Half Way", answers={"q2": "So far.", "q3": None}, day=7, submitted=False)


def test_people_still_answering_are_counted_as_not_reached_yet(tmp_path: Path) -> None:
    amina = panel()[0]  # submitted: answered Q2 and Q3, skipped Q4
    path = written(tmp_path, [amina, halfway()])["compilation-by-question.docx"]
    assert following(path, header_of("q3"), 2) == [
        "Asked of 2: 1 answered, 1 gave no answer.", "Government (1 answered, 1 gave no answer)"]
    assert following(path, header_of("q4"), 2) == [
        "Asked of 1: 0 answered, 1 gave no answer. Not reached yet: 1 (still answering).",
        "Government (0 answered, 1 gave no answer, 1 not reached yet)"]
    markdown = path.with_name("compilation-by-question.md").read_text()
    assert "### Government (0 answered, 1 gave no answer, 1 not reached yet)" in markdown


# --- 7. choice questions: a table of counts -------------------------------------------------------------

def test_choice_questions_are_a_table_of_counts_per_option_and_group(tmp_path: Path) -> None:
    files = written(tmp_path, panel())
    path = files["compilation-by-question.docx"]
    assert headings(path, 1)[:3] == [
        "1. Which stakeholder category do you belong to?", "1a. If non-government, please indicate:",
        "1b. If non-government, please indicate if you are:"]
    assert table_after(path, "1. Which stakeholder category do you belong to?") == [
        ["Answer", "Government", CIVIL, PRIVATE, "Total"],
        ["Government", "2", "0", "0", "2"],
        ["Non-Government", "0", "2", "1", "3"],
        ["No answer", "0", "0", "0", "0"],
    ]
    status = table_after(path, "1b. If non-government, please indicate if you are:")
    assert status[0] == ["Answer", CIVIL, PRIVATE, "Total"]
    assert status[1:] == [["With ECOSOC consultative status", "1", "0", "1"],
                          *[[option, "0", "0", "0"] for option in STATUS_OPTIONS[1:]],
                          ["No answer", "1", "1", "2"]]
    # Counted, not listed: no one is named under a choice question.
    assert following(path, "1b. If non-government, please indicate if you are:", 1) == [
        "Asked of 3: 1 answered, 2 gave no answer."]
    markdown = files["compilation-by-question.md"].read_text()
    assert (f"| Answer | {CIVIL} | {PRIVATE} | Total |\n|---|---:|---:|---:|\n"
            "| With ECOSOC consultative status | 1 | 0 | 1 |\n") in markdown


def test_a_multiple_choice_counts_each_option_chosen(tmp_path: Path) -> None:
    survey = parse(SURVEY)
    chosen = [["Access", "Security"], ["Rights", "Access"], None]
    sessions = [respondent(f"P{n}", q=survey, answers={"q2": v}, day=n) for n, v in enumerate(chosen)]
    sessions.append(respondent("P3", q=survey, category="Non-Government", answers={"q2": ["Access"]}, day=3))
    data = ExportInput(compile_responses(survey, sessions, Audience.PUBLIC, Scope.ALL, NOW),
                       progress.report(survey, sessions, NOW))
    [path, _] = docx_files.write(data, tmp_path)
    assert table_after(path, "2. Which issues matter?") == [
        ["Answer", "Government", "Non-Government", "Total"],
        ["Access", "2", "1", "3"], ["Rights", "1", "0", "1"], ["Security", "1", "0", "1"],
        ["No answer", "1", "0", "1"],
    ]


# --- 8. questions the file leaves out are named -----------------------------------------------------------

def test_questions_without_a_public_wording_are_named_with_a_note(tmp_path: Path) -> None:
    assert [o.number for o in WGEC.omitted] == ["12", "13", "14", "16", "17"]
    files = written(tmp_path, panel())
    path = files["compilation-by-question.docx"]
    titles = headings(path, 1)
    missing = ["Questions 12, 13, 14: not in this compilation", "Questions 16, 17: not in this compilation"]
    assert titles.index(missing[0]) == titles.index(header_of("q11")) + 1
    assert titles.index(missing[1]) == titles.index(header_of("q15")) + 1
    note = WGEC.omitted[0].note
    assert following(path, missing[0], 3) == [f"Question {n}: {note}" for n in ("12", "13", "14")]
    markdown = files["compilation-by-question.md"].read_text()
    assert f"## {missing[0]}\n\nQuestion 12: {note}\n\nQuestion 13: {note}\n\n" in markdown


def test_an_omitted_question_must_not_clash_with_an_item() -> None:
    text = (
        'id = "t"\ntitle = "T"\nintroduction = "I"\n'
        '[[items]]\nid = "a"\nnumber = "1"\nkind = "short"\ntext = "A"\n'
        '[[omitted]]\nnumber = "1"\nnote = "Lost."\n'
    )
    try:
        parse(text, "t.toml")
    except QuestionnaireError as error:
        assert "omitted question 1 is also the number of item 'a'" in str(error)
    else:
        raise AssertionError("a clash was accepted")


# --- 6 and 12. the page: A4, numbers, running header, contents, Confidential --------------------------------

def test_pages_are_a4_numbered_with_a_running_header_per_question(tmp_path: Path) -> None:
    path = written(tmp_path, panel())["compilation-by-question.docx"]
    document = Document(str(path))
    sections = document.sections
    assert all((round(s.page_width or 0) // 36000, round(s.page_height or 0) // 36000) == (210, 297) for s in sections)
    footer = "".join(xml for name, xml in parts(path).items() if name.startswith("word/footer"))
    assert "PAGE" in footer and "NUMPAGES" in footer
    running = [" ".join(p.text for p in s.header.paragraphs) for s in sections]
    assert all(text.startswith(WGEC.title) for text in running)
    q2 = header_of("q2")
    assert any(q2[:60] in text for text in running)
    texts = [p.text for p in document.paragraphs]
    assert any("Update Field" in text and "Update All" in text for text in texts)  # how to refresh the contents


def test_internal_files_say_confidential_in_properties_and_every_header(tmp_path: Path) -> None:
    files = written(tmp_path, panel(), Audience.INTERNAL)
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        document = Document(str(files[name]))
        props = document.core_properties
        assert props.title.startswith("Confidential: ") and props.keywords == "Confidential"
        assert props.content_status == "Confidential"
        for section in document.sections:
            for header in (section.header, section.first_page_header):
                if not header.is_linked_to_previous:
                    assert header.paragraphs[0].text == "Confidential"


# --- 13. right-to-left answers ---------------------------------------------------------------------------

def test_arabic_answers_are_set_right_to_left(tmp_path: Path) -> None:
    files = written(tmp_path, [respondent("Amina Diallo", answers={"q2": ARABIC, "q3": "Plain English."})])
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        paragraphs = [p for p in Document(str(files[name])).paragraphs if p.text in (ARABIC, "Plain English.")]
        bidi = {p.text: bool(p._p.xpath("./w:pPr/w:bidi")) and bool(p._p.xpath(".//w:rPr/w:rtl")) for p in paragraphs}
        assert bidi == {ARABIC: True, "Plain English.": False}
