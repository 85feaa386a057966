"""The questionnaire as data: pydantic models that validate a secretariat's file."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, model_validator

from questionnaire import translations as tr
from questionnaire.reminders import ReminderRule, check_against_dates
from questionnaire.translations import (
    LANGUAGES,
    ItemTexts,
    ItemTranslation,
    QuestionnaireTexts,
    QuestionnaireTranslation,
)

__all__ = ["LANGUAGES", "ItemTexts", "QuestionnaireTexts"]

# Words a respondent types to steer the conversation; an option with one of these labels
# could never be chosen by typing it, so the loader refuses such a questionnaire.
COMMAND_WORDS = frozenset(
    {"start", "back", "skip", "keep", "add", "done", "review", "edit", "submit", "status",
     "help", "restart", "withdraw", "cancel"}
)
ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"

# Text people read: surrounding spaces dropped, and never empty ("   " is no question).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

DEFAULT_MAX_SHORT = 300
DEFAULT_MAX_LONG = 100_000


class Kind(StrEnum):
    """What sort of answer an item expects."""

    CONSENT = "consent"
    SINGLE = "single"
    MULTIPLE = "multiple"
    SHORT = "short"
    LONG = "long"
    FIELDS = "fields"
    NOTE = "note"


class Role(StrEnum):
    """What an item means to the secretariat: used by progress and the exports."""

    CONSENT = "consent"
    CONTACT = "contact"
    CATEGORY = "category"
    SUBCATEGORY = "subcategory"


# What each role needs: a category is counted by its options, so it cannot be typed text (which
# would then stand, unshielded by consent, in group headings and columns).
ROLE_KINDS: dict[Role, tuple[Kind, ...]] = {
    Role.CONSENT: (Kind.CONSENT,),
    Role.CONTACT: (Kind.FIELDS, Kind.SHORT),
    Role.CATEGORY: (Kind.SINGLE, Kind.MULTIPLE),
    Role.SUBCATEGORY: (Kind.SINGLE, Kind.MULTIPLE),
}

CONSENT_OPTIONS = ("Yes", "No")


class ConsentRule(StrEnum):
    """What public files show of a respondent who did not authorise citation."""

    AGGREGATE = "aggregate"  # counted in figures and charts only: none of their answer texts
    ANONYMOUS = "anonymous"  # their answers, under a number: "Respondent 12 (Civil society)"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """Ask an item only when an earlier single, multiple or consent answer is one of `any_of`."""

    item: str = Field(pattern=ID_PATTERN)
    any_of: tuple[Text, ...] = Field(min_length=1)


class ContactField(_Strict):
    """One short field of a contact-details group."""

    id: str = Field(pattern=ID_PATTERN)
    label: Text
    kind: Literal["text", "email"] = "text"
    required: bool = True
    max_length: int = Field(default=200, gt=0)


class Item(_Strict):
    """One step of the questionnaire."""

    id: str = Field(pattern=ID_PATTERN)
    kind: Kind
    text: Text
    number: Text | None = None
    help: Text | None = None
    required: bool = False
    when: Condition | None = None
    max_length: int | None = Field(default=None, gt=0)
    options: tuple[Text, ...] = ()
    # Old option name -> its new name: answers given under the old name count under the new one.
    renamed_options: dict[Text, Text] = Field(default_factory=dict)
    min_choices: int = Field(default=1, ge=0)
    max_choices: int | None = Field(default=None, ge=1)
    fields: tuple[ContactField, ...] = ()
    role: Role | None = None
    # [items.translations.fr]: this item's texts in other languages (questionnaire/translations.py).
    translations: dict[str, ItemTranslation] = Field(default_factory=dict)
    # The file's own language, set by the questionnaire that holds this item (to tell a fallback apart).
    _language: str = PrivateAttr(default=LANGUAGES[0])

    @model_validator(mode="after")
    def _kind_matches_its_settings(self) -> Self:
        if self.kind is Kind.CONSENT and self.options and self.options != CONSENT_OPTIONS:
            raise ValueError("a consent item has the fixed options Yes and No; leave options out")
        if self.kind in (Kind.SINGLE, Kind.MULTIPLE):
            _check_options(self.options)
            _check_renames(self.renamed_options, self.options)
        elif self.renamed_options:
            raise ValueError(f"a {self.kind} item has no options to rename")
        elif self.options and self.kind is not Kind.CONSENT:
            raise ValueError(f"a {self.kind} item has no options")
        if self.kind is Kind.MULTIPLE:
            top = self.max_choices or len(self.options)
            if not self.min_choices <= top <= len(self.options):
                raise ValueError("need min_choices <= max_choices <= the number of options")
        if self.kind is Kind.FIELDS:
            if not self.fields:
                raise ValueError("a fields item needs at least one field")
            _check_unique([f.id for f in self.fields], "field id")
        elif self.fields:
            raise ValueError(f"a {self.kind} item has no fields")
        if self.kind is Kind.NOTE and self.required:
            raise ValueError("a note needs no answer, so it cannot be required")
        if self.role is not None and self.kind not in ROLE_KINDS[self.role]:
            kinds = " or ".join(ROLE_KINDS[self.role])
            raise ValueError(f"an item with role = {self.role.value!r} must be of kind {kinds}, not {self.kind}")
        _check_translations(self)
        return self

    def texts(self, lang: str | None) -> ItemTexts:
        """This item's texts in `lang` (None: the file's own language), falling back text by text."""
        own = ItemTexts(self.text, self.help, self.choices, {f.id: f.label for f in self.fields})
        if lang is None or lang == self._language:
            return own
        t = self.translations.get(lang, ItemTranslation())
        return ItemTexts(
            t.text or own.text,
            t.help or own.help,
            t.options or own.labels,
            {**own.field_labels, **t.fields},
            translated=not self.missing_in(lang),
        )

    def option_names(self) -> tuple[tuple[int, str], ...]:
        """Every name of every option, in every language of the file: (index in choices, name)."""
        names = list(enumerate(self.choices))
        for t in self.translations.values():
            names += list(enumerate(t.options or ()))
        return tuple(names)

    def missing_in(self, lang: str) -> list[str]:
        """What of this item has no text in `lang`: 'q1 text', 'q1 options', 'contact field name'..."""
        t = self.translations.get(lang, ItemTranslation())
        missing = [] if t.text else [f"{self.id} text"]
        if self.help and not t.help:
            missing.append(f"{self.id} help")
        if self.options and t.options is None:
            missing.append(f"{self.id} options")
        missing += [f"{self.id} field {f.id}" for f in self.fields if f.id not in t.fields]
        return missing

    @property
    def choices(self) -> tuple[str, ...]:
        """The options a respondent picks from (Yes/No for consent)."""
        return CONSENT_OPTIONS if self.kind is Kind.CONSENT else self.options

    @property
    def limit(self) -> int:
        """The most characters an answer may have."""
        if self.max_length is not None:
            return self.max_length
        return DEFAULT_MAX_LONG if self.kind is Kind.LONG else DEFAULT_MAX_SHORT

    @property
    def answerable(self) -> bool:
        return self.kind is not Kind.NOTE


def _check_translations(item: Item) -> None:
    tr.check_codes(list(item.translations))
    field_ids = {f.id for f in item.fields}
    for lang, t in item.translations.items():
        if t.options is not None and item.kind not in (Kind.SINGLE, Kind.MULTIPLE):
            why = (f"a {item.kind} item has no options" if item.kind is not Kind.CONSENT
                   else "a consent item's Yes and No come from consult's own translations; leave options out")
            raise ValueError(f"translations.{lang}.options: {why}")
        if t.help is not None and item.help is None:
            raise ValueError(f"translations.{lang}.help: the item has no help in its own language")
        for name in t.fields:
            if name not in field_ids:
                raise ValueError(f"translations.{lang}.fields: {name!r} is not a field of this item")
    labels = {lang: t.options for lang, t in item.translations.items() if t.options is not None}
    tr.check_labels(item.options, labels, COMMAND_WORDS)


def _check_options(options: tuple[str, ...]) -> None:
    if len(options) < 2:
        raise ValueError("a choice item needs at least two options")
    _check_unique([o.casefold() for o in options], "option")
    for option in options:
        if not option.strip():
            raise ValueError("an option cannot be empty")
        if option.casefold() in COMMAND_WORDS or option.strip().isdigit():
            raise ValueError(f"option {option!r} would read as a command or a number")


def _check_renames(renamed: dict[str, str], options: tuple[str, ...]) -> None:
    current = {option.casefold() for option in options}
    for old, new in renamed.items():
        if new not in options:
            raise ValueError(f"renamed_options: {new!r} (the new name of {old!r}) is not one of the options")
        if old.casefold() in current:
            raise ValueError(f"renamed_options: {old!r} is still an option, so it cannot be an old name")


def _check_unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


class OmittedQuestion(_Strict):
    """A question of the original that this file leaves out: the compilation names it, with the note."""

    number: Text
    note: Text


class Questionnaire(_Strict):
    """A whole questionnaire: title, introduction, dates and items."""

    id: str = Field(pattern=ID_PATTERN)
    # The language the file's own texts are written in; [translations.xx] give the others.
    language: str = LANGUAGES[0]
    title: Text
    introduction: Text
    closing: Text = "Thank you. Your answers have been received."
    opens: datetime | None = None
    closes: datetime | None = None
    # The strict reading of "only used in aggregate form, unless otherwise authorised" by default.
    consent_rule: ConsentRule = ConsentRule.AGGREGATE
    items: tuple[Item, ...] = Field(min_length=1)
    omitted: tuple[OmittedQuestion, ...] = ()
    # [[reminders]]: sent by the running bot to those who have not submitted (core/reminders).
    reminders: tuple[ReminderRule, ...] = ()
    max_reminders: int = Field(default=3, ge=1)
    # Local hours [from, to) in which a reminder may arrive (UTC where a platform does not say the zone).
    reminder_hours: tuple[int, int] = (8, 20)
    translations: dict[str, QuestionnaireTranslation] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _items_fit_together(self) -> Self:
        _check_languages(self)
        _check_unique([item.id for item in self.items], "item id")
        earlier: dict[str, Item] = {}
        for item in self.items:
            if item.when is not None:
                _check_condition(item, earlier)
            earlier[item.id] = item
        if not any(item.answerable for item in self.items):
            raise ValueError("the questionnaire has no item to answer")
        for d in (self.opens, self.closes):
            if d is not None and d.tzinfo is None:
                raise ValueError("opens and closes need a time zone, e.g. 2013-08-31T23:59:00Z")
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValueError("opens must come before closes")
        if not 0 <= self.reminder_hours[0] < self.reminder_hours[1] <= 24:
            raise ValueError("reminder_hours: two hours from 0 to 24, the first before the second, e.g. [8, 20]")
        if problems := check_against_dates(self.reminders, self.opens, self.closes):
            raise ValueError("; ".join(problems))
        _check_omitted(self)
        return self

    def item(self, item_id: str) -> Item:
        return self._by_id[item_id]

    def has(self, item_id: str) -> bool:
        return item_id in self._by_id

    @cached_property
    def _by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def with_role(self, role: Role) -> list[Item]:
        return [item for item in self.items if item.role is role]

    def texts(self, lang: str | None) -> QuestionnaireTexts:
        """Title, introduction and closing in `lang` (None: the file's own language), falling back each."""
        if lang is None or lang == self.language:
            return QuestionnaireTexts(self.title, self.introduction, self.closing)
        t = self.translations.get(lang, QuestionnaireTranslation())
        translated = None not in (t.title, t.introduction, t.closing)
        return QuestionnaireTexts(
            t.title or self.title, t.introduction or self.introduction, t.closing or self.closing, translated
        )

    @property
    def languages(self) -> tuple[str, ...]:
        """The file's own language first, then (in LANGUAGES order) each that has any translation."""
        given = set(self.translations).union(*(item.translations for item in self.items))
        return (self.language, *(lang for lang in LANGUAGES if lang in given and lang != self.language))

    def missing_translations(self) -> dict[str, list[str]]:
        """For each translated language, the texts it lacks: ['title', 'q1 options', ...] (empty: complete)."""
        return {lang: self._missing_in(lang) for lang in self.languages[1:]}

    def _missing_in(self, lang: str) -> list[str]:
        t = self.translations.get(lang, QuestionnaireTranslation())
        missing = [name for name in ("title", "introduction", "closing") if getattr(t, name) is None]
        return missing + [m for item in self.items for m in item.missing_in(lang)]


def _check_languages(q: Questionnaire) -> None:
    if q.language not in LANGUAGES:
        raise ValueError(f"language: {q.language!r} is not a language consult knows; use one of {', '.join(LANGUAGES)}")
    tr.check_codes(list(q.translations))
    tr.check_default(q.language, list(q.translations), "translations")
    for item in q.items:
        tr.check_default(q.language, list(item.translations), f"item {item.id!r}")
        item._language = q.language


def _check_condition(item: Item, earlier: dict[str, Item]) -> None:
    assert item.when is not None
    target = earlier.get(item.when.item)
    if target is None:
        raise ValueError(
            f"item {item.id!r}: its condition names {item.when.item!r}, "
            "which is not an earlier item"
        )
    if target.kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.CONSENT):
        raise ValueError(f"item {item.id!r}: a condition can only name a choice or consent item")
    unknown = [v for v in item.when.any_of if v not in target.choices]
    if unknown:
        renamed = [f"{v!r} is now {target.renamed_options[v]!r}" for v in unknown if v in target.renamed_options]
        hint = f" ({'; '.join(renamed)}: write the new name)" if renamed else ""
        raise ValueError(f"item {item.id!r}: {unknown} are not options of {target.id!r}{hint}")


def _check_omitted(q: Questionnaire) -> None:
    _check_unique([o.number for o in q.omitted], "omitted question")
    numbered = {item.number: item.id for item in q.items if item.number}
    for number in (o.number for o in q.omitted if o.number in numbered):
        raise ValueError(f"omitted question {number} is also the number of item {numbered[number]!r}")
