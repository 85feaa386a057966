"""Reading an invitee list from a CSV (UTF-8) or an Excel (.xlsx) file into numbered rows."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from core.invitations.rows import COLUMNS, HEADINGS, Row

NOT_UTF8 = ("this line is not UTF-8 text, so its letters cannot be read for sure. "
            "Save the file as 'CSV UTF-8' and import it again.")


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
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # the byte-order mark Excel writes before UTF-8
    bad = {n for n, line in enumerate(raw.split(b"\n"), start=1) if not _is_utf8(line)}
    text = raw.decode("utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    header = next(reader, None)
    columns = _columns(header or [])
    rows, last = [], reader.line_num
    for cells in reader:
        lines = set(range(last + 1, reader.line_num + 1))
        last = reader.line_num
        rows.append(_row(min(lines), columns, cells, NOT_UTF8 if lines & bad else None))
    return rows


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
