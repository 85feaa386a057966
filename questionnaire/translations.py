"""A questionnaire's texts in other languages: the tables a file may give, and what a reader sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# The six UN languages, the default first. The same tuple as core.i18n.LANGUAGES (the chat's catalogues):
# it is repeated here because questionnaire/ must not import core/ (dependencies point core -> questionnaire).
LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionnaireTranslation(_Strict):
    """[translations.fr] of a questionnaire: any of its title, introduction and closing."""

    title: Text | None = None
    introduction: Text | None = None
    closing: Text | None = None


class ItemTranslation(_Strict):
    """[items.translations.fr]: an item's text, help, options (same count and order) and field labels."""

    text: Text | None = None
    help: Text | None = None
    options: tuple[Text, ...] | None = None
    fields: dict[str, Text] = {}


@dataclass(frozen=True)
class ItemTexts:
    """What a respondent reads of one item in one language; `translated` is False if anything fell back."""

    text: str
    help: str | None
    labels: tuple[str, ...]  # aligned with item.choices; the stored value stays item.choices[i]
    field_labels: dict[str, str] = field(default_factory=dict)
    translated: bool = True


@dataclass(frozen=True)
class QuestionnaireTexts:
    """The title, introduction and closing in one language; `translated` is False if any fell back."""

    title: str
    introduction: str
    closing: str
    translated: bool = True


def check_codes(codes: list[str]) -> None:
    """Refuse a translation table under a code that is not one of the six languages."""
    for code in codes:
        if code not in LANGUAGES:
            raise ValueError(f"{code!r} is not a language consult knows; use one of {', '.join(LANGUAGES)}")


def check_default(language: str, codes: list[str], where: str) -> None:
    """A translation into the file's own language would hide its texts; say where to write them instead."""
    if language in codes:
        raise ValueError(
            f"{where}: translations.{language} repeats the file's own language ({language!r}); "
            "write those texts in the item itself"
        )


def check_labels(default: tuple[str, ...], translations: dict[str, tuple[str, ...]], reserved: frozenset[str]) -> None:
    """Each language's labels: one per option, and no name that means two options across languages."""
    meaning: dict[str, int] = {label.casefold(): i for i, label in enumerate(default)}
    for lang, labels in translations.items():
        if len(labels) != len(default):
            raise ValueError(
                f"translations.{lang}.options has {len(labels)} option(s) but the item has {len(default)}: "
                "give one translation per option, in the same order"
            )
        for i, label in enumerate(labels):
            if label.strip().isdigit() or label.casefold() in reserved:
                raise ValueError(f"translations.{lang}.options: {label!r} would read as a command or a number")
            if meaning.setdefault(label.casefold(), i) != i:
                raise ValueError(f"translations.{lang}.options: {label!r} would name two different options")
