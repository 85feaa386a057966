"""`consult export`: the compilation files, with a progress bar and a summary of what was written."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bots.bootstrap import App, missing_database_note

if TYPE_CHECKING:
    from core.export.run import ExportResult
from core.export.options import PARTS, parse_choice, parse_formats
from core.export.records import Audience, Scope
from core.organisations import flags
from core.themes.model import Report, Skipped


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `consult export`."""
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument("--format", default=None,
                        help="comma-separated: xlsx,csv,json,docx,md,png (default: all), and themes (the themes of "
                             "each open question: themes.md, themes.docx and a sheet in responses.xlsx)")
    parser.add_argument("--audience", default="public", help="public (default) or internal (everything, Confidential)")
    parser.add_argument("--status", default="submitted", help="submitted (default) or all (unfinished too)")
    parser.add_argument("--force", action="store_true",
                        help="replace the files of the last export in that folder (refused if it holds others)")


@dataclass(frozen=True)
class Choices:
    """The export's options, read and checked."""

    formats: tuple[str, ...]
    audience: Audience
    scope: Scope
    out: Path
    force: bool


def check_arguments(args: argparse.Namespace) -> Choices:
    """Read the choices before anything is opened, so a typo changes nothing."""
    return Choices(
        formats=parse_formats(args.format, PARTS),
        audience=parse_choice(Audience, args.audience, "audience"),
        scope=parse_choice(Scope, args.status, "status"),
        out=args.out,
        force=args.force,
    )


async def run(app: App, choices: Choices, console: Console | None = None) -> ExportResult:
    """Export, showing a bar per format, then what was written."""
    from core.export.compiling import compile_stream  # the writers load Office and chart libraries: only here
    from core.export.run import staging

    formats = choices.formats
    console = console or Console(highlight=False)
    if (note := missing_database_note(app.settings)) is not None:
        console.print(note, markup=False)
    # The folder is checked before reading the database: a wrong folder is said at once.
    with staging(choices.out, choices.force) as aside:
        # Streamed, and spooled to disk beside the files: memory holds neither the sessions nor the answers.
        data = await compile_stream(app.questionnaire, app.repository.each(), choices.audience, choices.scope,
                                    app.service.now(), spool_in=aside.records)
        data = flags.annotate(data, await app.decisions.all())  # internal files: several from one organisation
        if "themes" in formats:
            data = dataclasses.replace(data, themes=await _themes(app, console))
        columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                   TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("Exporting", total=len(formats))

            def step(name: str) -> None:
                bar.update(task, description=f"Writing {name}", completed=formats.index(name))

            result = aside.write(data, formats=formats, on_step=step)
            bar.update(task, completed=len(formats))
    _summary(result, console)
    return result


async def _themes(app: App, console: Console) -> Report:
    """The themes of every open question, from every submitted answer (a second pass over the database)."""
    from bots.console.themes_view import from_consultation
    from core.themes.model import ThemesError
    from core.themes.represent import TfIdf
    from core.themes.run import Choices, themes

    with console.status("Finding themes"):
        questions = await from_consultation(app)
        try:
            return await asyncio.to_thread(themes, questions, Choices(TfIdf()))
        except ThemesError as error:  # too few answers everywhere: the files say so, the rest is written
            return Report(questions=[], skipped=[Skipped(question="", text="", reason=str(error))])


def _summary(result: ExportResult, console: Console) -> None:
    table = Table("File", "Size", title=f"{result.respondents} respondents, {result.audience.value} audience")
    for path in [*result.files, *([result.manifest] if result.manifest else [])]:
        table.add_row(str(path), f"{path.stat().st_size:,} bytes")
    console.print(table)
    for note in result.notes:
        console.print(note)
    if result.audience is Audience.INTERNAL:
        console.print("These files are Confidential: they name every respondent. Do not publish them.")
