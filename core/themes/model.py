"""What the themes step reads and writes: answers in, themes and template groups out. Pure data."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

MIN_ANSWERS = 10  # fewer answers than this to a question: too few to find themes in (given themes still work)
NOT_PLACED = "not placed"
BACKENDS = ("tfidf", "e5", "auto")  # how passages become vectors (core/themes/represent.py)


class ThemesError(ValueError):
    """Themes cannot be made as asked; nothing was written."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Answer(_Frozen):
    """One respondent's answer to one open question, with who they are and whether they may be quoted."""

    id: str  # the response id (a respondent number, or the table's id column)
    question: str
    group: str
    subgroup: str = ""
    text: str
    may_quote: bool  # under the consent rule; the others count and are never quoted


class Source(StrEnum):
    """Where a question's themes came from: the export says it."""

    SUGGESTED = "machine-suggested"
    EDITED = "edited"  # a themes file written by consult, changed by the secretariat
    GIVEN = "given"  # the secretariat's own table of themes


class Quote(_Frozen):
    response: str
    text: str


class Theme(_Frozen):
    """One theme: what it says, who raised it, and the words of those who may be quoted."""

    id: str  # stable: "q3-t1", in the order of size
    label: str
    description: str
    counts: dict[str, int]  # per stakeholder group (a template group counts once unless told otherwise)
    subgroup_counts: dict[str, int] = Field(default_factory=dict)  # "Group / sub-group" -> count
    size: int  # respondents, counted as in `counts`
    responses: list[str]  # every response id behind it, sorted
    quotes: list[Quote]
    examples: list[str] = Field(default_factory=list)  # the most central response ids (any consent): for the file


class TemplateGroup(_Frozen):
    """Answers that follow the same text with small changes (a campaign)."""

    id: str
    responses: list[str]
    groups: dict[str, int]  # stakeholder group -> how many of its answers follow the text


class QuestionThemes(_Frozen):
    """The themes of one question."""

    question: str
    text: str
    answers: int
    source: Source
    representation: str  # "tf-idf words and characters" or the sentence model used
    themes: list[Theme]
    not_placed: list[str]  # response ids that fit no theme
    says_nothing: list[str] = Field(default_factory=list)  # of those, the answers that say nothing on the question
    templates: list[TemplateGroup]
    templates_counted_once: bool = True
    # Each placed answer's main theme (response id -> theme id): for the bench and the sheet, not the JSON.
    primary: dict[str, str] = Field(default_factory=dict, exclude=True)


class Skipped(_Frozen):
    """A question left out, and why (too few answers)."""

    question: str
    text: str
    reason: str


class Report(_Frozen):
    """Everything `consult themes` found: what `--json` prints and the files show."""

    questions: list[QuestionThemes]
    skipped: list[Skipped] = Field(default_factory=list)


class GivenTheme(_Frozen):
    """A theme of the secretariat's frame: edited from a themes file, or from its own table."""

    name: str
    description: str = ""
    examples: list[str] = Field(default_factory=list)  # response ids, or words of an example answer


class Frame(_Frozen):
    """The themes to sort answers into, per question ("*": every question)."""

    source: Source
    themes: dict[str, list[GivenTheme]]

    def for_question(self, question: str) -> list[GivenTheme] | None:
        return self.themes.get(question, self.themes.get("*"))
