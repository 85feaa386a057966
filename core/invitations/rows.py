"""Checking an invitee list row by row: each problem named with its line, the good rows made invitations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core.answers import looks_like_email
from core.invitations.model import Invitation, new_code, organisation_key
from questionnaire.model import Questionnaire, Role

COLUMNS = ("organisation", "category", "sub-category", "name", "e-mail", "language")
# Headings as secretariats write them, to the column they mean.
HEADINGS = {
    "organisation": "organisation", "organization": "organisation",
    "category": "category", "sub-category": "sub-category", "subcategory": "sub-category",
    "sub category": "sub-category", "name": "name", "e-mail": "e-mail", "email": "e-mail",
    "e-mail address": "e-mail", "language": "language",
}
MAX_CHARS = 200
# A cell starting with one of these is run as a formula by spreadsheets ("CSV injection"): such a row is
# refused rather than kept as text, because no organisation, name or address starts so, and the codes
# and mail-merge file made from it would carry it into the secretariat's own spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One row of the file: its line number (as a spreadsheet shows it) and its cells by column."""

    line: int
    cells: dict[str, str]
    # Set when the line could not be read as text (a wrong encoding): the row is refused with it.
    unreadable: str | None = None


@dataclass(frozen=True)
class Problem:
    """Why one line is not imported."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Checked:
    """The invitations the good rows make, and the problems of the others."""

    invitations: list[Invitation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def check_rows(q: Questionnaire, rows: Iterable[Row], known: list[Invitation], now: datetime) -> Checked:
    """Check every row against the questionnaire, the rows before it and the invitations already made."""
    result = Checked()
    seen: dict[tuple[str, str], int] = {}
    # a revoked invitation is cancelled: the same organisation and person may be invited again, with a new code
    already = {_identity(inv.organisation, inv.email or inv.name or ""): inv.code for inv in known if not inv.revoked}
    for row in rows:
        if not any(row.cells.values()) and row.unreadable is None:
            continue  # an empty line
        made = _invitation(q, row, now)
        if isinstance(made, Problem):
            result.problems.append(made)
            continue
        identity = _identity(made.organisation, made.email or made.name or "")
        if identity in seen:
            result.problems.append(Problem(row.line, f"the same invitation as line {seen[identity]}."))
        elif identity in already:
            result.problems.append(Problem(row.line, f"already invited (code {already[identity]})."))
        else:
            seen[identity] = row.line
            result.invitations.append(made)
    return result


def _identity(organisation: str, who: str) -> tuple[str, str]:
    return organisation_key(organisation), who.casefold().strip()


def _invitation(q: Questionnaire, row: Row, now: datetime) -> Invitation | Problem:
    if row.unreadable is not None:
        return Problem(row.line, row.unreadable)
    cells = {column: " ".join(value.split()) for column, value in row.cells.items()}
    if (wrong := _cells_problem(cells)) is not None:
        return Problem(row.line, wrong)
    category, wrong_category = _option(q, Role.CATEGORY, cells.get("category"))
    subcategory, wrong_subcategory = _option(q, Role.SUBCATEGORY, cells.get("sub-category"))
    if wrong_category is not None:
        return Problem(row.line, f"the category {wrong_category}")
    if wrong_subcategory is not None:
        return Problem(row.line, f"the sub-category {wrong_subcategory}")
    if (mismatch := _asked_only_for(q, category, subcategory)) is not None:
        return Problem(row.line, f"the sub-category {subcategory!r} is asked only for {mismatch}.")
    return Invitation(code=new_code(), organisation=cells["organisation"], category=category,
                      subcategory=subcategory, name=cells.get("name") or None, email=cells.get("e-mail") or None,
                      language=cells.get("language") or None, created_at=now)


def _cells_problem(cells: dict[str, str]) -> str | None:
    for column, value in cells.items():
        if value.startswith(FORMULA_STARTS):
            return (f"the {column} starts with {value[0]!r}, which spreadsheets run as a formula; "
                    "the row was refused. Write it without that sign.")
        if len(value) > MAX_CHARS:
            return f"the {column} is longer than {MAX_CHARS} characters."
    if not cells.get("organisation"):
        return "the organisation is missing; every invitation needs one."
    email = cells.get("e-mail")
    if email and not looks_like_email(email):
        return f"{email!r} does not look like an e-mail address."
    return None


def _asked_only_for(q: Questionnaire, category: str | None, subcategory: str | None) -> str | None:
    """The categories a sub-category belongs to, when the row's category is not one of them."""
    if category is None or subcategory is None:
        return None
    for item in q.with_role(Role.SUBCATEGORY):
        when = item.when
        if subcategory in item.options and when is not None and q.item(when.item).role is Role.CATEGORY:
            return None if category in when.any_of else " or ".join(when.any_of)
    return None


def _option(q: Questionnaire, role: Role, value: str | None) -> tuple[str | None, str | None]:
    """The questionnaire's own spelling of a category (any case typed), or why it is not one of its options."""
    if not value:
        return None, None
    options = [option for item in q.with_role(role) for option in item.options]
    for option in options:
        if option.casefold() == value.casefold():
            return option, None
    if not options:
        return None, f"{value!r} cannot be used: the questionnaire asks for none."
    return None, f"{value!r} is not one of the questionnaire's: {', '.join(options)}."
