"""Tables from elsewhere: answers (`--from`) and themes (`--themes`), as CSV or XLSX, checked row by row.

A bad table is refused whole, with the line of each problem (as a spreadsheet numbers them, the
heading being line 1), so that nothing is half-read.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

from core.themes.model import Answer, GivenTheme, ThemesError

ANSWER_COLUMNS = ("id", "group", "text")
THEME_COLUMNS = ("theme", "description")
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0", "")
ONE_QUESTION = "1"  # the question of a table without a question column
MAX_PROBLEMS = 10  # listed; the rest are counted


Row = tuple[int, dict[str, str]]  # line number, cells by lower-case heading


def rows(path: Path) -> list[Row]:
    """Every non-empty row of a CSV or XLSX table, with its line number."""
    if not path.is_file():
        raise ThemesError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(_csv_rows(path))
    if suffix in (".xlsx", ".xlsm"):
        return list(_xlsx_rows(path))
    raise ThemesError(f"{path}: give a .csv or .xlsx table")


def answers(path: Path) -> list[Answer]:
    """The answers of a responses table: id, group, text; optionally question, subgroup and may_cite."""
    table = rows(path)
    _require(path, table, ANSWER_COLUMNS)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    found: list[Answer] = []
    for line, cells in table:
        question = cells.get("question", "").strip() or ONE_QUESTION
        answer_id, cite = cells.get("id", "").strip(), cells.get("may_cite", "").strip().lower()
        problems += _answer_problems(line, cells, answer_id, cite, (question, answer_id) in seen)
        seen.add((question, answer_id))
        if cells.get("text", "").strip() and answer_id:
            found.append(Answer(id=answer_id, question=question, group=cells.get("group", "").strip(),
                                subgroup=cells.get("subgroup", "").strip(), text=cells["text"], may_quote=cite in YES))
    _refuse(path, problems)
    return found


def _answer_problems(line: int, cells: dict[str, str], answer_id: str, cite: str, again: bool) -> list[str]:
    problems = []
    if not answer_id:
        problems.append(f"line {line}: the id is empty")
    elif again:
        problems.append(f"line {line}: the id {answer_id!r} is used twice for one question")
    if not cells.get("group", "").strip():
        problems.append(f"line {line}: the group is empty")
    if cite not in YES + NO:
        problems.append(f"line {line}: may_cite is {cite!r}; write yes or no (empty means no)")
    return problems


def themes(path: Path) -> dict[str, list[GivenTheme]]:
    """A themes table (theme, description, optionally examples and question), by question ("*": all)."""
    table = rows(path)
    _require(path, table, THEME_COLUMNS)
    problems = [f"line {line}: the theme is empty" for line, cells in table if not cells.get("theme", "").strip()]
    _refuse(path, problems)
    frame: dict[str, list[GivenTheme]] = {}
    for _, cells in table:
        given = GivenTheme(name=cells["theme"].strip(), description=cells.get("description", "").strip(),
                           examples=cells.get("examples", "").split())
        frame.setdefault(cells.get("question", "").strip() or "*", []).append(given)
    return frame


def _require(path: Path, table: list[Row], columns: tuple[str, ...]) -> None:
    if not table:
        raise ThemesError(f"{path}: the table is empty (it needs the columns {', '.join(columns)})")
    missing = [c for c in columns if c not in table[0][1]]
    if missing:
        raise ThemesError(f"{path}: the column{'s' * (len(missing) > 1)} {', '.join(missing)} "
                          f"{'is' if len(missing) == 1 else 'are'} missing (line 1 must name {', '.join(columns)})")


def _refuse(path: Path, problems: list[str]) -> None:
    if problems:
        more = len(problems) - MAX_PROBLEMS
        listed = "\n  ".join(problems[:MAX_PROBLEMS]) + (f"\n  and {more} more" if more > 0 else "")
        raise ThemesError(f"{path} was not read; please correct:\n  {listed}")


def _csv_rows(path: Path) -> Iterator[Row]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            heading = [h.strip().lower() for h in next(reader, [])]
            for row in reader:
                if any(cell.strip() for cell in row):
                    yield reader.line_num, dict(zip(heading, row, strict=False))
    except UnicodeDecodeError:
        raise ThemesError(f"{path}: not UTF-8 text; save the table as CSV UTF-8") from None
    except csv.Error as error:
        raise ThemesError(f"{path}: not a readable CSV table ({error})") from None


def _xlsx_rows(path: Path) -> Iterator[Row]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ThemesError(f"{path}: not a readable XLSX workbook ({error})") from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    heading = [str(h or "").strip().lower() for h in next(lines, ())]
    for number, row in enumerate(lines, start=2):
        cells = ["" if c is None else str(c) for c in row]
        if any(c.strip() for c in cells):
            yield number, dict(zip(heading, cells, strict=False))
    book.close()
