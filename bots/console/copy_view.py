"""`consult db copy FROM TO`: the arguments, and the report people read at the end."""

from __future__ import annotations

import argparse
import sys
from functools import partial

from bots import bootstrap
from bots.config import Settings
from core import progress
from core.session import Session
from storage.dbcopy import ends
from storage.dbcopy.beside import copy_beside
from storage.dbcopy.copying import CopyReport, copy

HELP = """\
Copy every respondent from one database to another: files to PostgreSQL (to move to a server),
PostgreSQL to files (to archive a closed consultation), or between two of a kind. FROM and TO are a
database file's path (e.g. data/consult.json) or a postgresql:// address.

FROM is only read. From PostgreSQL the copy is one snapshot; from files, each respondent is read
whole, but answers given while the copy runs may or may not be in it: stop the bots first, or copy
again afterwards. TO is opened as its one writer: a database of files that a bot is writing to is
refused; do not run bots on a PostgreSQL TO during the copy.

Every session is then read back from TO and compared with FROM (a sha256 of each). Safe to run again:
a copy that stopped half-way resumes, and a later run brings TO up to date; respondents already
identical are skipped, nobody is written twice, and a session newer in TO than in FROM is kept.
TO must be empty, or an earlier copy of this same FROM (TO records it before writing anything),
unless you add --into-nonempty.
Exit code 0 when every respondent of FROM is in TO, identical; 1 when the check finds a difference."""

PROGRESS_EVERY = 1000


def add_arguments(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`consult db copy FROM TO [--into-nonempty]`."""
    parser = actions.add_parser("copy", help="copy a whole database (files or PostgreSQL) and check the copy",
                                description=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", metavar="FROM", help="database file path, or postgresql:// address")
    parser.add_argument("target", metavar="TO", help="database file path, or postgresql:// address")
    parser.add_argument("--into-nonempty", action="store_true",
                        help="copy into a database that already holds respondents (not from an earlier copy)")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Copy, check, report; 0 when the copy is verified."""
    # Progress columns in PostgreSQL are counted by the questionnaire in use, as the bots count them.
    standing = partial(progress.standing, bootstrap.load_questionnaire(settings))
    source = await ends.open_source(args.source)
    try:
        target = await ends.open_target(args.target, standing)
        try:
            report = await copy(source, target, into_nonempty=args.into_nonempty, after_each=_Progress())
        finally:
            await target.close()
    finally:
        await source.close()
    beside = await copy_beside(args.source, args.target)
    print(describe(report))
    print(f"Invitations copied: {beside.invitations}. Decisions on organisations copied: {beside.decisions}.")
    return 0 if report.verified else 1


class _Progress:
    def __init__(self) -> None:
        self.done = 0

    async def __call__(self, session: Session) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            print(f"... {self.done} respondents", file=sys.stderr, flush=True)


def describe(report: CopyReport) -> str:
    """The report, in a few plain lines."""
    lines = [
        f"Copied from {report.source}",
        f"        to {report.target}",
        f"Respondents in FROM: {report.read}. Written: {report.written_new} new, {report.replaced} replaced; "
        f"already identical: {report.identical}.",
    ]
    if report.kept_newer:
        lines.append(f"Kept in TO because newer there: {len(report.kept_newer)} ({_some(report.kept_newer)}).")
    if report.only_in_target:
        lines.append(f"TO also holds {report.only_in_target} respondents that are not in FROM (left as they are).")
    if report.verified:
        lines.append(f"Checked: all {report.read} respondents of FROM are in TO, identical (sha256 of each session).")
        return "\n".join(lines)
    if report.missing:
        lines.append(f"CHECK FAILED: {len(report.missing)} missing in TO ({_some(report.missing)}).")
    if report.different:
        lines.append(f"CHECK FAILED: {len(report.different)} differ from FROM ({_some(report.different)}).")
    lines.append("Run the same copy again: it rewrites what differs. If this stays, keep FROM and tell us.")
    return "\n".join(lines)


def _some(ids: list[str], shown: int = 5) -> str:
    more = f", and {len(ids) - shown} more" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more
