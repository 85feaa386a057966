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
from core.export import charts, csv_file, docx_files, json_file, manifest, markdown, summary, xlsx
from core.export.base import ExportInput, Writer
from core.export.options import FORMATS, ExportError, check_folder
from core.export.records import Audience, Scope, compile_responses, in_scope
from core.session import Session, Status
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
    """Write the chosen formats into `out`; files appear only once all were written.

    `force` replaces the files of the export that last wrote into `out` (its manifest lists them),
    and refuses a folder holding anything else. `consult export` and the bots' export both come here.
    """
    earlier = check_folder(out, force)
    data = _compile(q, list(sessions), audience, scope, now)
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
    return ExportResult(files, len(data.compilation.records), audience, _notes(data), listed)


def _compile(q: Questionnaire, everyone: list[Session], audience: Audience, scope: Scope, now: datetime
             ) -> ExportInput:
    """The records and the figures, both of the respondents the status chooses."""
    compilation = compile_responses(q, everyone, audience, scope, now)
    chosen = [s for s in everyone if in_scope(s, scope)]
    withdrawn = [s for s in everyone if s.status is Status.WITHDRAWN]
    started = sum(s.status in (Status.IN_PROGRESS, Status.SUBMITTED) for s in everyone)
    report = progress.report(q, chosen + withdrawn, now, public=audience is Audience.PUBLIC,
                             drafts=scope is Scope.ALL)
    return ExportInput(compilation, report, left_out=started - len(chosen))


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
