"""Run an export: check the folder and formats, compile once, write each format, report."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import progress
from core.export import charts, csv_file, docx_files, json_file, markdown, summary, xlsx
from core.export.base import ExportInput, Writer
from core.export.options import FORMATS, ExportError, check_folder
from core.export.records import Audience, Scope, compile_responses
from core.session import Session
from questionnaire.model import Questionnaire


def _md(data: ExportInput, folder: Path) -> list[Path]:
    return markdown.write(data, folder) + summary.write(data, folder)


WRITERS: dict[str, Writer] = {
    "xlsx": xlsx.write,
    "csv": csv_file.write,
    "json": json_file.write,
    "docx": docx_files.write,
    "md": _md,
    "png": charts.write,
}
if tuple(WRITERS) != FORMATS:
    raise RuntimeError("every export format needs a writer, in the order of FORMATS")


@dataclass(frozen=True)
class ExportResult:
    """What was written, and for whom."""

    files: list[Path]
    respondents: int
    audience: Audience
    notes: list[str]


def export(
    q: Questionnaire,
    sessions: Iterable[Session],
    out: Path,
    *,
    formats: Sequence[str] = FORMATS,
    audience: Audience = Audience.PUBLIC,
    scope: Scope = Scope.SUBMITTED,
    now: datetime,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write the chosen formats into `out`; files appear only once all were written."""
    check_folder(out, force)
    everyone = list(sessions)
    public = audience is Audience.PUBLIC
    data = ExportInput(
        compile_responses(q, everyone, audience, scope, now), progress.report(q, everyone, now, public=public)
    )
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Written aside first: a failure half-way leaves the folder as it was.
        staging = Path(tempfile.mkdtemp(prefix=".consult-export-", dir=out))
    except OSError as error:
        raise ExportError(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        for name in formats:
            if on_step is not None:
                on_step(name)
            WRITERS[name](data, staging)
        files = [_move_in(path, out) for path in sorted(staging.iterdir())]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(files, len(data.compilation.records), audience, _notes(data))


def _notes(data: ExportInput) -> list[str]:
    if data.compilation.records:
        return []
    if data.report.started:
        return [f"Nobody has submitted yet ({data.report.started} started): the files hold their headings only. "
                "To include answers given so far, export with the status 'all'."]
    return ["No responses yet: the files hold their headings only."]


def _move_in(path: Path, out: Path) -> Path:
    target = out / path.name
    os.replace(path, target)
    return target
