"""The compilations by question (DOCX, Markdown) and by respondent (DOCX), read back as a reader would."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from markdown_it.token import Token

from core import progress
from core.export import docx_files, markdown
from core.export.base import ExportInput
from core.export.grouping import group_answers, was_asked
from core.export.outline import Omitted, by_question, choice_table, is_choice, title
from core.export.records import Audience, Compilation, Scope, compile_responses
from core.session import Session
from questionnaire.model import Questionnaire
from tests.support.responses import WGEC, WGEC_ANONYMOUS, panel, respondent

NOW = datetime(2013, 9, 1, tzinfo=UTC)
# Who did not authorise citation in panel(): nothing of theirs may reach a public file.
HIDDEN = ["Bruno Costa", "Bruno Costa Org", "Brazil", "bruno.costa@example.org",
          "Dana Smith", "Dana Smith Org", "United States", "dana.smith@example.org"]
HOSTILE = ("# Heading\n* item\n- other\n1. first\n[link](http://x)\n<script>alert(1)</script>\n"
           "<!-- hidden -->\n| a | b |\n|---|---|\n```\ncode\n```\n===\n    indented\n> quoted")
BRUNO_INTERNALLY = ("Respondent 2: Bruno Costa, Bruno Costa Org (Civil society; not for citation)"
                    " - Brazil, bruno.costa@example.org")
LONG = "\n".join(f"{n:05d} " + "x" * 93 for n in range(1000))  # 100,000 characters in 1,000 lines


def compiled(sessions: list[Session], audience: Audience = Audience.PUBLIC, q: Questionnaire = WGEC_ANONYMOUS
             ) -> ExportInput:
    """Under the anonymous rule unless told: the answers of those who may not be cited are shown by number."""
    compilation = compile_responses(q, sessions, audience, Scope.ALL, NOW)
    return ExportInput(compilation, progress.report(q, sessions, NOW))


def written(tmp_path: Path, sessions: list[Session], audience: Audience = Audience.PUBLIC) -> dict[str, Path]:
    """Both DOCX files and the Markdown, by the name each was written under."""
    data = compiled(sessions, audience)
    paths = docx_files.write(data, tmp_path) + markdown.write(data, tmp_path)
    return {path.name.removeprefix("CONFIDENTIAL-"): path for path in paths}


def styled(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every paragraph after the table of contents (of all when there is none)."""
    paragraphs = Document(str(path)).paragraphs
    ends = [i for i, p in enumerate(paragraphs) if p._p.xpath('.//w:fldChar[@w:fldCharType="end"]')]
    start = ends[0] + 1 if ends else 0
    return [(p.style.name if p.style is not None else "", p.text) for p in paragraphs[start:]]


def headings(path: Path, level: int) -> list[str]:
    return [text for style, text in styled(path) if style == f"Heading {level}"]


def following(path: Path, first: str, count: int) -> list[str]:
    """The texts of the `count` paragraphs after the first with this exact text."""
    texts = [text for _, text in styled(path)]
    start = texts.index(first)
    return texts[start + 1 : start + 1 + count]


