"""Write a questionnaire as an XLSForm workbook (openpyxl) that pyxform converts and that reads back the same."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomli_w
from openpyxl import Workbook

from questionnaire.loader import QuestionnaireError
from questionnaire.model import Item, Kind, Questionnaire
from questionnaire.xlsform import languages
from questionnaire.xlsform.reading import EXTRA_SETTINGS

_TYPES = {"integer": "integer", "decimal": "decimal", "date": "date", None: "text"}
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_COLUMNS = ("list_name", "type", "name", "label", "hint", "required", "relevant", "constraint", "appearance",
            "consult_number", "consult_role", "consult_kind", "form_title", "form_id", "default_language",
            "consult_title", "consult_introduction", "consult_closing", "consult_settings")
FIELD_LENGTH = 200  # ContactField's default max_length: only another length is written


def write(q: Questionnaire, path: Path) -> None:
    """Save `q` as an XLSForm at `path` (replaced whole, never half-written)."""
    book = Workbook()
    sheets = {"survey": _survey(q), "choices": _choices(q), "settings": [_settings(q)]}
    book.remove(book.active)
    for title, rows in sheets.items():
        if rows:
            _fill(book.create_sheet(title), rows, q.languages)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".xlsx")
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _fill(sheet: Any, rows: list[dict[str, str]], order: tuple[str, ...]) -> None:
    headers = sorted(dict.fromkeys(key for row in rows for key, value in row.items() if value),
                     key=lambda header: _rank(header, order))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(header) or None for header in headers])


def _rank(header: str, order: tuple[str, ...]) -> tuple[int, int]:
    """Columns in the order XLSForm's documentation shows them; each text's languages in the file's order."""
    column, _, language = header.partition("::")
    place = _COLUMNS.index(column) if column in _COLUMNS else len(_COLUMNS)
    return place, order.index(languages.code_of(language)) if language else 0


def _translated(column: str, own: str | None, others: Mapping[str, str | None], q: Questionnaire) -> dict[str, str]:
    """label::English (en) = own text, label::French (fr) = ...: only the texts the file gives."""
    texts = {q.language: own, **others}
    return {f"{column}::{languages.column(lang)}": text for lang, text in texts.items() if text}


def _survey(q: Questionnaire) -> list[dict[str, str]]:
    return [row for item in q.items for row in _item_rows(item, q)]


def _item_rows(item: Item, q: Questionnaire) -> list[dict[str, str]]:
    if item.renamed_options:
        raise QuestionnaireError(
            f"item {item.id!r}: renamed_options cannot be written to an XLSForm; "
            "keep this questionnaire in TOML, or remove them once the answers use the new names"
        )
    row = {"type": _type(item), "name": item.id}
    row |= _translated("label", item.text, {k: t.text for k, t in item.translations.items()}, q)
    row |= _translated("hint", item.help, {k: t.help for k, t in item.translations.items()}, q)
    row |= {"required": "yes" if item.required else "", "relevant": _relevant(item, q)}
    row |= {"constraint": _constraint(item), "appearance": _appearance(item)}
    row |= {"consult_number": item.number or "", "consult_role": item.role.value if item.role else ""}
    if item.kind is not Kind.FIELDS:
        return [row]
    return [row, *(_field_row(item, index, q) for index in range(len(item.fields))), {"type": "end_group"}]


def _type(item: Item) -> str:
    return {Kind.CONSENT: f"select_one {item.id}", Kind.SINGLE: f"select_one {item.id}",
            Kind.MULTIPLE: f"select_multiple {item.id}", Kind.NOTE: "note", Kind.FIELDS: "begin_group",
            Kind.LONG: "text"}.get(item.kind, _TYPES[item.check])


def _appearance(item: Item) -> str:
    return {Kind.LONG: "multiline", Kind.FIELDS: "field-list"}.get(item.kind, "")


def _field_row(item: Item, index: int, q: Questionnaire) -> dict[str, str]:
    field = item.fields[index]
    others = {lang: t.fields.get(field.id) for lang, t in item.translations.items()}
    row = {"type": "text", "name": field.id} | _translated("label", field.label, others, q)
    row["required"] = "yes" if field.required else "no"
    if field.max_length != FIELD_LENGTH:
        row["constraint"] = f"string-length(.) <= {field.max_length}"
    if field.kind != "text":
        row["consult_kind"] = field.kind
    return row


def _relevant(item: Item, q: Questionnaire) -> str:
    if item.when is None:
        return ""
    target = q.item(item.when.item)
    names = choice_names(target)
    if target.kind is Kind.MULTIPLE:
        parts = [f"selected(${{{target.id}}}, '{names[value]}')" for value in item.when.any_of]
    else:
        parts = [f"${{{target.id}}} = '{names[value]}'" for value in item.when.any_of]
    return " or ".join(parts)


def _constraint(item: Item) -> str:
    bounds: list[str] = []
    if item.kind is Kind.MULTIPLE:
        if item.min_choices != 1:
            bounds.append(f"count-selected(.) >= {item.min_choices}")
        if item.max_choices is not None:
            bounds.append(f"count-selected(.) <= {item.max_choices}")
    elif item.check in ("integer", "decimal"):
        bounds += [f". {op} {_number(b)}" for op, b in ((">=", item.minimum), ("<=", item.maximum)) if b is not None]
    elif item.max_length is not None:
        bounds.append(f"string-length(.) <= {item.max_length}")
    return " and ".join(bounds)


def _number(value: float) -> str:
    return format(Decimal(str(value)), "f")


def choice_names(item: Item) -> dict[str, str]:
    """A name for each option (what XLSForm stores): 'Civil society' -> 'civil_society'; yes/no for consent."""
    if item.kind is Kind.CONSENT:
        return {"Yes": "yes", "No": "no"}
    names: dict[str, str] = {}
    for number, option in enumerate(item.options, start=1):
        ascii_text = unicodedata.normalize("NFKD", option).encode("ascii", "ignore").decode()
        name = _NOT_NAME.sub("_", ascii_text.lower()).strip("_")[:40]
        name = name if name[:1].isalpha() else f"option_{number}"
        names[option] = name if name not in names.values() else f"{name}_{number}"
    return names


def _choices(q: Questionnaire) -> list[dict[str, str]]:
    rows = []
    for item in q.items:
        if item.kind not in (Kind.CONSENT, Kind.SINGLE, Kind.MULTIPLE):
            continue
        for index, (option, name) in enumerate(choice_names(item).items()):
            others = {lang: t.options[index] for lang, t in item.translations.items() if t.options}
            rows.append({"list_name": item.id, "name": name} | _translated("label", option, others, q))
    return rows


def _settings(q: Questionnaire) -> dict[str, str]:
    row = {"form_title": q.title, "form_id": q.id, "default_language": languages.column(q.language)}
    for key in ("title", "introduction", "closing"):
        own = None if key == "title" else getattr(q, key)
        others = {lang: getattr(t, key) for lang, t in q.translations.items()}
        row |= _translated(f"consult_{key}", own, others, q)
    extra = q.model_dump(include=set(EXTRA_SETTINGS), exclude_defaults=True, mode="json")
    if extra:
        row["consult_settings"] = tomli_w.dumps(extra, multiline_strings=True)
    return row
