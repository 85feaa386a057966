"""The responses table: one row per respondent, one column per detail or question. Pure.

The CSV and XLSX writers both draw from it, so the two files always hold the same columns and values;
they differ only in how a cell is stored. Identity comes from the records, where consent is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from core.consent import PUBLIC_CONTACT
from core.export.naming import CONFIDENTIAL
from core.export.records import Compilation, Question, Record, item_header, value_text
from core.export.text import readable
from core.invitations.model import Invited
from questionnaire.model import Item, Kind, Role

Cell = str | int | None

# Excel and LibreOffice read a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

QUESTION_SHEET_HEADERS = ["Number", "Id", "Text", "Kind", "Options", "Removed"]


class Width(Enum):
    """How much room a column wants: a spreadsheet turns this into a width."""

    SHORT = "short"  # dates, names, categories
    FLAG = "flag"  # a 0/1 column of one option
    TEXT = "text"  # an answer in words


@dataclass(frozen=True)
class Column:
    """One column: its heading, its room, and how a record fills it."""

    header: str
    width: Width
    cell: Callable[[Record], Cell]


@dataclass(frozen=True)
class Table:
    """The columns, and the records that make the rows."""

    columns: list[Column]
    records: Sequence[Record]

    @property
    def headers(self) -> list[str]:
        return [readable(column.header) for column in self.columns]

    def rows(self) -> Iterator[list[Cell]]:
        """One row per respondent, built only when asked for, so 10,000 rows stream."""
        for record in self.records:
            yield [_readable_cell(column.cell(record)) for column in self.columns]


def responses_table(c: Compilation) -> Table:
    """The responses table of a compilation: details, contact, category, then every question."""
    columns = _details(c) + _contact(c) + _category(c)
    for question in c.questions:
        columns += _answer_columns(question)
    return Table(columns + _invited(c), c.records)


def neutralise(text: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading quote, as RapidPro and LimeSurvey do."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso_utc(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC to the second, e.g. 2013-07-01T10:00:00Z."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def question_sheet_rows(c: Compilation) -> list[list[Cell]]:
    """Every item with a column in the table, then the removed ones: number, id, text, kind, options."""
    rows: list[list[Cell]] = [
        [item.number, item.id, item.text.strip(), item.kind.value, "\n".join(_choices(item)), "No"]
        for item in c.questionnaire.items
        if item.answerable
    ]
    rows += [[None, q.id, q.text, None, None, "Yes"] for q in c.questions if q.item is None]
    return [[_readable_cell(cell) for cell in row] for row in rows]


def _details(c: Compilation) -> list[Column]:
    first = f"Respondent ({CONFIDENTIAL})" if c.confidential else "Respondent"
    columns = [Column(first, Width.SHORT, lambda r: r.number)]
    if c.confidential:
        columns += [
            Column("Respondent id", Width.SHORT, lambda r: r.respondent_id),
            Column("Invitation code", Width.SHORT, lambda r: r.invite),
        ]
    columns += [
        Column("Submitted at (UTC)", Width.SHORT, lambda r: iso_utc(r.submitted_at)),
        Column("Front end", Width.SHORT, lambda r: r.channel),
        Column("Status", Width.SHORT, lambda r: r.status.value.replace("_", " ")),
        # What they answer now, then what the one consent rule makes of it (a withdrawal counts at once).
        Column("Consent to cite", Width.SHORT, lambda r: r.consent),
        Column("May be cited", Width.SHORT, lambda r: "Yes" if r.may_cite else "No"),
    ]
    if c.confidential:
        columns.append(Column("Consent changed", Width.SHORT, lambda r: r.consent_change))
    return columns


def _invited(c: Compilation) -> list[Column]:
    """Internal files: what the invitation said, beside what the respondent confirmed or corrected."""
    if not c.confidential:
        return []
    return [
        Column("Invited organisation", Width.SHORT, lambda r: r.invited.organisation if r.invited else None),
        Column("Invited category", Width.SHORT, lambda r: _invited_category(r.invited)),
        Column("Same organisation", Width.TEXT, lambda r: r.organisation_note),
    ]


def _invited_category(invited: Invited | None) -> str | None:
    if invited is None:
        return None
    return " - ".join(filter(None, [invited.category, invited.subcategory])) or None


def _contact(c: Compilation) -> list[Column]:
    # Records merge the fields of every contact item by field id, so one column per distinct id.
    # Public files carry no e-mail or other contact detail, even of those who may be cited.
    labels: dict[str, str] = {}
    for item in c.questionnaire.with_role(Role.CONTACT):
        for field in item.fields:
            if c.confidential or field.id in PUBLIC_CONTACT:
                labels.setdefault(field.id, field.label)
    return [Column(label, Width.SHORT, _identity_field(field_id)) for field_id, label in labels.items()]


def _category(c: Compilation) -> list[Column]:
    # A record keeps one category value (the first category item answered), hence one column.
    q = c.questionnaire
    categories = q.with_role(Role.CATEGORY)[:1]
    columns = [Column(item_header(item), Width.SHORT, lambda r: r.category) for item in categories]
    columns += [Column(item_header(item), Width.SHORT, _subcategory(item.id)) for item in q.with_role(Role.SUBCATEGORY)]
    return columns


def _answer_columns(question: Question) -> list[Column]:
    columns = [Column(question.header, Width.TEXT, _answer_text(question.id))]
    item = question.item
    if item is not None and item.kind is Kind.MULTIPLE:
        prefix = item.number or item.id
        columns += [Column(f"{prefix}. {option}", Width.FLAG, _chose(item.id, option)) for option in item.options]
    return columns


def _identity_field(field_id: str) -> Callable[[Record], Cell]:
    return lambda r: r.identity.get(field_id)  # empty when the audience may not see who it is


def _subcategory(item_id: str) -> Callable[[Record], Cell]:
    return lambda r: r.subcategories.get(item_id)


def _answer_text(item_id: str) -> Callable[[Record], Cell]:
    def text(r: Record) -> Cell:
        answer = r.shown_answers.get(item_id)
        return None if answer is None else value_text(answer.value)

    return text


def _chose(item_id: str, option: str) -> Callable[[Record], Cell]:
    # 1 or 0 only for those who answered, so an average over the column is the share who chose it.
    def chose(r: Record) -> Cell:
        answer = r.shown_answers.get(item_id)
        if answer is None or not isinstance(answer.value, list):
            return None
        return int(option in answer.value)

    return chose


def _choices(item: Item) -> tuple[str, ...]:
    return tuple(field.label for field in item.fields) if item.kind is Kind.FIELDS else item.choices


def _readable_cell(value: Cell) -> Cell:
    return readable(value) if isinstance(value, str) else value
