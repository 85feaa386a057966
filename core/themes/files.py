"""The themes as files: Markdown, Word, a sheet for a workbook, JSON, and the editable themes file.

Every file is made from the Report alone, whose quotes and descriptions were chosen under the consent
rule (core/themes/describe.py): no file can show words the report does not carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docx import Document
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from core.export.markdown import blockquote, escape
from core.export.table import FORMULA_STARTS
from core.export.text import readable
from core.themes import frame
from core.themes.model import QuestionThemes, Report, Source, Theme

MARKDOWN, WORD, JSON, SHEET_FILE, THEMES_FILE = "themes.md", "themes.docx", "themes.json", "themes.xlsx", "themes.toml"
SHEET = "Themes"
SHEET_HEADERS = ("Question", "Theme", "Label", "Description", "Respondents", "By group", "By sub-group",
                 "Responses", "Quotes", "Themes from", "Not placed", "Of them, saying nothing on the question")
TITLE = "Themes in the answers"


def write(report: Report, folder: Path) -> list[Path]:
    """Every file of `consult themes --out`, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKDOWN).write_text("".join(markdown(report)), encoding="utf-8", newline="\n")
    (folder / JSON).write_text(as_json(report), encoding="utf-8", newline="\n")
    word(report, folder / WORD)
    book = Workbook()
    sheet(book.worksheets[0], report)
    book.save(folder / SHEET_FILE)
    frame.write(report, folder / THEMES_FILE)
    return [folder / name for name in (MARKDOWN, WORD, JSON, SHEET_FILE, THEMES_FILE)]


def as_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def how_made(q: QuestionThemes) -> str:
    """Where the themes came from and how many answers fit none: every file says it."""
    origin = {Source.SUGGESTED: "suggested by consult from the answers",
              Source.EDITED: "suggested by consult, then edited by the secretariat",
              Source.GIVEN: "given by the secretariat"}[q.source]
    counted = "counted once" if q.templates_counted_once else "counted answer by answer"
    return (f"{q.answers} answers. Themes {origin}; answers compared by {q.representation}. "
            f"Not placed in any theme: {len(q.not_placed)}{_saying_nothing(q)}. "
            f"Answers that follow one template are {counted}.")


def _saying_nothing(q: QuestionThemes) -> str:
    if not q.says_nothing:
        return ""
    count = len(q.says_nothing)
    which = "all of which say" if count == len(q.not_placed) else f"of which {count} {'says' if count == 1 else 'say'}"
    return f", {which} nothing on the question (such as 'No comment', or 'see question 5')"


def counts_text(counts: dict[str, int]) -> str:
    return "; ".join(f"{group}: {n}" for group, n in counts.items()) or "none"


def template_line(responses: list[str]) -> str:
    return f"{len(responses)} responses follow the same text: {', '.join(responses)}"


def markdown(report: Report) -> Iterator[str]:
    yield f"# {TITLE}\n\n"
    for q in report.questions:
        asked = f": {' '.join(q.text.split())}" if q.text.strip() else ""
        yield f"## Question {escape(q.question + asked)}\n\n{escape(how_made(q))}\n\n"
        for n, theme in enumerate(q.themes, start=1):
            yield from _markdown_theme(n, theme)
        if q.templates:
            yield "### Template groups\n\n" + "".join(f"- {escape(template_line(t.responses))}\n"
                                                      for t in q.templates) + "\n"
        if q.not_placed:
            yield f"Not placed: {escape(', '.join(q.not_placed))}\n\n"
    if report.skipped:
        yield "## Questions without themes\n\n" + "".join(f"- {escape(s.reason)}\n" for s in report.skipped) + "\n"


def _markdown_theme(n: int, theme: Theme) -> Iterator[str]:
    yield f"### {n}. {escape(theme.label)} ({theme.size} respondents)\n\n{escape(theme.description)}\n\n"
    yield f"By group: {escape(counts_text(theme.counts))}\n\n"
    if theme.subgroup_counts:
        yield f"By sub-group: {escape(counts_text(theme.subgroup_counts))}\n\n"
    yield f"Responses: {escape(', '.join(theme.responses))}\n\n"
    for quote in theme.quotes:
        yield blockquote(quote.text) + f"(response {escape(quote.response)})\n\n"


def word(report: Report, path: Path) -> Path:
    document = Document()
    document.add_heading(TITLE, level=0)
    for q in report.questions:
        document.add_heading(readable(f"Question {q.question}: {' '.join(q.text.split())}"), level=1)
        document.add_paragraph(how_made(q))
        for n, theme in enumerate(q.themes, start=1):
            document.add_heading(readable(f"{n}. {theme.label} ({theme.size} respondents)"), level=2)
            document.add_paragraph(readable(theme.description))
            document.add_paragraph(readable(f"By group: {counts_text(theme.counts)}"))
            document.add_paragraph(readable(f"Responses: {', '.join(theme.responses)}"))
            for quote in theme.quotes:
                document.add_paragraph(readable(f"{quote.text} (response {quote.response})"), style="Quote")
        for t in q.templates:
            document.add_paragraph(readable(template_line(t.responses)), style="List Bullet")
    for s in report.skipped:
        document.add_paragraph(readable(s.reason))
    document.save(str(path))
    return path


def sheet_rows(report: Report) -> Iterator[list[str | int]]:
    """One row per theme, for a sheet of any workbook (the export's, or themes.xlsx)."""
    yield list(SHEET_HEADERS)
    for q in report.questions:
        for theme in q.themes:
            yield [q.question, theme.id, theme.label, theme.description, theme.size, counts_text(theme.counts),
                   counts_text(theme.subgroup_counts), ", ".join(theme.responses),
                   "\n\n".join(f"{x.text} (response {x.response})" for x in theme.quotes), q.source.value,
                   len(q.not_placed), len(q.says_nothing)]


def sheet(target: Worksheet, report: Report) -> None:
    """Fill a worksheet with the themes, every text a text cell (never a formula, whatever it starts with)."""
    target.title = SHEET
    for row in sheet_rows(report):
        target.append([readable(c) if isinstance(c, str) else c for c in row])
        for cell in target[target.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
