"""The export's options, checked before anything is read or written (light: no writer imports)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from core.export import manifest
from core.export.records import Audience, Scope

FORMATS = ("xlsx", "csv", "json", "docx", "md", "png")
# Parts chosen by name only, never by default (finding themes takes a while): `--format md,docx,xlsx,themes`.
# The themes part writes themes.md and themes.docx, and a Themes sheet in responses.xlsx when it is written.
PARTS = ("themes",)

Choice = TypeVar("Choice", Audience, Scope)


class ExportError(ValueError):
    """An export that cannot run as asked; nothing was written."""


def parse_formats(text: str | None, parts: tuple[str, ...] = ()) -> tuple[str, ...]:
    """'xlsx,csv' -> ('xlsx', 'csv'); None or empty -> every format (not the parts)."""
    if not text:
        return FORMATS
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS + parts]
    if unknown or not chosen:
        named = ", ".join(repr(f) for f in unknown) or repr(text)
        raise ExportError(f"unknown format {named}; choose from {', '.join(FORMATS + parts)}")
    return chosen


def parse_choice(kind: type[Choice], text: str, what: str) -> Choice:
    """An audience or status choice, or a clear error."""
    try:
        return kind(text.strip().lower())
    except ValueError:
        raise ExportError(f"unknown {what} {text!r}; choose {' or '.join(v.value for v in kind)}") from None


def check_folder(out: Path, force: bool) -> list[Path]:
    """Refuse a file, an unwritable place, or a folder with files in it (unless force).

    With force, the folder may only hold what the last export wrote: those files are returned, to
    be replaced; anything else is refused, and nothing is removed.
    """
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is a file, not a folder; give a folder for the export")
    if out.is_dir():
        manifest.clear_leftovers(out)  # an export killed half-way: its files were never moved in
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ExportError(f"{out} already holds files; choose an empty folder, or add --force to replace them")
    parent = out if out.is_dir() else _existing_parent(out)
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write to {out}: {parent} is not a writable folder")
    if not out.is_dir():
        return []
    try:
        return manifest.earlier_files(out)
    except manifest.ManifestError as error:
        raise ExportError(str(error)) from None


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path.cwd()
