"""`consult progress`'s part on invitations: invited / started / submitted per category, and who has not answered."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bots.bootstrap import App
from core.invitations import standing
from core.invitations.standing import InvitedTally, NotAnswered
from core.organisations import flags, grouping


async def internal_lines(app: App) -> tuple[dict[str, InvitedTally], list[str]]:
    """Invited / started / submitted per invited category, and the organisations with several submissions.

    One read serves both: a few fields in SQL on PostgreSQL, else the sessions streamed one at a time.
    """
    invitations = await app.invitations.all()
    seen = await app.read_arrivals()
    groups = grouping.several(seen)
    several = flags.progress_lines(groups, await app.decisions.all()) if groups else []
    return (standing.by_category(invitations, seen) if invitations else {}), several


def tally_table(found: dict[str, InvitedTally]) -> Table:
    """The tallies as a terminal table."""
    table = Table("Invited category", "Invited", "Started", "Submitted", title="Invitations")
    for category, tally in found.items():
        table.add_row(escape(category), str(tally.invited), str(tally.started), str(tally.submitted))
    return table


async def not_answered(app: App, *, as_json: bool, console: Console | None = None) -> list[NotAnswered]:
    """`consult progress --not-answered`: invited organisations that have not submitted, with the days left."""
    invitations = await app.invitations.all()
    seen = await app.read_arrivals()
    await app.service.refresh_window()  # the days left count to `consult window`'s closing date, if set
    rows = standing.not_answered(app.service.questionnaire_for(None), invitations, seen, app.service.now())
    console = console or Console(highlight=False, width=200)
    if as_json:
        console.out(json.dumps([row.model_dump(mode="json") for row in rows], indent=2, ensure_ascii=False))
        return rows
    if not invitations:
        console.print("Nobody has been invited yet ('consult invite import FILE').", markup=False)
        return rows
    days = "no closing date set" if not rows or rows[0].days_left is None else f"{rows[0].days_left} days left"
    table = Table("Organisation", "Category", "Name", "E-mail", "Code", "State",
                  title=f"Invited, not submitted: {len(rows)} ({days}). Internal: do not publish.")
    for row in rows:
        cells = (row.organisation, row.category or "", row.name or "", row.email or "", row.code, row.state.value)
        table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    return rows
