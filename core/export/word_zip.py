"""The Word file put together: the frame python-docx made, with the body streamed into its zip.

Building 10,000 respondents' answers as an lxml tree and serialising it holds the text three times
over (over 1 GB); streaming keeps the peak near the answers themselves.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from core.export.word_page import SECTION, RunningHeads

DOCUMENT_PART = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
DOCUMENT_RELATIONS = "word/_rels/document.xml.rels"
BODY_MARKER = "consult-body-goes-here"  # a paragraph of the frame that the streamed body replaces
CHUNK_CHARS = 1 << 20
# zlib's fastest level: half the time of the default for files about 10% larger, on 10,000 answers.
COMPRESS_LEVEL = 1


def save(
    frame: bytes, path: Path, body: Iterable[str], heads: RunningHeads | None = None, last_section: str | None = None
) -> None:
    """Copy the frame's parts into a new zip, streaming the body in place of its marker.

    `heads` are the header parts of the sections the body opens; `last_section` the properties of
    the last one, which Word keeps at the end of the body.
    """
    with zipfile.ZipFile(io.BytesIO(frame)) as source, zipfile.ZipFile(
        path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
    ) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == DOCUMENT_PART:
                head, tail = _split_at_marker(content.decode("utf-8"))
                if last_section is not None:
                    tail = SECTION.sub(lambda _: last_section, tail, count=1)
                with target.open(DOCUMENT_PART, "w") as stream:
                    _write_in_chunks(stream, itertools.chain([head], body, [tail]))
            elif heads is not None and info.filename == CONTENT_TYPES:
                target.writestr(info, heads.content_types(content.decode("utf-8")))
            elif heads is not None and info.filename == DOCUMENT_RELATIONS:
                target.writestr(info, heads.relations(content.decode("utf-8")))
            else:
                target.writestr(info, content)
        for number, part in enumerate(heads.parts if heads is not None else [], start=1):
            target.writestr(RunningHeads.part_name(number), part)


def document_xml(frame: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(frame)) as source:
        return source.read(DOCUMENT_PART).decode("utf-8")


def _split_at_marker(xml: str) -> tuple[str, str]:
    marker = xml.index(BODY_MARKER)
    start = xml.rindex("<w:p>", 0, marker)  # python-docx writes a new paragraph without attributes
    end = xml.index("</w:p>", marker) + len("</w:p>")
    return xml[:start], xml[end:]


def _write_in_chunks(stream: IO[bytes], parts: Iterable[str]) -> None:
    # Compressed in pieces of CHUNK_CHARS: far fewer calls than one per paragraph, little memory.
    # (Compressing in a second thread while the next piece is built was measured: slower.)
    for chunk in _chunks(parts):
        stream.write(chunk.encode("utf-8"))


def _chunks(parts: Iterable[str]) -> Iterator[str]:
    batch: list[str] = []
    size = 0
    for part in parts:
        batch.append(part)
        size += len(part)
        if size >= CHUNK_CHARS:
            yield "".join(batch)
            batch, size = [], 0
    yield "".join(batch)
