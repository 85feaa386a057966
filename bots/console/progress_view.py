"""`consult progress`: the secretariat's figures as terminal tables or JSON."""

from __future__ import annotations

import json

from rich.console import Console
from rich.table import Table

from bots.bootstrap import App, missing_database_note
from bots.console import invited_view
from core import progress
from core.progress import ProgressReport, Tally
from core.windows import Window


async def show(app: App, *, as_json: bool, console: Console | None = None) -> ProgressReport:
    """Compute the report from the figures the repository adds up (in SQL on PostgreSQL) and print it."""
    q = app.questionnaire
    window = await app.service.refresh_window()  # dates moved by `consult window` count, not only the file's
    report = progress.from_figures(app.service.questionnaire_for(None), await app.repository.figures(q),
                                   app.service.now())
    console = console or Console(highlight=False)
    if (note := missing_database_note(app.settings)) is not None:
        Console(stderr=True, highlight=False).print(note, markup=False)
    invited, several = await invited_view.internal_lines(app)
    if as_json and (invited or several):  # internal, like the rest of what this command prints
        document = report.model_dump(mode="json")
        document["invited_by_category"] = {k: v.model_dump() for k, v in invited.items()}
        document["several_submissions"] = several
        console.out(json.dumps(document, indent=2, ensure_ascii=False), highlight=False)
    elif as_json:
        console.out(report.model_dump_json(indent=2), highlight=False)
    else:
        _print(report, console)
        if invited:
            console.print(invited_view.tally_table(invited))
        for line in several:
            console.print(line, markup=False)
        if window is not None:
            console.print(window_line(window), markup=False)
    return report


def window_line(window: Window) -> str:
    """What `consult window` set, in one line."""
    dates = ", ".join(f"{name} {value:%d %B %Y %H:%M %Z}" for name, value in (("opens", window.opens),
                                                                               ("closes", window.closes)) if value)
    late = f"; late answers allowed for invitations {', '.join(sorted(window.late))}" if window.late else ""
    dates = dates or "the dates of the questionnaire file"
    return f"Window set by 'consult window': {dates}{late}."


def _print(report: ProgressReport, console: Console) -> None:
    closing = "no closing date set"
    if report.closes is not None:
        closing = f"closes {report.closes:%d %B %Y} ({report.days_left} days left)"
    console.print(f"[bold]{report.questionnaire_id}[/bold]: {closing}")
    console.print(
        f"Started: {report.started}   Submitted: {report.submitted}   "
        f"Not yet submitted: {report.in_progress}   Withdrawn: {report.withdrawn}"
    )
    if (aside := progress.set_aside_line(report)) is not None:
        console.print(aside, markup=False)
    for title, tallies in (
        ("By stakeholder category", report.by_category),
        ("By sub-category", report.by_subcategory),
        ("By country", report.by_country),
        ("By front end", report.by_channel),
    ):
        console.print(_tally_table(title, tallies))
    console.print(_questions_table(report))
    if report.submissions_per_day:
        days = Table("Day", "Submitted", "Total", title="Responses per day")
        total = 0
        for day, count in report.submissions_per_day.items():
            total += count
            days.add_row(day, str(count), str(total))
        console.print(days)
    if report.stopped_at:
        table = Table("Where unfinished respondents are", "Respondents", title="Not yet submitted")
        for place, count in report.stopped_at.items():
            table.add_row(progress.place_label(report, place), str(count))
        console.print(table)


def _tally_table(title: str, tallies: dict[str, Tally]) -> Table:
    table = Table("", "Started", "Submitted", title=title)
    for key, tally in tallies.items():
        table.add_row(key, str(tally.started), str(tally.submitted))
    return table


def _questions_table(report: ProgressReport) -> Table:
    headers = ("Question", "Answered (submitted)", "Rate", "Answered so far", "Skipped")
    table = Table(*headers, title="Answers per question")
    for q in report.questions:
        rate = f"{q.answer_rate:.0%}" if q.answer_rate is not None else "-"
        table.add_row(progress.place_label(report, q.item_id), str(q.answered_in_submissions), rate,
                      str(q.answered_so_far), str(q.skipped))
    return table
