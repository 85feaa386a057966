"""The summary: the progress figures as Markdown, for the secretariat's report."""

from __future__ import annotations

from pathlib import Path

from core.export.base import ExportInput
from core.export.grouping import one_line
from core.export.markdown import escape
from core.export.naming import SUMMARY_MD, file_name
from core.export.records import Compilation, Scope
from core.progress import ProgressReport, Tally, place_label
from core.text import shorten
from questionnaire.model import ConsentRule


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write summary.md from the progress report."""
    c, r = data.compilation, data.report
    lines = []
    if c.confidential:
        lines += ["**Confidential**: internal audience; do not share.", ""]
    lines += [f"# Summary: {md_cell(c.questionnaire.title)}", "", f"Generated {c.generated_at:%d %B %Y, %H:%M} UTC."]
    lines.append("")
    lines += _overview(data) + _consent(c)
    for title, tallies in (
        ("Respondents by stakeholder category", r.by_category),
        ("Respondents by sub-category", r.by_subcategory),
        ("Respondents by country", r.by_country),
        ("Respondents by front end", r.by_channel),
    ):
        lines += _tally_table(title, tallies)
    lines += _answer_rates(r, c.scope) + _stopped(r, c.scope) + _per_day(r)
    path = folder / file_name(c, SUMMARY_MD)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


def _overview(data: ExportInput) -> list[str]:
    r, scope = data.report, data.compilation.scope
    if scope is Scope.ALL:
        lines = [
            "Status: **all**: answers not yet submitted are included, as drafts (counted, never attributed).",
            "",
            f"- Respondents who started: **{r.started}**",
            f"- Submitted: **{r.submitted}**",
            f"- Not yet submitted (drafts): **{r.in_progress}**",
        ]
    else:
        lines = [
            "Status: **submitted**: the last version each respondent submitted.",
            "",
            f"- Respondents who submitted: **{r.submitted}**",
            f"- Started but not submitted yet (not in these files): **{data.left_out}**",
        ]
    lines.append(f"- Withdrew (answers deleted): **{r.withdrawn}**")
    if r.closes is not None:
        lines.append(f"- Closing date: {r.closes:%d %B %Y} ({r.days_left} days left)")
    if r.started + data.left_out == 0:
        lines += ["", "No responses yet: the other files hold their headings only."]
    return [*lines, ""]


def _consent(c: Compilation) -> list[str]:
    lines = ["## Consent", ""]
    if c.confidential:
        return [*lines, "Internal files: every respondent and every answer is shown. Do not share.", ""]
    if c.rule is ConsentRule.ANONYMOUS:
        return [*lines, "Rule applied: **anonymous**. Respondents who did not authorise citation (and answers "
                "not yet submitted) are shown by number only, without name, organisation or contact details.", ""]
    return [*lines, "Rule applied: **aggregate**. The views of respondents who did not authorise citation "
            "(and answers not yet submitted) are counted in the figures and charts, and not shown.", "",
            f"- Counted but not shown: **{c.not_shown}** of {len(c.records)} respondents", ""]


def _tally_table(title: str, tallies: dict[str, Tally]) -> list[str]:
    lines = [f"## {title}", "", "| | Started | Submitted |", "|---|---:|---:|"]
    lines += [f"| {md_cell(key)} | {t.started} | {t.submitted} |" for key, t in tallies.items()]
    return [*lines, ""] if tallies else [f"## {title}", "", "None yet.", ""]


def _answer_rates(r: ProgressReport, scope: Scope) -> list[str]:
    who = "respondents in these files (drafts included)" if scope is Scope.ALL else "submitted respondents"
    lines = ["## Answer rate per question", "",
             f"Share of {who} who were asked the question and answered it.", "",
             "| Question | Answered | Rate |", "|---|---:|---:|"]
    for q in r.questions:
        rate = f"{q.answer_rate:.0%}" if q.answer_rate is not None else "-"
        number = f"{md_cell(q.number)}. " if q.number else ""
        lines.append(f"| {number}{md_cell(shorten(q.text, 90))} | {q.answered_in_submissions} | {rate} |")
    return [*lines, ""]


def _stopped(r: ProgressReport, scope: Scope) -> list[str]:
    lines = ["## Where unfinished respondents are", ""]
    if scope is Scope.SUBMITTED:
        return [*lines, "Not in these files (status 'submitted'): export with the status 'all' to see them.", ""]
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
