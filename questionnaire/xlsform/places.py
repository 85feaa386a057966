"""Places in an XLSForm workbook: messages name the sheet, the row and the type as the author wrote them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyxform.xls2json_backends import DefinitionData

from questionnaire.loader import QuestionnaireError


class XLSFormError(QuestionnaireError):
    """An XLSForm that cannot become a questionnaire; the message names the sheet, the row and the type."""


@dataclass(frozen=True)
class Rows:
    """Where each named survey row and each choice stands in the workbook (row 1 holds the headers)."""

    survey: dict[str, tuple[int, str]]  # name -> (row number, the type as written)
    choices: dict[tuple[str, str], int]  # (list name, choice name) -> row number

    @classmethod
    def of(cls, book: DefinitionData) -> Rows:
        survey: dict[str, tuple[int, str]] = {}
        choices: dict[tuple[str, str], int] = {}
        for number, row in enumerate(book.survey or [], start=2):
            cells = _cells(row)
            if "name" in cells:
                survey.setdefault(cells["name"], (number, cells.get("type", "")))
        for number, row in enumerate(book.choices or [], start=2):
            cells = _cells(row)
            choices.setdefault((cells.get("list_name", ""), cells.get("name", "")), number)
        return cls(survey, choices)


    def question(self, element: dict[str, Any]) -> str:
        """'survey sheet, row 5 (type 'calculate')' for a survey element pyxform read."""
        name = str(element.get("name", ""))
        number, written = self.survey.get(name, (0, str(element.get("type", ""))))
        row = f", row {number}" if number else ""
        return f"survey sheet{row} (type {written or element.get('type')!r}, name {name!r})"

    def choice(self, list_name: str, name: str) -> str:
        """'choices sheet, row 7 (list 'colours', name 'red')'."""
        number = self.choices.get((list_name, name), 0)
        row = f", row {number}" if number else ""
        return f"choices sheet{row} (list {list_name!r}, name {name!r})"


def _cells(row: dict[str, Any]) -> dict[str, str]:
    return {key.strip().lower().replace(" ", "_"): str(value) for key, value in row.items()}
