"""`consult invite`: import an invitee list, add one, list, revoke, and write every invitation's links."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bots import bootstrap
from bots.config import Settings
from core.invitations.model import Invitation
from core.invitations.reading import read_rows
from core.invitations.rows import COLUMNS, Checked, Row, check_rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `consult invite` subcommands."""
    sub = parser.add_subparsers(dest="action", required=True)
    load = sub.add_parser("import", help="invite every organisation of a .csv (UTF-8) or .xlsx file")
    load.add_argument("file", type=Path, help=f"columns: {', '.join(COLUMNS)} (only organisation is needed)")
    load.add_argument("--skip-bad", action="store_true", help="import the good rows and list those left out")
    one = sub.add_parser("add", help="invite one organisation")
    one.add_argument("organisation")
    for column in COLUMNS[1:]:
        one.add_argument(f"--{column}", default="")
    sub.add_parser("list", help="every invitation, with its code")
    revoke = sub.add_parser("revoke", help="cancel an invitation (its code then starts an ordinary answer)")
    revoke.add_argument("code")
    links = sub.add_parser("links", help="write each invitation's links, QR code and a mail-merge CSV")
    links.add_argument("--out", type=Path, required=True, help="folder to write into")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one `consult invite` subcommand; the exit code."""
    async with _opened(settings) as app:
        if args.action == "import":
            return await _import(app, read_rows(args.file), skip_bad=args.skip_bad)
        if args.action == "add":
            cells = {column: getattr(args, column.replace("-", "_")) for column in COLUMNS[1:]}
            return await _import(app, [Row(0, {"organisation": args.organisation, **cells})], skip_bad=False)
        if args.action == "list":
            _list(await app.invitations.all())
            return 0
        if args.action == "revoke":
            return await _revoke(app, args.code)
        from bots.console import invite_links  # segno, for the QR codes: loaded only here

        return await invite_links.write(app, args.out)


@asynccontextmanager
async def _opened(settings: Settings) -> AsyncIterator[bootstrap.App]:
    # Safe while the bot runs: on files the invitations have a file of their own (the sessions' database is
    # only read); on PostgreSQL every process writes, so open as a writer (it brings the schema up to date).
    app = await bootstrap.start(settings, writer=settings.postgres is not None)
    try:
        yield app
    finally:
        await app.repository.close()


async def _import(app: bootstrap.App, rows: list[Row], *, skip_bad: bool) -> int:
    checked = check_rows(app.questionnaire, rows, await app.invitations.all(), app.service.now())
    if checked.problems and not skip_bad:
        _say_refused(checked, one=len(rows) == 1 and rows[0].line == 0)
        return 1
    await app.invitations.add(checked.invitations)
    count = len(checked.invitations)
    print(f"Invited {count} organisation{'s' if count != 1 else ''}. "
          "Run 'consult invite links --out FOLDER' to make their links.")
    for invitation in checked.invitations if len(rows) == 1 else ():
        print(f"Code: {invitation.code}")
    if checked.problems:
        print(f"Left out {len(checked.problems)} line(s), as --skip-bad asked:", file=sys.stderr)
        for problem in checked.problems:
            print(f"  {problem}", file=sys.stderr)
    return 0


def _say_refused(checked: Checked, *, one: bool) -> None:
    if one:  # `consult invite add`
        print(f"Nothing was added: {checked.problems[0]}", file=sys.stderr)
        return
    lines = [f"Nothing was imported: {len(checked.problems)} line(s) have problems."]
    lines += [f"  {problem}" for problem in checked.problems]
    good = len(checked.invitations)
    lines.append(f"Correct them and import again, or add --skip-bad to import the {good} good line(s) "
                 "and leave these out.")
    print("\n".join(lines), file=sys.stderr)


def _list(invitations: list[Invitation]) -> None:
    table = Table("Code", "Organisation", "Category", "Name", "E-mail", "Language", "State",
                  title=f"{len(invitations)} invitation(s)")
    for inv in invitations:
        category = " / ".join(filter(None, [inv.category, inv.subcategory]))
        state = f"revoked {inv.revoked_at:%d %b %Y}" if inv.revoked_at else "open"
        cells = (inv.code, inv.organisation, category, inv.name or "", inv.email or "", inv.language or "", state)
        table.add_row(*(escape(cell) for cell in cells))  # as typed: a [bracket] is no markup
    Console(highlight=False, width=200).print(table)


async def _revoke(app: bootstrap.App, code: str) -> int:
    found = await app.invitations.revoke(code, app.service.now())
    if found is None:
        print(f"There is no invitation with the code {code!r}; nothing was changed. "
              "'consult invite list' shows the codes.", file=sys.stderr)
        return 1
    print(f"Revoked the invitation of {found.organisation} ({code}). Its code now starts an ordinary answer.")
    return 0
