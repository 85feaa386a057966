"""The summary: the progress figures as Markdown, for the secretariat's report."""

from __future__ import annotations

from pathlib import Path

from core.export.base import ExportInput
from core.export.grouping import one_line
from core.export.markdown import escape
from core.export.naming import SUMMARY_MD, file_name
from core.progress import ProgressReport, Tally, place_label
from core.text import shorten


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write summary.md from the progress report."""
    c, r = data.compilation, data.report
    lines = []
    if c.confidential:
        lines += ["**Confidential**: internal audience; do not share.", ""]
    lines += [f"# Summary: {md_cell(c.questionnaire.title)}", "", f"Generated {c.generated_at:%d %B %Y, %H:%M} UTC."]
    lines.append("")
    lines += _overview(r)
    for title, tallies in (
        ("Respondents by stakeholder category", r.by_category),
        ("Respondents by sub-category", r.by_subcategory),
        ("Respondents by country", r.by_country),
        ("Respondents by front end", r.by_channel),
    ):
        lines += _tally_table(title, tallies)
    lines += _answer_rates(r) + _stopped(r) + _per_day(r)
    path = folder / file_name(c, SUMMARY_MD)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


def _overview(r: ProgressReport) -> list[str]:
    lines = [
        f"- Respondents who started: **{r.started}**",
        f"- Submitted: **{r.submitted}**",
        f"- Not yet submitted: **{r.in_progress}**",
        f"- Withdrew (answers deleted): **{r.withdrawn}**",
    ]
    if r.closes is not None:
        lines.append(f"- Closing date: {r.closes:%d %B %Y} ({r.days_left} days left)")
    if r.started == 0:
        lines += ["", "No responses yet: the other files hold their headings only."]
    return [*lines, ""]


def _tally_table(title: str, tallies: dict[str, Tally]) -> list[str]:
    lines = [f"## {title}", "", "| | Started | Submitted |", "|---|---:|---:|"]
    lines += [f"| {md_cell(key)} | {t.started} | {t.submitted} |" for key, t in tallies.items()]
    return [*lines, ""] if tallies else [f"## {title}", "", "None yet.", ""]


def _answer_rates(r: ProgressReport) -> list[str]:
    lines = ["## Answer rate per question", "",
             "Share of submitted respondents who were asked the question and answered it.", "",
             "| Question | Answered | Rate |", "|---|---:|---:|"]
    for q in r.questions:
        rate = f"{q.answer_rate:.0%}" if q.answer_rate is not None else "-"
        number = f"{md_cell(q.number)}. " if q.number else ""
        lines.append(f"| {number}{md_cell(shorten(q.text, 90))} | {q.answered_in_submissions} | {rate} |")
    return [*lines, ""]


def _stopped(r: ProgressReport) -> list[str]:
    lines = ["## Where unfinished respondents are", ""]
    if not r.stopped_at:
        return [*lines, "Everyone who started has submitted.", ""]
    lines += ["| Question | Respondents |", "|---|---:|"]
    lines += [f"| {md_cell(place_label(r, place))} | {count} |" for place, count in r.stopped_at.items()]
    return [*lines, ""]


def _per_day(r: ProgressReport) -> list[str]:
    lines = ["## Responses per day", "", "First submissions per day, and the running total.", ""]
    if not r.submissions_per_day:
        return [*lines, "None yet.", ""]
    lines += ["| Day | Submitted | Total |", "|---|---:|---:|"]
    total = 0
    for day, count in r.submissions_per_day.items():
        total += count
        lines.append(f"| {day} | {count} | {total} |")
    return [*lines, ""]



def md_cell(text: str) -> str:
    """Text for one Markdown table cell or heading: one line, escaped like the compilation's text."""
    return escape(one_line(text))
