"""The printed page of the Word compilations: A4, page numbers, running headers, Confidential.

A running header that names the question on each page is one header part per question, each
question its own section: a STYLEREF field would do it in Word, but LibreOffice (7.x) shows such a
field's stored text on every page, and both must print the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from docx.document import Document as WordDocument
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm

from core.export.naming import CONFIDENTIAL
from core.export.text import readable
from core.text import shorten

A4 = (Mm(210), Mm(297))  # the UN's paper
MARGIN = Mm(25)
RUNNING_HEAD_CHARS = 100  # one line of the header's small type
HEADER_SIZE = '<w:sz w:val="16"/>'  # 8 points: three lines fit above the text, even when internal
HEADER_RULE = '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="auto"/></w:pBdr>'
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
HEADER_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
DEFAULT_HEADER = re.compile(r'(<w:headerReference w:type="default" r:id=")([^"]+)(")')
SECTION = re.compile(r"<w:sectPr[ >].*?</w:sectPr>", re.DOTALL)
NAMESPACES = nsdecls("w", "r")


def set_page(document: WordDocument, title: str, confidential: bool) -> None:
    """A4 with even margins, the running header of the title and contents pages, numbered pages."""
    section = document.sections[0]
    section.page_width, section.page_height = A4
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN
    header = section.header
    header.is_linked_to_previous = False  # makes the part, which is then filled like the others
    for child in list(header._element):
        header._element.remove(child)
    for paragraph in header_paragraphs(header_lines(title, None, confidential)):
        header._element.append(parse_xml(paragraph.replace("<w:p>", f"<w:p {NAMESPACES}>", 1)))
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = 1  # centred
    for part in ("Page ", _field("PAGE"), " of ", _field("NUMPAGES")):
        if isinstance(part, str):
            footer.add_run(part)
        else:
            footer._p.append(part)


def header_lines(title: str, running: str | None, confidential: bool) -> list[str]:
    """Confidential first when internal, the consultation's title, then what the page compiles."""
    lines = [CONFIDENTIAL] if confidential else []
    lines.append(shorten(title, RUNNING_HEAD_CHARS))
    return lines + ([shorten(running, RUNNING_HEAD_CHARS)] if running else [])


@dataclass
class RunningHeads:
    """The header parts of the sections after the first, added to the file when it is saved."""

    title: str
    confidential: bool
    parts: list[str] = field(default_factory=list)

    def add(self, running: str) -> str:
        """A new header naming `running`; returns its relationship id."""
        paragraphs = "".join(header_paragraphs(header_lines(self.title, running, self.confidential)))
        self.parts.append(f"<w:hdr {NAMESPACES}>{paragraphs}</w:hdr>")
        return self.relation_id(len(self.parts))

    @staticmethod
    def relation_id(number: int) -> str:
        return f"rIdConsultHeader{number}"

    @staticmethod
    def part_name(number: int) -> str:
        return f"word/consult-header{number}.xml"

    def content_types(self, xml: str) -> str:
        overrides = "".join(f'<Override PartName="/{self.part_name(n)}" ContentType="{HEADER_TYPE}"/>'
                            for n in range(1, len(self.parts) + 1))
        return xml.replace("</Types>", overrides + "</Types>")

    def relations(self, xml: str) -> str:
        links = "".join(
            f'<Relationship Id="{self.relation_id(n)}" Type="{HEADER_RELATION}" '
            f'Target="{self.part_name(n).removeprefix("word/")}"/>'
            for n in range(1, len(self.parts) + 1)
        )
        return xml.replace("</Relationships>", links + "</Relationships>")


def section_properties(document_tail: str) -> str:
    """The frame's section properties (A4, header, footer): the pattern of every section."""
    found = SECTION.search(document_tail)
    if found is None:
        raise ValueError("the Word frame has no section properties")
    return found.group(0)


def with_header(properties: str, relation_id: str) -> str:
    """Section properties that use another default header."""
    return DEFAULT_HEADER.sub(lambda m: m.group(1) + relation_id + m.group(3), properties, count=1)


def section_end(properties: str) -> str:
    """An empty paragraph that ends a section: what comes after starts a new page and header.

    One point high, so that it never makes a page of its own after a full one.
    """
    return f'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>{properties}</w:pPr></w:p>'



def header_paragraphs(lines: list[str]) -> list[str]:
    """The header's lines in small type, a rule under the last; Confidential in bold."""
    paragraphs = []
    for index, line in enumerate(lines):
        rule = HEADER_RULE if index == len(lines) - 1 else ""
        look = "<w:b/>" if index == 0 and line == CONFIDENTIAL else ""
        text = escape(readable(line))
        paragraphs.append(f'<w:p><w:pPr><w:pStyle w:val="Header"/>{rule}</w:pPr>'
                          f'<w:r><w:rPr>{look}{HEADER_SIZE}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r></w:p>')
    return paragraphs


def _field(instruction: str) -> object:
    return parse_xml(
        f'<w:fldSimple {NAMESPACES} w:instr=" {instruction} "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    )
