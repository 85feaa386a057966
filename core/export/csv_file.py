"""The responses table as CSV, for tools other than Excel and for Excel with a comma list separator.

- UTF-8 with a byte-order mark: without it Excel reads the file in the machine's code page and
  garbles every accent; every other CSV reader skips the mark (Python's "utf-8-sig", pandas, R).
- Every text cell is neutralised: Excel runs a CSV cell starting with = + - @ tab or CR as a formula,
  and a CSV has no cell type to say otherwise, so such a cell gets a leading quote (OWASP advice).
- Line breaks inside an answer stay inside its cell: the csv module quotes such cells.
- Internal audience: besides the CONFIDENTIAL- file name, the first heading reads
  "Respondent (Confidential)". A line above the heading would be more visible, but then the file is
  no longer one rectangular table (pandas, R and Excel's import would take "Confidential" as the
  heading), and A1 is the first thing anyone opening the file sees.
- Arabic is written as typed: a CSV holds values, not their layout (it has no cell direction), and a
  right-to-left mark added for display would become part of every value that a script reads back.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from core.export.base import ExportInput
from core.export.naming import RESPONSES_CSV, file_name
from core.export.table import Cell, neutralise, responses_table


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write the responses table as CSV (UTF-8 with BOM, formulas defused) and return its path."""
    table = responses_table(data.compilation)
    path = folder / file_name(data.compilation, RESPONSES_CSV)
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(_safe(table.headers))
        writer.writerows(_safe(row) for row in table.rows())
    return [path]


def _safe(row: Iterable[Cell]) -> list[Cell]:
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in row]
