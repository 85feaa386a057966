"""Run an export: check the folder and formats, compile once, write each format, report."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.export import charts, csv_file, docx_files, json_file, manifest, markdown, summary, xlsx
from core.export.base import ExportInput, Writer
from core.export.compiling import compile_all
from core.export.options import FORMATS, ExportError, check_folder
from core.export.records import Audience, Scope
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

    files: list[Path]  # the export's files, without its manifest
    respondents: int
    audience: Audience
    notes: list[str]
    manifest: Path | None = None


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
    """Compile the sessions, then `write` the chosen formats into `out`."""
    check_folder(out, force)  # before compiling: a wrong folder is said at once
    data = compile_all(q, sessions, audience, scope, now)
    return write(data, out, formats=formats, force=force, on_step=on_step)


def write(
    data: ExportInput,
    out: Path,
    *,
    formats: Sequence[str] = FORMATS,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write the chosen formats of a compilation into `out`; files appear only once all were written.

    `force` replaces the files of the export that last wrote into `out` (its manifest lists them),
    and refuses a folder holding anything else. `consult export` and the bots' export both come here.
    """
    earlier = check_folder(out, force)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # Written aside first: a failure half-way leaves the folder as it was.
        staging = Path(tempfile.mkdtemp(prefix=manifest.STAGING_PREFIX, dir=out))
    except OSError as error:
        raise ExportError(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        for name in formats:
            if on_step is not None:
                on_step(name)
            WRITERS[name](data, staging)
        written = sorted(staging.iterdir())
        listed = manifest.write(data.compilation, written, staging)
        for path in earlier:
            path.unlink(missing_ok=True)
        # The manifest first: if the move stops half-way, the next --force still knows these files.
        listed = _move_in(listed, out)
        files = [_move_in(path, out) for path in written]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ExportResult(files, len(data.compilation.records), data.compilation.audience, _notes(data), listed)


def _notes(data: ExportInput) -> list[str]:
    if data.compilation.records:
        return []
    if data.left_out:
        return [f"Nobody has submitted yet ({data.left_out} started): the files hold their headings only. "
                "To include answers given so far, export with the status 'all'."]
    return ["No responses yet: the files hold their headings only."]


def _move_in(path: Path, out: Path) -> Path:
    target = out / path.name
    os.replace(path, target)
    return target
