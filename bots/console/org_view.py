"""`consult org`: organisations with several submissions, and the secretariat's decision on each."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bots import bootstrap
from bots.config import Settings
from core.organisations import flags, grouping
from core.organisations.grouping import Group
from core.organisations.model import Decision


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `consult org` subcommands."""
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="organisations with more than one submission, and what was decided")
    choose = sub.add_parser("choose", help="count one submission as the organisation's")
    choose.add_argument("organisation", help="the organisation's name, as 'consult org list' shows it")
    choose.add_argument("respondent", help="the respondent id of the submission that counts")
    joint = sub.add_parser("joint", help="count all of the organisation's submissions as one joint submission")
    joint.add_argument("organisation")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Carry out one `consult org` subcommand; the exit code."""
    # Like `consult invite`: the sessions are only read; decisions have their own file (or table).
    app = await bootstrap.start(settings, writer=settings.postgres is not None)
    try:
        seen = await app.read_arrivals()
        groups = grouping.several(seen)
        decisions = {d.key: d for d in await app.decisions.all()}
        if args.action == "list":
            _list(groups, decisions)
            return 0
        group = grouping.find(groups, args.organisation)
        if group is None:
            return _unknown(args.organisation, groups)
        decision = _decision(group, args.action, getattr(args, "respondent", None), app.service.now())
        if decision is None:
            ids = ", ".join(m.respondent_id for m in group.members)
            print(f"{args.respondent!r} is not one of the submissions from {group.organisation} ({ids}). "
                  "Nothing was changed.", file=sys.stderr)
            return 1
        await app.decisions.put(decision)
        print(f"Recorded for {group.organisation}: {flags.decision_text(group, decision)}. The export will say so.")
        return 0
    finally:
        await app.repository.close()


def _decision(group: Group, action: str, respondent: str | None, now: datetime) -> Decision | None:
    """The decision asked for; None when the respondent named is not one of the group's."""
    ids = tuple(m.respondent_id for m in group.members)
    if action == "joint":
        return Decision(key=group.key, organisation=group.organisation, kind="joint", respondents=ids, decided_at=now)
    if respondent not in ids:
        return None
    return Decision(key=group.key, organisation=group.organisation, kind="chosen", chosen=respondent,
                    respondents=ids, decided_at=now)


def _unknown(organisation: str, groups: list[Group]) -> int:
    known = "; ".join(g.organisation for g in groups) or "none"
    print(f"No organisation called {organisation!r} has more than one submission, so there is nothing to decide. "
          f"Organisations with several: {known}.", file=sys.stderr)
    return 1


def _list(groups: list[Group], decisions: dict[str, Decision]) -> None:
    console = Console(highlight=False, width=200)
    if not groups:
        console.print("No organisation has more than one submission.", markup=False)
        return
    for group in groups:
        decided = flags.decision_text(group, group.decided(decisions))
        console.print(f"{group.flag}: {decided}", markup=False)  # a heading that never wraps mid-word
        table = Table("Respondent id", "Submitted (UTC)", "Organisation as typed", "Invitation code")
        for m in group.members:
            when = f"{m.submitted_at:%Y-%m-%d %H:%M}" if m.submitted_at else ""
            table.add_row(*(escape(cell) for cell in (m.respondent_id, when, m.organisation or "", m.invite or "")))
        console.print(table)
