"""The survey sheet as pyxform reads it, item by item into our questionnaire data; what we cannot ask is refused."""

from __future__ import annotations

import re
from typing import Any, NoReturn

from questionnaire.xlsform import languages
from questionnaire.xlsform.conditions import Asked, Target, asked, both, limits
from questionnaire.xlsform.expressions import Unsupported, parse
from questionnaire.xlsform.places import Rows, XLSFormError

# pyxform's type (after its aliases: "select one from x" is "select one") -> our kind and typed check.
QUESTION_TYPES: dict[str, tuple[str, str | None]] = {
    "text": ("short", None),
    "string": ("short", None),  # pyxform's older name for text
    "integer": ("short", "integer"),
    "decimal": ("short", "decimal"),
    "date": ("short", "date"),
    "note": ("note", None),
    "select one": ("single", None),
    "select all that apply": ("multiple", None),
}
SUPPORTED = "text, integer, decimal, date, note, select_one, select_multiple, begin_group/end_group"
_NOT_ASKED = {
    "repeat": "consult does not repeat questions (repeat groups)",
    "loop": "consult does not repeat questions (loops)",
    "calculate": "consult does not calculate values",
    "image": "consult does not take pictures, sound or video",
    "audio": "consult does not take pictures, sound or video",
    "video": "consult does not take pictures, sound or video",
    **{meta: "ODK and Kobo record this about the device or the time; consult does not, so remove the row"
       for meta in ("start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid",
                    "audit", "email", "start-geopoint")},
}
# The columns consult reads (pyxform's keys); any other column of a question is refused, never dropped.
_KEYS = frozenset({"type", "name", "label", "hint", "bind", "control", "choices", "itemset", "list_name",
                   "parameters", "children", "consult_number", "consult_role", "consult_kind"})
_BIND_KEYS = frozenset({"required", "relevant", "constraint", "jr:constraintMsg"})
_APPEARANCES = {"text": "multiline", "group": "field-list"}
_YES, _NO = frozenset({"yes", "true", "true()"}), frozenset({"no", "false", "false()", ""})
_NOT_ID = re.compile(r"[^a-z0-9_]+")


