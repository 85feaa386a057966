"""The summary charts as PNG: who responded, answer rates, and the pace against the deadline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: never look for a screen (servers and CI have none)

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.dates import DateFormatter, DayLocator, date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from core.export.base import ExportInput
from core.export.naming import (
    CHART_ANSWER_RATE,
    CHART_CATEGORIES,
    CHART_COUNTRIES,
    CHART_PER_DAY,
    CHART_STOPPED,
    CONFIDENTIAL,
    file_name,
)
from core.export.records import Scope
from core.progress import ProgressReport, Tally, place_label
from core.text import shorten

# No identity in the files' metadata: matplotlib would otherwise only add its own name.
_METADATA = {"Title": "consult summary chart", "Author": "consult"}


def write(data: ExportInput, folder: Path) -> list[Path]:
    """Write the three charts; internal ones are titled Confidential."""
    c, r = data.compilation, data.report
    mark = f" ({CONFIDENTIAL})" if c.confidential else ""
    drafts = c.scope is Scope.ALL  # the figures are of the respondents the status chose, as in summary.md
    charts = {
        CHART_CATEGORIES: categories(r, mark),
        CHART_COUNTRIES: countries_and_front_ends(r, mark),
        CHART_ANSWER_RATE: answer_rates(r, mark, drafts),
        CHART_STOPPED: where_stopped(r, mark, drafts),
        CHART_PER_DAY: per_day(r, mark),
    }
    paths = []
    for name, figure in charts.items():
        path = folder / file_name(c, name)
        figure.savefig(path, dpi=120, metadata=_METADATA)
        plt.close(figure)
        paths.append(path)
    return paths


def categories(r: ProgressReport, mark: str = "") -> Figure:
    """Respondents who started and submitted, by stakeholder category and sub-category."""
    rows = {**r.by_category, **{f"  {k}": v for k, v in r.by_subcategory.items()}}
    figure, axes = plt.subplots(figsize=(8, 1.2 + 0.45 * max(len(rows), 1)), layout="constrained")
    _tally_bars(axes, rows, f"Respondents by stakeholder group{mark}")
    return figure


def countries_and_front_ends(r: ProgressReport, mark: str = "") -> Figure:
    """Respondents by country (side by side with) by front end."""
    height = 1.2 + 0.4 * max(len(r.by_country), len(r.by_channel), 1)
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, height), layout="constrained")
    _tally_bars(left, r.by_country, f"By country{mark}")
    _tally_bars(right, r.by_channel, f"By front end{mark}")
    return figure


def where_stopped(r: ProgressReport, mark: str = "", drafts: bool = True) -> Figure:
    """For respondents who have not submitted: the question they are at (only when drafts are exported)."""
    nobody = "(everyone has submitted)" if drafts else "(not in this export: status 'submitted')"
    labels = [shorten(place_label(r, place), 50) for place in r.stopped_at] or [nobody]
    figure, axes = plt.subplots(figsize=(9, 1.2 + 0.45 * len(labels)), layout="constrained")
    axes.barh(labels, list(r.stopped_at.values()) or [0], color="#1f5f99")
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"Where unfinished respondents are{mark}")
    return figure


def _tally_bars(axes: Axes, rows: dict[str, Tally], title: str) -> None:
    labels = [shorten(label, 40) for label in rows] or ["(none yet)"]
    axes.barh(labels, [t.started for t in rows.values()] or [0], color="#b8cfe6", label="Started")
    axes.barh(labels, [t.submitted for t in rows.values()] or [0], color="#1f5f99", label="Submitted")
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False)


def answer_rates(r: ProgressReport, mark: str = "", drafts: bool = False) -> Figure:
    """Per question, the share of respondents (submitted ones, or drafts too) who answered it."""
    labels = [q.number or q.item_id for q in r.questions]
    rates = [100 * (q.answer_rate or 0) for q in r.questions]
    figure, axes = plt.subplots(figsize=(9, 4), layout="constrained")
    axes.bar(labels, rates, color="#1f5f99")
    axes.set_ylim(0, 100)
    axes.set_ylabel("% of respondents, drafts included" if drafts else "% of submitted respondents")
    axes.set_title(f"Answer rate per question{mark}")
    axes.tick_params(axis="x", labelrotation=60)
    return figure


def per_day(r: ProgressReport, mark: str = "") -> Figure:
    """Cumulative submissions per day, with the closing date marked."""
    days = [date.fromisoformat(d) for d in r.submissions_per_day]
    totals, running = [], 0
    for count in r.submissions_per_day.values():
        running += count
        totals.append(running)
    figure, axes = plt.subplots(figsize=(9, 4), layout="constrained")
    if days:
        x = date2num(days)
        axes.bar(x, list(r.submissions_per_day.values()), color="#b8cfe6", label="Submitted that day")
        axes.step(x, totals, where="mid", color="#1f5f99", label="Submitted in total")
    if r.closes is not None:
        closes = float(date2num(r.closes.date()))
        axes.axvline(closes, color="#b03a2e", linestyle="--", label=f"Closes {r.closes:%d %b %Y}")
    shown = days + ([r.closes.date()] if r.closes is not None else [])
    span = (max(shown) - min(shown)).days if shown else 0
    # Whole days, about ten ticks.
    axes.xaxis.set_major_locator(DayLocator(interval=max(1, span // 10)))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_ylabel("Respondents")
    axes.set_title(f"Responses per day{mark}" + ("" if days else ": none yet"))
    if days or r.closes is not None:
        axes.legend(loc="upper left")
    figure.autofmt_xdate()
    return figure
