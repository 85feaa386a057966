"""The `consult` command: chat, run, serve, progress, export, themes, db (status, upgrade, copy), questionnaire."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bots import bootstrap
from bots.config import FRONT_ENDS, ConfigError, Settings, load_settings
from bots.console import (
    announce_view,
    chat,
    copy_view,
    db_view,
    export_view,
    invite_view,
    invited_view,
    org_view,
    progress_view,
    questionnaire_view,
    remind_view,
    themes_view,
    window_view,
)
from core import questionnaire_change
from core.announcements import AnnouncementError
from core.export.options import ExportError
from core.invitations.reading import InviteFileError
from core.ports import StorageError
from core.themes.model import ThemesError
from questionnaire import loader
from questionnaire.loader import QuestionnaireError

DEFAULT_PORT = 8080


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="consult", description="Run a consultation in chat apps and the terminal.")
    sub = parser.add_subparsers(dest="command", required=True)
    talk = sub.add_parser("chat", help="answer the questionnaire in this terminal")
    talk.add_argument("--as", dest="name", default=None, help="respondent name (default: your user name)")
    talk.add_argument("--jsonl", action="store_true", help="print each reply as one JSON object per line")
    talk.add_argument("--resume", metavar="CODE", help="continue here the answers begun in another app "
                      "(the code 'continue elsewhere' gave there)")
    talk.add_argument("--invite", metavar="CODE", default=None, help="start with an invitation code")
    talk.add_argument("--language", metavar="CODE", default=None,
                      help="the language to answer in (en, fr, es, ar, zh, ru; default: the terminal's, LANG)")
    run = sub.add_parser("run", help="start the chat front ends (Telegram by polling, Slack by Socket Mode)")
    run.add_argument("front_end", nargs="?", choices=FRONT_ENDS, help="only this one (default: all configured)")
    serve = sub.add_parser("serve", help="serve the front ends' webhooks over HTTP (for a web process)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default: all)")
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT, or 8080)")
    prog = sub.add_parser("progress", help="show who has started and submitted")
    prog.add_argument("--json", action="store_true", help="print the figures as JSON")
    prog.add_argument("--not-answered", action="store_true",
                      help="list the invited organisations that have not submitted (internal: never publish it)")
    export_view.add_arguments(sub.add_parser("export", help="write the compilation files"))
    themes_view.add_arguments(sub.add_parser("themes", help="find the themes of each open question, offline"))
    db_view.add_arguments(sub.add_parser("db", help="show, upgrade or copy the database"))
    invite_view.add_arguments(sub.add_parser("invite", help="invite organisations: import, add, list, revoke, links"))
    org_view.add_arguments(sub.add_parser("org", help="organisations with several submissions: list, choose, joint"))
    window_view.add_arguments(sub.add_parser("window", help="show or move the dates; allow late answers by invitation"))
    announce_view.add_arguments(sub.add_parser("announce", help="send a message to everyone, the unfinished or "
                                                                "the submitted"))
    remind_view.add_arguments(sub.add_parser("remind", help="list who would get which reminder now (--dry-run)"))
    ques = sub.add_parser("questionnaire", help="check or show a questionnaire file")
    qsub = ques.add_subparsers(dest="action", required=True)
    check = qsub.add_parser("check", help="validate a questionnaire file (default: the one consult uses)")
    check.add_argument("file", type=Path, nargs="?",
                       help="the file to check (default: CONSULT_QUESTIONNAIRE, or the bundled WGEC 2013 one)")
    check.add_argument("--against-db", action="store_true",
                       help="also say what the file would do to the answers stored (reads the database only)")
    qsub.add_parser("show", help="print a questionnaire (default: the one consult uses)").add_argument(
        "file", type=Path, nargs="?", help="the file to show (default: CONSULT_QUESTIONNAIRE, or the bundled one)")
    imported = qsub.add_parser("import", help="read an XLSForm (.xlsx, .xls) and write it as a questionnaire file")
    imported.add_argument("file", type=Path)
    imported.add_argument("--out", type=Path, help="the TOML file to write (default: print it)")
    exported = qsub.add_parser("export", help="write a questionnaire as an XLSForm (for ODK, KoboToolbox, SurveyCTO)")
    exported.add_argument("file", type=Path, help="the .xlsx file to write")
    exported.add_argument("--from", dest="source", type=Path,
                          help="the questionnaire file to export (default: the bundled WGEC 2013 one)")
    return parser


async def _chat(args: argparse.Namespace) -> int:
    app = await bootstrap.start(load_settings())
    try:
        await chat.run(app.service, args.name or getpass.getuser(), jsonl=args.jsonl, resume=args.resume,
                       invite=args.invite, locale=args.language or chat.terminal_locale(os.environ))
    finally:
        await app.repository.close()
    return 0


async def _progress(args: argparse.Namespace) -> int:
    # A reader: safe while the bots (the one writer) are running.
    app = await bootstrap.start(load_settings(), writer=False)
    try:
        if args.not_answered:
            await invited_view.not_answered(app, as_json=args.json)
        else:
            await progress_view.show(app, as_json=args.json)
    finally:
        await app.repository.close()
    return 0


async def _run(args: argparse.Namespace) -> int:
    from bots import runner  # aiohttp and the front ends: only the commands that run them load them

    return await _until_stopped(lambda app, stop: runner.run(app, args.front_end, stop))


async def _serve(args: argparse.Namespace) -> int:
    from bots import runner

    port = args.port if args.port is not None else _port(os.environ.get("PORT"))
    return await _until_stopped(lambda app, stop: runner.serve(app, args.host, port, stop))


def _port(value: str | None) -> int:
    """$PORT, as a platform sets it for a web process."""
    if not value:
        return DEFAULT_PORT
    if not value.isdecimal() or not 0 < int(value) < 65536:
        raise ConfigError(f"PORT: {value!r} is not a port number (1 to 65535)")
    return int(value)


async def _until_stopped(main: Callable[[bootstrap.App, asyncio.Event], Awaitable[None]]) -> int:
    from bots import runner

    settings = load_settings()
    runner.quiet_logs()
    app = await bootstrap.start(settings)
    stop = asyncio.Event()
    runner.stop_on_signals(stop)
    try:
        await main(app, stop)
    finally:
        await app.repository.close()
    print("Stopped. Every answer received is saved.", file=sys.stderr)
    return 0


async def _beside_the_bot(settings: Settings) -> bootstrap.App:
    """For commands that write their own data while the bot runs (the window, the send log), not sessions.

    On files they read the sessions only (the bot owns those files; theirs are beside them); on PostgreSQL
    every process writes to the shared tables, so they open it for writing.
    """
    return await bootstrap.start(settings, writer=settings.postgres is not None)


async def _window(args: argparse.Namespace) -> int:
    app = await _beside_the_bot(load_settings())
    try:
        return await window_view.run(app, args)
    finally:
        await app.repository.close()


async def _announce(args: argparse.Namespace) -> int:
    announcement = announce_view.check_arguments(args)  # no text: refused before the database is opened
    app = await _beside_the_bot(load_settings())
    try:
        return await announce_view.run(app, announcement, confirmed=args.yes)
    finally:
        await app.repository.close()


async def _remind(args: argparse.Namespace) -> int:
    app = await bootstrap.start(load_settings(), writer=False)  # a reader: safe while the bot runs
    try:
        return await remind_view.run(app, args)
    finally:
        await app.repository.close()


async def _export(args: argparse.Namespace) -> int:
    choices = export_view.check_arguments(args)  # a typo stops here, before the database is opened
    app = await bootstrap.start(load_settings(), writer=False)
    try:
        await export_view.run(app, choices)
    finally:
        await app.repository.close()
    return 0


async def _themes(args: argparse.Namespace) -> int:
    choices = themes_view.check_arguments(args)  # a bad themes file stops here, before the database is opened
    if args.table is not None:
        return themes_view.run(themes_view.from_table(args), args, choices)
    app = await bootstrap.start(load_settings(), writer=False)  # a reader: safe while the bots run
    try:
        questions = await themes_view.from_consultation(app)
    finally:
        await app.repository.close()
    return themes_view.run(questions, args, choices)


async def _db(args: argparse.Namespace) -> int:
    if args.action == "copy":
        return await copy_view.run(args, load_settings())
    return await db_view.run(args.action, load_settings())


async def _questionnaire(args: argparse.Namespace) -> int:
    if args.action in ("import", "export"):
        return questionnaire_view.convert(args)
    if args.file is None:
        if args.action == "check" and args.against_db:  # it would compare the questionnaire in use with itself
            raise ConfigError("consult questionnaire check --against-db needs the new questionnaire file, to say "
                              "what it would change for the answers stored: consult questionnaire check FILE "
                              "--against-db")
        args.file = load_settings().questionnaire or loader.bundled_path()  # the questionnaire consult runs with
    if args.action != "check" or not args.against_db:
        return questionnaire_view.run(args.action, args.file)
    new = loader.load(args.file)  # a broken file stops here, before the database is opened
    # A reader, like `progress`: safe while the bots run. Sessions are read one at a time.
    app = await bootstrap.start(load_settings(), writer=False)
    comparison = questionnaire_change.Comparison(app.questionnaire, new)
    try:
        async for session in app.repository.each():
            comparison.add(session)
    finally:
        await app.repository.close()
    if (note := bootstrap.missing_database_note(app.settings)) is not None:
        print(note, file=sys.stderr)
    return questionnaire_view.run("check", args.file, against=comparison)


_COMMANDS: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
    "chat": _chat,
    "progress": _progress,
    "run": _run,
    "serve": _serve,
    "export": _export,
    "themes": _themes,
    "db": _db,
    "questionnaire": _questionnaire,
    "invite": lambda args: invite_view.run(args, load_settings()),
    "org": lambda args: org_view.run(args, load_settings()),
    "remind": _remind,
    "window": _window,
    "announce": _announce,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `consult` console script."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_COMMANDS[args.command](args))
    except (ConfigError, QuestionnaireError, StorageError, ExportError, InviteFileError, AnnouncementError,
            ThemesError) as exc:
        print(f"consult: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nStopped. Every answer sent so far is saved.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
