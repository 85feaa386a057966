"""Run an export: check the folder and formats, compile once, write each format, report.

Everything an export makes goes aside first, into a staging folder inside the output folder (so on
the same disk, never /tmp when the output is elsewhere): the files, and the records spooled while
they are written (core/export/spool.py). Only finished files are moved in; the staging folder goes
at the end, whether the export succeeded or failed (and if the process is killed, the next export
into the folder removes it: core/export/manifest.py).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.export import charts, csv_file, docx_files, json_file, manifest, markdown, summary, xlsx
from core.export.base import ExportInput, Writer
from core.export.compiling import compile_all
from core.export.naming import THEMES_DOCX, THEMES_MD, file_name
from core.export.options import FORMATS, PARTS, ExportError, check_folder
from core.export.records import Audience, Scope
from core.session import Session
from questionnaire.model import Questionnaire


def _md(data: ExportInput, folder: Path) -> list[Path]:
    return markdown.write(data, folder) + summary.write(data, folder)


def _themes(data: ExportInput, folder: Path) -> list[Path]:
    """The themes part: Markdown and Word (its XLSX sheet is written with the workbook)."""
    from core.themes import files  # python-docx and scikit-learn's results: only when themes are chosen

    if data.themes is None:
        raise ExportError("the themes part needs the themes found first (consult export finds them)")
    markdown_path = folder / file_name(data.compilation, THEMES_MD)
    markdown_path.write_text("".join(files.markdown(data.themes)), encoding="utf-8", newline="\n")
    return [markdown_path, files.word(data.themes, folder / file_name(data.compilation, THEMES_DOCX))]


WRITERS: dict[str, Writer] = {
    "xlsx": xlsx.write,
    "csv": csv_file.write,
    "json": json_file.write,
    "docx": docx_files.write,
    "md": _md,
    "png": charts.write,
    "themes": _themes,
}
if tuple(WRITERS) != FORMATS + PARTS:
    raise RuntimeError("every export format and part needs a writer, in the order of FORMATS and PARTS")
FILES, RECORDS = "files", "records"  # the staging folder's two parts


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
    """Compile the sessions (records spooled aside), then write the chosen formats into `out`."""
    with staging(out, force) as aside:  # the folder is checked before compiling: a wrong one is said at once
        data = compile_all(q, sessions, audience, scope, now, spool_in=aside.records)
        return aside.write(data, formats=formats, on_step=on_step)


def write(
    data: ExportInput,
    out: Path,
    *,
    formats: Sequence[str] = FORMATS,
    force: bool = False,
    on_step: Callable[[str], None] | None = None,
) -> ExportResult:
    """Write the chosen formats of a compilation into `out` (see `Staging.write`)."""
    with staging(out, force) as aside:
        return aside.write(data, formats=formats, on_step=on_step)


@contextmanager
def staging(out: Path, force: bool = False) -> Iterator[Staging]:
    """Check `out` and make the export's staging folder in it; removed at the end, whatever happens.

    `force` replaces the files of the export that last wrote into `out` (its manifest lists them),
    and refuses a folder holding anything else. `consult export` and the bots' export both come here.
    """
    earlier = check_folder(out, force)
    made = _missing(out)  # the folders made here, removed again if the export fails
    try:
        out.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix=manifest.STAGING_PREFIX, dir=out))
    except OSError as error:
        raise ExportError(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        for part in (FILES, RECORDS):
            (folder / part).mkdir()
        yield Staging(out, earlier, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        for path in made:  # deepest first; rmdir leaves any folder someone else has since filled
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    shutil.rmtree(folder, ignore_errors=True)


def _missing(out: Path) -> list[Path]:
    """`out` and the parents of it that do not exist yet, deepest first."""
    return [path for path in (out, *out.parents) if not path.exists()]


@dataclass(frozen=True)
class Staging:
    """An export under way: its files and spooled records aside in `out`, the files moved in at the end."""

    out: Path
    earlier: list[Path]  # the last export's files, replaced by this one's (force)
    folder: Path

    @property
    def records(self) -> Path:
        """Where the records are spooled while the files are written."""
        return self.folder / RECORDS

    def write(self, data: ExportInput, *, formats: Sequence[str] = FORMATS,
              on_step: Callable[[str], None] | None = None) -> ExportResult:
        """Write the chosen formats; the files appear in `out` only once all were written."""
        staged = self.folder / FILES  # a failure half-way leaves `out` as it was
        for name in formats:
            if on_step is not None:
                on_step(name)
            WRITERS[name](data, staged)
        written = sorted(staged.iterdir())
        listed = manifest.write(data.compilation, written, staged)
        for path in self.earlier:
            path.unlink(missing_ok=True)
        # The manifest first: if the move stops half-way, the next --force still knows these files.
        listed = _move_in(listed, self.out)
        files = [_move_in(path, self.out) for path in written]
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