class ItemReader:
    """Turns pyxform's survey elements into the items of our TOML, in order."""

    def __init__(self, form: dict[str, Any], rows: Rows, source: str, language: str) -> None:
        self.form, self.rows, self.source, self.language = form, rows, source, language
        self.items: list[dict[str, Any]] = []
        self.targets: dict[str, Target] = {}
        self.ids: set[str] = set()
        self.notes: list[str] = []  # what was read but is not kept, for the author to see

    def read(self) -> list[dict[str, Any]]:
        self._walk(self.form.get("children", []), [])
        return self.items

    def _walk(self, children: list[dict[str, Any]], conditions: list[Asked]) -> None:
        for child in children:
            if child.get("control", {}).get("bodyless"):
                continue  # pyxform's own "meta" group (the instance id), not a question
            if child["type"] not in (*QUESTION_TYPES, "group"):
                why = _NOT_ASKED.get(child["type"], "consult cannot ask this type")
                self.refuse(child, f"{why} (consult asks {SUPPORTED})")
            self._check_columns(child)
            if child["type"] == "group":
                self._group(child, conditions)
            else:
                self.items.append(self._question(child, conditions))

    def _group(self, group: dict[str, Any], conditions: list[Asked]) -> None:
        inner = conditions + self._relevant(group)
        if _is_fields(group):
            self.items.append(self._fields(group, inner))
            return
        if _appearance(group):
            self.notes.append(f"{self.rows.question(group)}: consult asks a section's questions one by one")
        if "label" in group:  # a section: its heading becomes a note, asked when the section is
            self.items.append(self._base(group, inner) | {"kind": "note"})
        self._walk(group.get("children", []), inner)

    def _question(self, element: dict[str, Any], conditions: list[Asked]) -> dict[str, Any]:
        kind, check = QUESTION_TYPES[element["type"]]
        item = self._base(element, conditions) | {"kind": kind}
        if check is not None:
            item["check"] = check
        if _appearance(element) == "multiline":
            item["kind"] = "long"
        if kind in ("single", "multiple"):
            self._options(element, item)
        if constraint := element.get("bind", {}).get("constraint"):
            item |= self._limits(element, constraint, check or ("multiple" if kind == "multiple" else "text"))
        return item

    def _base(self, element: dict[str, Any], conditions: list[Asked]) -> dict[str, Any]:
        """id, text, help, translations, when, required, number and role: what every item may have."""
        item: dict[str, Any] = {"id": self._new_id(element)}
        self._texts(element, item, {"label": "text", "hint": "help"})
        if "text" not in item:
            self.refuse(element, f"it has no label in {self.language}, the form's own language")
        own = conditions + self._relevant(element)
        if own:
            item["when"] = self._when(element, own)
        if self._required(element):
            item["required"] = True
        for column, key in (("consult_number", "number"), ("consult_role", "role")):
            if column in element:
                item[key] = str(element[column])
        return item

    def _fields(self, group: dict[str, Any], conditions: list[Asked]) -> dict[str, Any]:
        """A field-list group of text questions: our contact-details kind of item."""
        item = self._base(group, conditions) | {"kind": "fields", "fields": []}
        for child in group["children"]:
            self._check_columns(child)
            field: dict[str, Any] = {"id": self.safe_id(str(child["name"])), "required": self._required(child)}
            labels = self._by_language(child.get("label"), child, "label")
            field["label"] = labels.pop(self.language, None) or self.refuse(child, "the field has no label")
            for lang, label in labels.items():
                item.setdefault("translations", {}).setdefault(lang, {}).setdefault("fields", {})[field["id"]] = label
            if "consult_kind" in child:
                field["kind"] = str(child["consult_kind"])
            if constraint := child.get("bind", {}).get("constraint"):
                field |= self._limits(child, constraint, "text")
            item["fields"].append(field)
        return item

    def _options(self, element: dict[str, Any], item: dict[str, Any]) -> None:
        list_name = str(element.get("list_name", ""))
        choices = [self._choice(list_name, choice) for choice in element.get("choices", [])]
        names = [str(choice["name"]) for choice in element.get("choices", [])]
        if item.get("role") == "consent":
            item["kind"] = "consent"  # Yes and No: their other languages come from consult's catalogues
            if len(names) != 2:
                self.refuse(element, "a consent question has two choices: yes, then no")
            if any(set(labels) - {self.language} for labels in choices):
                self.notes.append(f"{self.rows.question(element)}: Yes and No in other languages come from consult")
            values = dict(zip(names, ("Yes", "No"), strict=True))
        else:
            item["options"] = [labels.pop(self.language) for labels in choices]
            values = dict(zip(names, item["options"], strict=True))
            for lang in dict.fromkeys(lang for labels in choices for lang in labels):
                if any(lang not in labels for labels in choices):
                    self.refuse(element, f"some choices of {list_name!r} have a label in {lang} and some not")
                translation = item.setdefault("translations", {}).setdefault(lang, {})
                translation["options"] = [labels[lang] for labels in choices]
        self.targets[str(element["name"])] = Target(item["id"], item["kind"] == "multiple", values)

    def _choice(self, list_name: str, choice: dict[str, Any]) -> dict[str, str]:
        place = self.rows.choice(list_name, str(choice.get("name", "")))
        if extra := sorted(set(choice) - {"name", "label"}):
            raise XLSFormError(f"{self.source}: {place}: consult cannot use the column(s) {', '.join(extra)}")
        labels = self._by_language(choice.get("label"), choice, "label", place)
        if self.language not in labels:
            raise XLSFormError(f"{self.source}: {place}: the choice has no label in {self.language}")
        return labels

    def _texts(self, element: dict[str, Any], item: dict[str, Any], keys: dict[str, str]) -> None:
        for column, key in keys.items():
            if column not in element:
                continue
            texts = self._by_language(element[column], element, column)
            if self.language in texts:
                item[key] = texts.pop(self.language)
            for lang, text in texts.items():
                item.setdefault("translations", {}).setdefault(lang, {})[key] = text

    def by_language(self, value: Any, where: str) -> dict[str, str]:
        """Texts per language code from pyxform's value: a plain text, or {'French (fr)': ...}."""
        try:
            return _by_language(value, self.language)
        except (languages.UnknownLanguage, ValueError) as exc:
            raise XLSFormError(f"{self.source}: settings sheet: {where}: {exc}") from None

    def _by_language(self, value: Any, element: dict[str, Any], column: str, place: str = "") -> dict[str, str]:
        try:
            return _by_language(value, self.language)
        except (languages.UnknownLanguage, ValueError) as exc:
            where = place or self.rows.question(element)
            raise XLSFormError(f"{self.source}: {where}: {column}: {exc}") from None

    def _relevant(self, element: dict[str, Any]) -> list[Asked]:
        expression = element.get("bind", {}).get("relevant")
        if not expression:
            return []
        try:
            return [asked(parse(str(expression)), self.targets)]
        except Unsupported as exc:
            self.refuse(element, f"relevant {expression!r}: {exc}")

    def _when(self, element: dict[str, Any], conditions: list[Asked]) -> dict[str, Any]:
        try:
            condition = both(conditions)
        except Unsupported as exc:
            self.refuse(element, f"relevant, with the relevant of its group: {exc}")
        return {"item": condition.item, "any_of": list(condition.values)}

    def _limits(self, element: dict[str, Any], constraint: Any, kind: str) -> dict[str, int | float]:
        try:
            if kind == "date":
                raise Unsupported("consult checks that a date is a date, with no earliest or latest date")
            return limits(parse(str(constraint)), kind)
        except Unsupported as exc:
            self.refuse(element, f"constraint {constraint!r}: {exc}")

    def _required(self, element: dict[str, Any]) -> bool:
        written = str(element.get("bind", {}).get("required", "")).strip()
        if written.lower() not in _YES | _NO:
            self.refuse(element, f"required {written!r}: consult reads only yes or no here")
        return written.lower() in _YES

    def _check_columns(self, element: dict[str, Any]) -> None:
        if "jr:constraintMsg" in element.get("bind", {}):
            self.notes.append(f"{self.rows.question(element)}: constraint_message is not kept; consult says the "
                              "limits itself, in the respondent's language")
        # KoboToolbox's bookkeeping columns ($kuid, $autoname...) say nothing about the question.
        extra = sorted(k for k in set(element) - _KEYS if not k.startswith("$"))
        extra += sorted(f"bind {k}" for k in set(element.get("bind", {})) - _BIND_KEYS)
        if element.get("parameters"):
            extra.append("parameters")
        if "media" in element:
            extra.append("media")
        appearance = _appearance(element)
        if appearance and appearance != _APPEARANCES.get(element["type"]):
            extra.append(f"appearance {appearance!r}")
        if extra:
            self.refuse(element, f"consult cannot use {', '.join(extra)}")

    def refuse(self, element: dict[str, Any], why: str) -> NoReturn:
        raise XLSFormError(f"{self.source}: {self.rows.question(element)}: {why}")

    def _new_id(self, element: dict[str, Any]) -> str:
        base = candidate = self.safe_id(str(element["name"]))
        n = 1
        while candidate in self.ids:
            n += 1
            candidate = f"{base[:28]}_{n}"
        self.ids.add(candidate)
        return candidate

    @staticmethod
    def safe_id(name: str) -> str:
        """An XLSForm name as our id: 'numberAsString' -> 'numberasstring', '_1' -> 'q_1'."""
        text = _NOT_ID.sub("_", name.lower()).strip("_") or "item"
        return (text if text[0].isalpha() else f"q_{text}")[:32]


def _by_language(value: Any, own: str) -> dict[str, str]:
    if value is None:
        return {}
    pairs = value.items() if isinstance(value, dict) else [(languages.DEFAULT, value)]
    texts: dict[str, str] = {}
    for key, text in pairs:
        code = own if key == languages.DEFAULT else languages.code_of(str(key))
        if code in texts:
            raise ValueError(f"two columns give the text in {code}")
        texts[code] = str(text)
    return texts


def _appearance(element: dict[str, Any]) -> str:
    return str(element.get("control", {}).get("appearance", ""))


def _is_fields(group: dict[str, Any]) -> bool:
    children = group.get("children", [])
    plain = all(c.get("type") == "text" and not {"hint", "children"} & set(c) and "relevant" not in c.get("bind", {})
                and not _appearance(c) for c in children)
    return _appearance(group) == "field-list" and bool(children) and plain
