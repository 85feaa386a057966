"""The compilation by question as Markdown (CommonMark / GitHub), for reading on screen.

Respondent text cannot make structure: every answer is a blockquote whose lines are escaped, so a
heading, list, link, HTML, table or code fence an answer contains comes out as the characters typed.

Arabic needs nothing here (unlike Word and Excel, whose cells and paragraphs are left to right unless told):
a Markdown viewer sets each paragraph's direction from its own letters (Unicode's bidi algorithm, and
GitHub's dir="auto"), and a right-to-left mark or an HTML dir attribute would add characters the
respondent never typed to a file that shows what they wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from core.export.base import ExportInput
from core.export.grouping import (
    CONFIDENTIAL_NOTICE,
    NO_RESPONSES,
    Group,
    describe,
    group_heading,
    not_shown_line,
    one_line,
    question_summary,
)
from core.export.naming import BY_QUESTION_MD, file_name
from core.export.outline import ChoiceTable, Omitted, title
from core.export.records import Compilation
from core.export.text import readable

NBSP = "\u00a0"  # not indentation to Markdown, so leading spaces kept this way make no code block
TAB_WIDTH = 4
# `&`, `<` and `>` become entities: not every Markdown honours a backslash before them, and an
# entity is always text (so "<script>" and "<!--" stay inert). `&` first, or the others double up.
ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
# Inline structure: emphasis, code, links and images, tables, headings, strikethrough, maths.
# The backslash first, or the escapes themselves would be escaped. (Chained str.replace is several
# times faster than one regex here, which matters at 10,000 respondents.)
BACKSLASHED = "\\`*_[]|#~$"
# A line that starts with indentation, or with a list item ("-", "+", "1." "1)") or an underline
# that would turn the line before into a heading ("=", "-"). Matched from the newline before it
# (one is put before the first line), which the regex engine finds far faster than "^".
LINE_START = re.compile(r"\n(?=[ \t]|\d*[-+=.)])([ \t]*)(\d*)([-+=.)]?)")
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write the compilation by question as one Markdown file."""
    c = data.compilation
    path = folder / file_name(c, BY_QUESTION_MD)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(_document(c))
    return [path]


def escape(text: str) -> str:
    """Text that Markdown shows exactly as typed, whatever it contains."""
    text = readable(text)
    for character, entity in ENTITIES:
        if character in text:
            text = text.replace(character, entity)
    for character in BACKSLASHED:
        if character in text:
            text = text.replace(character, "\\" + character)
    return LINE_START.sub(_inert_line_start, "\n" + text)[1:]


def blockquote(text: str) -> str:
    """An answer as a blockquote: its paragraphs kept, each line escaped and ended by a hard break."""
    paragraphs = [p for p in BLANK_LINES.split(text.strip("\n")) if p and not p.isspace()]
    quoted = ["> " + escape(p.strip("\n")).replace("\n", "  \n> ") for p in paragraphs]
    return "\n>\n".join(quoted) + "\n\n"


def _inert_line_start(match: re.Match[str]) -> str:
    indent, digits, marker = match.groups()
    return "\n" + NBSP * len(indent.expandtabs(TAB_WIDTH)) + digits + ("\\" + marker if marker else "")


def _document(c: Compilation) -> Iterator[str]:
    if c.confidential:
        yield f"**{escape(CONFIDENTIAL_NOTICE)}** Do not share.\n\n"
    yield f"# {escape(one_line(c.questionnaire.title))}: compilation by question\n\n"
    yield f"{escape(describe(c))}\n\n"
    if not c.records:
        yield f"{escape(NO_RESPONSES)}\n"
        return
    entries = c.by_question  # the groups' counts in memory, their answers read as each question is written
    yield "## Contents\n\n"
    for number, grouped in enumerate(entries, start=1):
        yield f"- [{escape(one_line(title(grouped.entry)))}](#{_anchor(number)})\n"
    yield "\n"
    for number, grouped in enumerate(entries, start=1):
        entry = grouped.entry
        # An explicit anchor: renderers disagree on how they make ids from heading text.
        yield f'<a id="{_anchor(number)}"></a>\n\n## {escape(one_line(title(entry)))}\n\n'
        if isinstance(entry, Omitted):
            yield "".join(f"{escape(line)}\n\n" for line in entry.lines)
        else:
            yield from _question(grouped.groups, grouped.table)


def _question(groups: list[Group], table: ChoiceTable | None) -> Iterator[str]:
    yield f"{escape(question_summary(groups))}\n\n"
    if table is not None:
        yield _table(table)
        return
    for group in groups:
        yield f"### {escape(one_line(group_heading(group)))}\n\n"
        for who, text in group.answers:
            yield f"**{escape(one_line(who))}**\n\n"
            yield blockquote(text)
        if group.not_shown:
            yield f"*{escape(not_shown_line(group))}*\n\n"


def _table(table: ChoiceTable) -> str:
    """The counts as a table: options down, groups across, numbers to the right."""
    lines = [table.headers, *table.cells()]
    rows = ["| " + " | ".join(escape(one_line(cell)) for cell in row) + " |\n" for row in lines]
    rule = "|---|" + "---:|" * (len(table.headers) - 1) + "\n"
    return rows[0] + rule + "".join(rows[1:]) + "\n"


def _anchor(number: int) -> str:
    return f"question-{number}"
