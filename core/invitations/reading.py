"""Reading an invitee list from a CSV (UTF-8) or an Excel (.xlsx) file into numbered rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from core.invitations.rows import COLUMNS, HEADINGS, Row

if TYPE_CHECKING:
    from _csv import Reader  # the type of csv.reader() objects, named only in the type stubs

NOT_UTF8 = ("this line is not UTF-8 text, so its letters cannot be read for sure. "
            "Save the file as 'CSV UTF-8' and import it again.")
UTF16 = ("This file is saved as UTF-16 ('Unicode text'), so its columns cannot be read. "
         "Save the file as 'CSV UTF-8' and import it again.")
HAS_NUL = "this line holds a NUL character (a zero byte), which is not text. Remove it and import again."


class InviteFileError(ValueError):
    """The file as a whole cannot be read: nothing is imported, whatever --skip-bad says."""


def read_rows(path: Path) -> list[Row]:
    """The rows of an invitee file, each with its line number; the first line names the columns."""
    suffix = path.suffix.casefold()
    try:
        if suffix == ".csv":
            return _csv_rows(path.read_bytes())
        if suffix == ".xlsx":
            return _xlsx_rows(path)
    except OSError as error:
        raise InviteFileError(f"Cannot read {path}: {error.strerror}.") from None
    raise InviteFileError(f"{path.name}: an invitee list is a .csv or an .xlsx file.")


def _csv_rows(raw: bytes) -> list[Row]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw.partition(b"\n")[0]:
        raise InviteFileError(UTF16)  # Excel's "Unicode text": every letter is two bytes, many of them zero
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # the byte-order mark Excel writes before UTF-8
    line_problems = _line_problems(raw)
    text = raw.decode("utf-8", errors="replace")
    # strict: a quote left open is an error, not a cell that swallows the rows after it
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text), strict=True)
    records = _records(reader)
    first = next(records, None)
    columns = _columns(first[2] if first else [])
    rows = []
    for start, end, cells in records:
        problems = [line_problems[n] for n in range(start, end + 1) if n in line_problems]
        rows.append(_row(start, columns, cells, _runs_on(end, cells) or next(iter(problems), None)))
    return rows


def _records(reader: Reader) -> Iterator[tuple[int, int, list[str]]]:
    """Each record of the file with its first and last line; one the csv module cannot read stops the import."""
    last = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InviteFileError(_unreadable(last + 1, error)) from None
        yield last + 1, reader.line_num, cells
        last = reader.line_num


def _unreadable(line: int, error: csv.Error) -> str:
    if "field limit" in str(error):
        return (f"line {line}: a cell is far too long to read (over {csv.field_size_limit()} characters); "
                'perhaps a quote (") is not closed. Nothing was imported. Correct it and import again.')
    return (f'line {line}: a quote (") is not closed, or text follows a closing quote. Nothing was imported. '
            "Correct the quotes on this line and import again.")


def _runs_on(end: int, cells: list[str]) -> str | None:
    """Why a row whose cell holds a line break is refused: most often a quote left open joins lines."""
    if not any("\n" in cell or "\r" in cell for cell in cells):
        return None
    return (f'this row runs on to line {end}: a cell holds a line break, perhaps because a quote (") '
            "is not closed. Put each invitation on one line.")


def _line_problems(raw: bytes) -> dict[int, str]:
    """Lines that are not text: not UTF-8, or holding a NUL (zero) byte."""
    problems = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not _is_utf8(line):
            problems[number] = NOT_UTF8
        elif b"\x00" in line:
            problems[number] = HAS_NUL
    return problems


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, or the semicolons (or tabs) that Excel writes in many languages."""
    try:
        return csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _xlsx_rows(path: Path) -> list[Row]:
    from openpyxl import load_workbook  # only for workbooks: it takes a while to load, and every command imports us

    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise InviteFileError(f"{path.name} is not an Excel workbook that can be read ({error}).") from None
    try:
        lines = book.worksheets[0].iter_rows(values_only=True)
        header = next(lines, None)
        columns = _columns([_text(value) for value in header or ()])
        return [_row(n, columns, [_text(v) for v in values]) for n, values in enumerate(lines, start=2)]
    finally:
        book.close()


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _columns(header: Sequence[str]) -> list[str | None]:
    """Each heading's column; a heading nobody knows stops the import (it may be a misspelt one)."""
    columns: list[str | None] = []
    for heading in header:
        key = " ".join(heading.split()).casefold()
        if key and key not in HEADINGS:
            raise InviteFileError(f"Unknown column {heading!r}. The columns are: {', '.join(COLUMNS)}.")
        columns.append(HEADINGS.get(key))
    if "organisation" not in columns:
        named = ", ".join(COLUMNS)
        raise InviteFileError(f"The first line must name the columns, with at least 'organisation' ({named}).")
    return columns


def _row(line: int, columns: list[str | None], cells: Iterable[str], unreadable: str | None = None) -> Row:
    named = {column: value.strip() for column, value in zip(columns, cells, strict=False) if column is not None}
    return Row(line=line, cells=named, unreadable=unreadable)
