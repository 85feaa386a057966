"""Read an XLSForm with pyxform's own reader, and say where in the workbook anything cannot be used."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from pyxform.errors import PyXFormError
from pyxform.parsing.sheet_headers import clean_text_values
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from questionnaire import loader
from questionnaire.model import Questionnaire
from questionnaire.xlsform import languages
from questionnaire.xlsform.items import ItemReader
from questionnaire.xlsform.places import Rows, XLSFormError

# Questionnaire settings the `consult_settings` cell may hold (TOML): what XLSForm has no column for.
EXTRA_SETTINGS = frozenset(
    {"consent_rule", "opens", "closes", "omitted", "reminders", "max_reminders", "reminder_hours"}
)
# pyxform's keys for the settings consult reads (and the ones pyxform adds itself).
_READ_SETTINGS = {"type", "name", "title", "id_string", "sms_keyword", "default_language", "children", "choices",
                  "consult_title", "consult_introduction", "consult_closing", "consult_settings"}


def read(path: Path) -> Questionnaire:
    """The questionnaire an XLSForm workbook (.xlsx, .xls) describes; XLSFormError if it cannot be one."""
    return read_with_notes(path)[0]


def read_with_notes(path: Path) -> tuple[Questionnaire, list[str]]:
    """The questionnaire, and what the workbook says that it does not keep (ODK server settings...)."""
    source = str(path)
    if not path.is_file():
        raise XLSFormError(f"{source}: no such file")
    try:
        book = get_xlsform(str(path))
        form = _as_typed(workbook_to_json(book, fallback_form_name=book.fallback_form_name, warnings=[]), book, path)
    except PyXFormError as exc:
        raise XLSFormError(f"{source}: pyxform cannot read this form: {exc}") from None
    try:
        language = file_language(form)
    except languages.UnknownLanguage as exc:
        raise XLSFormError(f"{source}: settings sheet: default_language: {exc}") from None
    reader = ItemReader(form, Rows.of(book), source, language)
    items = reader.read()
    q = loader.validate({**settings(form, reader), "items": items}, source)
    if unused := sorted(set(form) - _READ_SETTINGS):
        reader.notes.append(f"settings sheet: {', '.join(unused)}: settings of ODK servers, not used by consult")
    return q, reader.notes


def _as_typed(form: Any, book: DefinitionData, path: Path) -> Any:
    """The form with its texts as typed in the workbook.

    pyxform turns typographic quotes into straight ones, no-break spaces (French typography) into plain
    ones, and collapses runs of spaces: what ODK shows. consult shows the text as the secretariat wrote it,
    so each cleaned text is mapped back to the cell it came from (read again with openpyxl where it can:
    pyxform's own reading has already replaced the no-break spaces).
    """
    typed: dict[str, str] = {}
    for cell in _cells(book, path):
        plain = cell.replace("\xa0", " ").strip()
        for key in (clean_text_values(plain, strip_whitespace=True), clean_text_values(plain), plain):
            typed.setdefault(key, cell.strip())
    return _mapped(form, typed)


def _cells(book: DefinitionData, path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                for row in sheet.iter_rows(values_only=True):
                    yield from (cell for cell in row if isinstance(cell, str))
        finally:
            workbook.close()
        return
    for rows in (book.survey, book.choices, book.settings):
        for row in rows or ():
            yield from (cell for cell in row.values() if isinstance(cell, str))


def _mapped(value: Any, typed: dict[str, str]) -> Any:
    if isinstance(value, str):
        return typed.get(value, value)
    if isinstance(value, dict):
        return {key: _mapped(inner, typed) for key, inner in value.items()}
    if isinstance(value, list):
        return [_mapped(inner, typed) for inner in value]
    return value


def settings(form: dict[str, Any], reader: ItemReader) -> dict[str, Any]:
    """The questionnaire's own settings: from the settings sheet's form_title, form_id and consult_* columns."""
    title = reader.by_language(form["title"], "settings sheet: form_title")
    introduction = reader.by_language(form.get("consult_introduction", form["title"]), "consult_introduction")
    data: dict[str, Any] = {"id": reader.safe_id(str(form["id_string"])), "language": reader.language}
    texts = {"title": title, "introduction": introduction}
    texts["title"].update(reader.by_language(form.get("consult_title", {}), "consult_title"))
    if "consult_closing" in form:
        texts["closing"] = reader.by_language(form["consult_closing"], "consult_closing")
    translations: dict[str, dict[str, str]] = {}
    for key, by_language in texts.items():
        data[key] = by_language.pop(reader.language, None)
        for lang, text in by_language.items():
            translations.setdefault(lang, {})[key] = text
    if translations:
        data["translations"] = translations
    return data | _extra_settings(form, reader.source)


def _extra_settings(form: dict[str, Any], source: str) -> dict[str, Any]:
    try:
        extra = tomllib.loads(str(form.get("consult_settings", "")))
    except tomllib.TOMLDecodeError as exc:
        raise XLSFormError(f"{source}: settings sheet: consult_settings is not valid TOML: {exc}") from None
    if unknown := sorted(set(extra) - EXTRA_SETTINGS):
        raise XLSFormError(
            f"{source}: settings sheet: consult_settings cannot set {', '.join(unknown)}; "
            f"it holds only {', '.join(sorted(EXTRA_SETTINGS))}"
        )
    return extra


def file_language(form: dict[str, Any]) -> str:
    """The form's own language: default_language if set; else English for plain 'label' columns; else the first."""
    declared = str(form.get("default_language") or languages.DEFAULT)
    if declared != languages.DEFAULT:
        return languages.code_of(declared)
    named = list(dict.fromkeys(_language_keys(form)))
    if languages.DEFAULT in named or not named:
        return "en"
    return languages.code_of(named[0])


def _language_keys(element: dict[str, Any]) -> Iterator[str]:
    for key in ("label", "hint"):
        value = element.get(key)
        if isinstance(value, dict):
            yield from value
        elif value is not None:
            yield languages.DEFAULT
    for child in element.get("children", ()):
        if not child.get("control", {}).get("bodyless"):
            yield from _language_keys(child)
    for choice in element.get("choices", ()) if isinstance(element.get("choices"), list) else ():
        yield from _language_keys(choice)
