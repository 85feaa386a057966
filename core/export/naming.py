"""File names of the export, the same for every audience but for a Confidential mark."""

from __future__ import annotations

from core.export.records import Compilation

RESPONSES_XLSX = "responses.xlsx"
RESPONSES_CSV = "responses.csv"
RESPONSES_JSON = "responses.json"
BY_QUESTION_DOCX = "compilation-by-question.docx"
BY_QUESTION_MD = "compilation-by-question.md"
BY_RESPONDENT_DOCX = "compilation-by-respondent.docx"
SUMMARY_MD = "summary.md"
THEMES_MD = "themes.md"
THEMES_DOCX = "themes.docx"
CHART_CATEGORIES = "chart-respondents-by-category.png"
CHART_ANSWER_RATE = "chart-answer-rate.png"
CHART_PER_DAY = "chart-responses-per-day.png"
CHART_COUNTRIES = "chart-respondents-by-country-and-front-end.png"
CHART_STOPPED = "chart-where-unfinished-respondents-are.png"

CONFIDENTIAL = "Confidential"


def file_name(compilation: Compilation, name: str) -> str:
    """The name as written: internal files start with CONFIDENTIAL- so no one mistakes them."""
    return f"CONFIDENTIAL-{name}" if compilation.confidential else name
