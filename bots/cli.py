"""The `consult` command: chat, progress, questionnaire check and show."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bots import bootstrap
from bots.config import ConfigError, load_settings
from bots.console import chat, export_view, progress_view, questionnaire_view
from core.export.options import ExportError
from core.ports import StorageError
from questionnaire.loader import QuestionnaireError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consult", description="Run a consultation in chat apps and the terminal.")
    sub = parser.add_subparsers(dest="command", required=True)
    talk = sub.add_parser("chat", help="answer the questionnaire in this terminal")
    talk.add_argument("--as", dest="name", default=None, help="respondent name (default: your user name)")
    talk.add_argument("--jsonl", action="store_true", help="print each reply as one JSON object per line")
    sub.add_parser("run", help="start every chat front end that has its settings")
    prog = sub.add_parser("progress", help="show who has started and submitted")
    prog.add_argument("--json", action="store_true", help="print the figures as JSON")
    export_view.add_arguments(sub.add_parser("export", help="write the compilation files"))
    ques = sub.add_parser("questionnaire", help="check or show a questionnaire file")
    qsub = ques.add_subparsers(dest="action", required=True)
    qsub.add_parser("check", help="validate a questionnaire file").add_argument("file", type=Path)
    qsub.add_parser("show", help="print a questionnaire").add_argument("file", type=Path, nargs="?")
    return parser


async def _chat(args: argparse.Namespace) -> int:
    app = bootstrap.build(load_settings())
    try:
        await chat.run(app.service, args.name or getpass.getuser(), jsonl=args.jsonl)
    finally:
        await app.repository.close()
    return 0


async def _progress(args: argparse.Namespace) -> int:
    # A reader: safe while the bots (the one writer) are running.
    app = bootstrap.build(load_settings(), writer=False)
    try:
        await progress_view.show(app, as_json=args.json)
    finally:
        await app.repository.close()
    return 0


async def _run(_: argparse.Namespace) -> int:
    # Checked first, so that a broken setting or database is reported even before any front end exists.
    app = bootstrap.build(load_settings())
    await app.repository.close()
    print(
        "consult: no chat front end is configured. This version has the terminal front end only:\n"
        "run 'consult chat' to answer, 'consult progress' to follow the answers.",
        file=sys.stderr,
    )
    return 2


async def _export(args: argparse.Namespace) -> int:
    choices = export_view.check_arguments(args)  # a typo stops here, before the database is opened
    app = bootstrap.build(load_settings(), writer=False)
    try:
        await export_view.run(app, choices)
    finally:
        await app.repository.close()
    return 0


async def _questionnaire(args: argparse.Namespace) -> int:
    return questionnaire_view.run(args.action, args.file)


_COMMANDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
    "chat": _chat,
    "progress": _progress,
    "run": _run,
    "export": _export,
    "questionnaire": _questionnaire,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `consult` console script."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_COMMANDS[args.command](args))
    except (ConfigError, QuestionnaireError, StorageError, ExportError) as exc:
        print(f"consult: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped. Every answer sent so far is saved.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