def everything(path: Path) -> str:
    """The file name and every part inside the zip, decompressed, or the file's text."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            parts = [n + archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
            return path.name + "".join(parts)
    return path.name + path.read_text(encoding="utf-8")


def table_after(path: Path, heading: str) -> list[list[str]]:
    """The cells of the first table after the heading with this text."""
    document = Document(str(path))
    body = document.element.body
    seen = False
    for child in body.iterchildren():
        paragraph = Paragraph(child, document) if child.tag.endswith("}p") else None
        style = paragraph.style.name if paragraph is not None and paragraph.style is not None else ""
        if paragraph is not None and paragraph.text == heading and style == "Heading 1":
            seen = True
        elif seen and child.tag.endswith("}tbl"):
            return [[cell.text for cell in row.cells] for row in Table(child, document).rows]
    raise AssertionError(f"no table after {heading!r}")


def group_lines(path: Path, question_heading: str) -> list[str]:
    """The Heading 2 texts under one question."""
    found, inside = [], False
    for style, text in styled(path):
        if style == "Heading 1":
            inside = text == question_heading
        elif inside and style == "Heading 2":
            found.append(text)
    return found


@pytest.fixture
def public(tmp_path: Path) -> dict[str, Path]:
    return written(tmp_path, panel())


# --- by question, DOCX ------------------------------------------------------------------------------

def test_one_heading_per_question_in_questionnaire_order_each_on_a_new_page(public: dict[str, Path]) -> None:
    path = public["compilation-by-question.docx"]
    expected = [title(entry) for entry in by_question(compiled(panel()).compilation)]
    assert headings(path, 1) == expected
    assert expected[3].startswith("2. What do you think is the significance")
    breaks = [p.paragraph_format.page_break_before for p in Document(str(path)).paragraphs
              if p.style is not None and p.style.name == "Heading 1"]
    assert breaks == [True] * len(expected)


def test_groups_and_counts_match_the_panel_by_hand(public: dict[str, Path]) -> None:
    path = public["compilation-by-question.docx"]
    headers = {q.id: q.header for q in compiled(panel()).compilation.questions}
    assert group_lines(path, headers["q2"]) == [
        "Government (1 answered, 0 gave no answer, 1 not reached yet)",  # Amina; Emil is still answering
        "Non-Government - Civil society (2 answered, 0 gave no answer)",  # Bruno, Chen
        "Non-Government - Private sector (1 answered, 0 gave no answer)",  # Dana
    ]
    assert group_lines(path, headers["q3"]) == [
        "Government (2 answered, 0 gave no answer)",  # Amina, Emil (in progress, Scope.ALL)
        "Non-Government - Civil society (1 answered, 1 gave no answer)",  # Bruno; Chen did not
        "Non-Government - Private sector (0 answered, 1 gave no answer)",
    ]
    assert group_lines(path, headers["q4"]) == [
        "Government (0 answered, 1 gave no answer, 1 not reached yet)",  # Amina skipped; Emil not there yet
        "Non-Government - Civil society (1 answered, 1 gave no answer)",
        "Non-Government - Private sector (0 answered, 1 gave no answer)",
    ]
    # 1b, a choice, is a table of counts (tests/test_export_documents.py), not answers under groups.
    assert group_lines(path, headers["q1_status"]) == []
    assert following(path, headers["q2"], 1) == [
        "Asked of 4: 4 answered, 0 gave no answer. Not reached yet: 1 (still answering)."]


def test_answers_are_attributed_by_consent_in_respondent_order(public: dict[str, Path]) -> None:
    path = public["compilation-by-question.docx"]
    q2 = compiled(panel()).compilation.questions[1].header
    assert following(path, q2, 10) == [
        "Asked of 4: 4 answered, 0 gave no answer. Not reached yet: 1 (still answering).",
        "Government (1 answered, 0 gave no answer, 1 not reached yet)",
        "Amina Diallo, Amina Diallo Org (Government)", "Significance: high.",
        "Non-Government - Civil society (2 answered, 0 gave no answer)",
        "Respondent 2 (Civil society)", "Civil society view.",  # Bruno started second and said no
        "Chen Wei, Chen Wei Org (Civil society)", "Joint submission of *five* groups.",
        "Non-Government - Private sector (1 answered, 0 gave no answer)",
    ]
    bold = [p.text for p in Document(str(path)).paragraphs if p.runs and p.runs[0].bold]
    assert "Respondent 4 (Private sector)" in bold and "Amina Diallo, Amina Diallo Org (Government)" in bold


def test_a_word_table_of_contents_is_there_and_word_is_asked_to_fill_it(public: dict[str, Path]) -> None:
    with zipfile.ZipFile(public["compilation-by-question.docx"]) as archive:
        body = archive.read("word/document.xml").decode()
        settings = archive.read("word/settings.xml").decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    assert [body.count(f'w:fldCharType="{kind}"') for kind in ("begin", "separate", "end")] == [1, 1, 1]
    assert '<w:updateFields w:val="true"/><w:compat>' in settings
    everything_in_order = [p.text for p in Document(str(public["compilation-by-question.docx"])).paragraphs]
    contents = everything_in_order[everything_in_order.index("Contents") :]
    # Readers that do not update fields still see the headings listed, before the first answer.
    assert contents.index("Government (1 answered, 0 gave no answer, 1 not reached yet)") < contents.index("Partly.")


def test_formula_answers_stay_text_in_word(public: dict[str, Path]) -> None:
    with zipfile.ZipFile(public["compilation-by-question.docx"]) as archive:
        body = archive.read("word/document.xml").decode()
    assert '<w:t xml:space="preserve">=HYPERLINK("http://x")</w:t>' in body
    assert "<w:fldSimple" not in body and body.count("<w:instrText") == 1


# --- by respondent, DOCX ----------------------------------------------------------------------------

def test_one_section_per_respondent_with_every_question(public: dict[str, Path]) -> None:
    path = public["compilation-by-respondent.docx"]
    assert headings(path, 1) == [
        "Amina Diallo, Amina Diallo Org (Government)", "Respondent 2 (Civil society)",
        "Chen Wei, Chen Wei Org (Civil society)", "Respondent 4 (Private sector)",
        "Respondent 5 (Government)",  # Emil consented but has not submitted: a draft is never attributed
    ]
    questions = compiled(panel()).compilation.questions
    assert headings(path, 2) == [q.header for q in questions] * 5
    amina = following(path, "Amina Diallo, Amina Diallo Org (Government)", 8)
    assert amina[:6] == ["Submitted 01 July 2013.", questions[0].header, "Not asked (the question did not apply)",
                         questions[1].header, "Significance: high.", questions[2].header]
    dana = following(path, "Respondent 4 (Private sector)", 8)
    assert dana[2:] == ["No answer", questions[1].header, "Business view.", questions[2].header, "No answer",
                        questions[3].header]
    assert following(path, "Respondent 5 (Government)", 1) == ["Not submitted yet."]


# --- consent and confidentiality ----------------------------------------------------------------------

def test_public_files_hold_nothing_of_those_who_did_not_authorise_citation(public: dict[str, Path]) -> None:
    for path in public.values():
        content = everything(path)
        assert "Amina Diallo" in content  # she authorised citation: the check below is not vacuous
        for secret in HIDDEN:
            assert secret not in content, (path.name, secret)
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        document = Document(str(public[name]))
        props = document.core_properties
        assert (props.author, props.last_modified_by, props.comments, props.keywords) == ("consult", "consult", "", "")
        assert props.title.startswith("WGEC questionnaire") and "python-docx" not in everything(public[name])
        assert "Confidential" not in everything(public[name])


def test_internal_files_name_everyone_and_say_confidential_everywhere(tmp_path: Path) -> None:
    files = written(tmp_path, panel(), Audience.INTERNAL)
    assert all(path.name.startswith("CONFIDENTIAL-") for path in files.values())
    by_respondent = everything(files["compilation-by-respondent.docx"])
    assert all(secret in by_respondent for secret in HIDDEN)
    for name in ("compilation-by-question.docx", "compilation-by-question.md"):
        assert BRUNO_INTERNALLY in everything(files[name])
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        document = Document(str(files[name]))
        assert [s.header.paragraphs[0].text for s in document.sections] == ["Confidential"] * len(document.sections)
        assert document.paragraphs[0].text.startswith("Confidential:")
    assert files["compilation-by-question.md"].read_text().startswith("**Confidential")


# --- Markdown -----------------------------------------------------------------------------------------

def test_markdown_lists_every_question_with_groups_and_attributions(public: dict[str, Path]) -> None:
    text = public["compilation-by-question.md"].read_text()
    entries = by_question(compiled(panel()).compilation)
    assert text.count("\n## ") == len(entries) + 1  # and the Contents
    assert "- [4\\. What are the relevant international public policy issues" in text
    assert "](#question-3)\n" in text and '<a id="question-3"></a>' in text
    assert ("### Non-Government - Civil society (2 answered, 0 gave no answer)\n\n"
            "**Respondent 2 (Civil society)**\n\n> Civil society view.\n\n"
            "**Chen Wei, Chen Wei Org (Civil society)**\n\n> Joint submission of \\*five\\* groups.\n") in text


def test_respondent_markdown_makes_no_structure(tmp_path: Path) -> None:
    eve = respondent("Eve Hacker", category="Non-Government", group="Civil society", answers={"q2": HOSTILE}, day=9)
    path = written(tmp_path, [*panel(), eve])["compilation-by-question.md"]
    text = path.read_text()
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text)
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in (t.children or [])}
    assert not kinds & {"fence", "code_block", "ordered_list_open", "em_open", "s_open", "hr"}
    assert "blockquote_open" in kinds
    c = compiled([*panel(), eve]).compilation
    entries = by_question(c)
    assert sum(t.type == "list_item_open" for t in tokens) == len(entries)  # the contents only
    choices = [e for e in entries if not isinstance(e, Omitted) and is_choice(e)]
    texts = [e for e in entries if not isinstance(e, Omitted) and not is_choice(e)]
    assert sum(t.type == "table_open" for t in tokens) == len(choices) == 3  # the counts of 1, 1a, 1b only
    html = [t.content for t in tokens if t.type == "html_block"]
    html += [c.content for t in tokens for c in (t.children or []) if c.type == "html_inline"]
    assert html and all(re.fullmatch(r'(<a id="question-\d+">|</a>)\n?', h) for h in html)
    links = [c.attrs["href"] for t in tokens for c in (t.children or []) if c.type == "link_open"]
    assert all(str(href).startswith("#question-") for href in links)
    real_headings = 2 + len(entries) + sum(len(group_answers(c, q)) for q in texts)
    hash_lines = [line for line in text.splitlines() if line.startswith("#")]
    assert len(hash_lines) == real_headings == sum(t.type == "heading_open" for t in tokens)
    outside = [line for line in text.splitlines() if not line.startswith(">")]
    assert not [line for line in outside if re.match(r"\* |- (?!\[)|\d+\.|<(?!a id=)|```|=", line)]
    table_lines = [line for line in outside if line.startswith("|")]
    # Only the count tables: their heading, rule and one line per option (Eve's text makes none).
    assert len(table_lines) == sum(len(choice_table(c, q, group_answers(c, q)).cells()) + 2 for q in choices)
    quoted = _rendered_quote(tokens, "Heading")
    for typed in ("# Heading", "* item", "<script>alert(1)</script>", "<!-- hidden -->", "[link](http://x)",
                  "| a | b |", "```", "    indented".replace(" ", "\u00a0"), "> quoted"):
        assert typed in quoted, typed


def _rendered_quote(tokens: list[Token], containing: str) -> str:
    texts = [t.content for t in tokens if t.type == "inline" and containing in t.content]
    return MarkdownIt("commonmark").renderInline(texts[0]).replace("&lt;", "<").replace("&gt;", ">")


# --- hard answers, changed questionnaires, nothing at all ---------------------------------------------

def test_a_100000_character_answer_survives_in_full_everywhere(tmp_path: Path) -> None:
    files = written(tmp_path, [respondent("Long Writer", answers={"q2": LONG})])
    texts = [text for _, text in styled(files["compilation-by-question.docx"])]
    start = texts.index("Long Writer, Long Writer Org (Government)") + 1
    assert "\n".join(texts[start : start + 1000]) == LONG
    markdown_text = files["compilation-by-question.md"].read_text()
    quoted = [line.removeprefix("> ").removesuffix("  ") for line in markdown_text.splitlines() if line.startswith(">")]
    assert "\n".join(quoted) == LONG
    assert LONG in "\n".join(t for _, t in styled(files["compilation-by-respondent.docx"]))


def test_control_characters_become_replacement_characters_not_broken_files(tmp_path: Path) -> None:
    odd = "bell\x07 nul\x00 esc\x1b half\ud800 end\r\nnext"
    files = written(tmp_path, [respondent("Odd Bytes", answers={"q2": odd})])
    shown = "bell\ufffd nul\ufffd esc\ufffd half\ufffd end"
    answer = following(files["compilation-by-question.docx"], "Odd Bytes, Odd Bytes Org (Government)", 2)
    assert answer == [shown, "next"]
    assert f"> {shown}  \n> next\n" in files["compilation-by-question.md"].read_text()


def test_answers_to_a_removed_question_are_kept_under_its_old_text(tmp_path: Path) -> None:
    old = respondent("Early Bird", answers={"q99": "Said before the question was removed."})
    files = written(tmp_path, [*panel(), old])
    removed = "(removed from the questionnaire) Old question q99"
    assert headings(files["compilation-by-question.docx"], 1)[-1] == removed
    # Only the one who met the removed question counts; later respondents never saw it.
    assert following(files["compilation-by-question.docx"], removed, 4) == [
        "Asked of 1: 1 answered, 0 gave no answer.", "Government (1 answered, 0 gave no answer)",
        "Early Bird, Early Bird Org (Government)", "Said before the question was removed.",
    ]
    assert "## (removed from the questionnaire) Old question q99" in files["compilation-by-question.md"].read_text()
    # A question nobody has answered yet (as a newly added one) is shown, empty.
    q5 = next(q for q in compiled(panel()).compilation.questions if q.id == "q5").header
    assert following(files["compilation-by-question.docx"], q5, 1) == [
        "Asked of 5: 0 answered, 5 gave no answer. Not reached yet: 1 (still answering)."]


def test_an_empty_database_gives_valid_files_with_a_clear_note(tmp_path: Path) -> None:
    files = written(tmp_path, [])
    for name in ("compilation-by-question.docx", "compilation-by-respondent.docx"):
        texts = [text for _, text in styled(files[name])]
        assert any(text.startswith("No responses yet") for text in texts) and not headings(files[name], 1)
    assert "No responses yet" in files["compilation-by-question.md"].read_text()


# --- grouping --------------------------------------------------------------------------------------------

def test_groups_follow_option_order_with_category_not_given_last() -> None:
    sessions = [
        respondent("Nobody Known", answers={"q1": None, "q2": "x"}, day=0),
        respondent("Tech Person", category="Non-Government", group="Technical and academic community",
                   answers={"q2": "x"}, day=1),
        respondent("No Group", category="Non-Government", answers={"q2": "x"}, day=2),
        respondent("Civil Person", category="Non-Government", group="Civil society", answers={"q2": "x"}, day=3),
        respondent("Gov Person", answers={"q2": "x"}, day=4),
    ]
    c: Compilation = compiled(sessions).compilation
    names = [g.name for g in group_answers(c, c.questions[1])]
    assert names == ["Government", "Non-Government", "Non-Government - Civil society",
                     "Non-Government - Technical and academic community", "Category not given"]


def test_a_question_whose_condition_failed_was_not_asked() -> None:
    c = compiled(panel()).compilation
    status_question = c.questions[0]
    assert status_question.id == "q1_status"
    assert [was_asked(status_question, r) for r in c.records] == [False, True, True, True, False]


# --- the default consent rule: aggregate ------------------------------------------------------------------

def test_under_the_aggregate_rule_answers_of_those_who_may_not_be_cited_are_counted_not_shown(
    tmp_path: Path,
) -> None:
    data = compiled(panel(), q=WGEC)
    files = {p.name: p for p in docx_files.write(data, tmp_path) + markdown.write(data, tmp_path)}
    q2 = data.compilation.questions[1].header
    assert following(files["compilation-by-question.docx"], q2, 10) == [
        "Asked of 4: 4 answered, 0 gave no answer. Not reached yet: 1 (still answering).",
        "Government (1 answered, 0 gave no answer, 1 not reached yet)",  # Emil's draft stops before Q2
        "Amina Diallo, Amina Diallo Org (Government)", "Significance: high.",
        "Non-Government - Civil society (2 answered, 0 gave no answer)",
        "Chen Wei, Chen Wei Org (Civil society)", "Joint submission of *five* groups.",
        "1 response counted but not shown (not authorised for citation).",  # Bruno said no
        "Non-Government - Private sector (1 answered, 0 gave no answer)",
        "1 response counted but not shown (not authorised for citation).",  # Dana said no
    ]
    # A choice counts too: Bruno's 1b is counted, not listed.
    q1b = data.compilation.questions[0].header
    assert table_after(files["compilation-by-question.docx"], q1b)[1][:2] == ["With ECOSOC consultative status", "1"]
    assert "With ECOSOC" not in "".join(following(files["compilation-by-question.docx"], q1b, 6))
    # Emil consented but never submitted: a draft is counted, never shown.
    assert headings(files["compilation-by-respondent.docx"], 1) == [
        "Amina Diallo, Amina Diallo Org (Government)", "Chen Wei, Chen Wei Org (Civil society)",
    ]
    for path in files.values():
        for view in ("Civil society view.", "Business view.", "HYPERLINK", "Not yet.", "Respondent 2", "Emil"):
            assert view not in everything(path), (view, path.name)
    assert "*1 response counted but not shown (not authorised for citation).*" in everything(
        files["compilation-by-question.md"])
    assert "3 others are counted but not shown." in everything(files["compilation-by-respondent.docx"])
