"""Read a questionnaire file and explain, in plain words, anything wrong with it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from questionnaire.model import Questionnaire

BUNDLED = "wgec2013.toml"


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; the message says where and why."""


def bundled_path() -> Path:
    """The path of the bundled default questionnaire (WGEC 2013)."""
    return Path(__file__).with_name(BUNDLED)


def load(path: Path | str | None = None) -> Questionnaire:
    """Load and validate a questionnaire file (the bundled WGEC 2013 one by default)."""
    path = Path(path) if path is not None else bundled_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionnaireError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionnaireError(f"{path}: cannot be read ({exc})") from None
    return parse(raw, str(path))


def parse(text: str, source: str = "questionnaire") -> Questionnaire:
    """Validate questionnaire text in TOML."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message already ends with "(at line N, column M)".
        raise QuestionnaireError(f"{source}: invalid TOML: {exc}") from None
    return validate(data, source)


def validate(data: dict[str, Any], source: str = "questionnaire") -> Questionnaire:
    """Validate questionnaire data (read from TOML or an XLSForm), saying where anything is wrong."""
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        item_errors = any(len(e["loc"]) > 1 and e["loc"][0] == "items" for e in errors)
        # "items: should have at least 1 item" only echoes the broken item already reported.
        relevant = [e for e in errors if not (item_errors and tuple(e["loc"]) == ("items",))]
        problems = [_describe(error, data) for error in relevant]
        raise QuestionnaireError(f"{source}: " + "; ".join(problems)) from None


def _describe(error: Any, data: dict[str, Any]) -> str:
    where = _where(tuple(error["loc"]), data)
    if error["type"] == "missing":
        return f"{where} is missing"
    if error["type"] == "extra_forbidden":
        return f"{where} is not a known setting"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "enum":
        message = f"{error['input']!r} is not allowed. {message}"
    return f"{where}: {message}" if where else message


def _where(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """A readable place: 'item 3 ('q2'): kind' rather than 'items.2.kind'."""
    if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
        items = data.get("items") or []
        item_id = items[loc[1]].get("id") if loc[1] < len(items) and isinstance(items[loc[1]], dict) else None
        label = f"item {loc[1] + 1}" + (f" ({item_id!r})" if item_id else "")
        rest = ".".join(str(part) for part in loc[2:])
        return f"{label}: {rest}" if rest else label
    return ".".join(str(part) for part in loc)
