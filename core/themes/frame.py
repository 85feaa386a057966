"""The editable themes file (TOML): written by `consult themes`, changed by the secretariat, read back.

Each question's themes are listed with their name, description and a few example response ids. The
file remembers a fingerprint of each question's themes as written: when they read back the same, the
themes are still machine-suggested; when the secretariat renamed, merged, split or dropped any, they
are "edited". A theme named twice is one theme (a merge): its descriptions and examples are joined.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

import tomli_w

from core.themes import tables
from core.themes.model import Frame, GivenTheme, Report, Source, Theme, ThemesError

MADE_BY = "consult themes"
HELP = """\
# The themes consult suggested, for you to edit; then run `consult themes --themes THIS_FILE`.
# Every answer is then sorted again into the themes below (or "not placed" when it fits none).
#   rename: change a name or a description.
#   merge: give two themes the same name (their examples are joined), or delete one.
#   split: copy a [[question.theme]] block, name each part, and give each part its own examples.
#   drop: delete the block of a theme.
# Examples are response ids, or a few words of an example answer in quotes.
# Leave "fingerprint" and "themes_from" as they are: they tell consult whether you changed the themes.
"""


def write(report: Report, path: Path) -> Path:
    """The themes of every question, as an editable file."""
    document = {"made_by": MADE_BY, "question": [
        {"id": q.question, "text": q.text, "themes_from": q.source.value, "fingerprint": fingerprint(_given(q.themes)),
         "theme": [g.model_dump() for g in _given(q.themes)]}
        for q in report.questions
    ]}
    path.write_text(HELP + "\n" + tomli_w.dumps(document, multiline_strings=False), encoding="utf-8")
    return path


def read(path: Path) -> dict[str, Frame]:
    """The themes to sort answers into, per question ("*": every question), with where they came from."""
    if path.suffix.lower() != ".toml":
        frame = tables.themes(path)
        return {q: Frame(source=Source.GIVEN, themes={q: merged(t)}) for q, t in frame.items()}
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThemesError(f"{path}: not a readable themes file ({error})") from None
    entries = document.get("question", [])
    if not isinstance(entries, list) or not entries:
        raise ThemesError(f"{path}: no [[question]] in the file; write it with consult themes --out")
    return dict(_question(path, entry) for entry in entries)


def _question(path: Path, entry: object) -> tuple[str, Frame]:
    if not isinstance(entry, dict) or not str(entry.get("id", "")).strip():
        raise ThemesError(f"{path}: each [[question]] needs an id")
    try:
        given = [GivenTheme(**t) for t in entry.get("theme", [])]
    except (TypeError, ValueError) as error:
        raise ThemesError(f"{path}: question {entry['id']}: a theme is not readable ({error})") from None
    themes = merged(given)
    return str(entry["id"]), Frame(source=_source(entry, themes), themes={str(entry["id"]): themes})


def _source(entry: dict[str, object], themes: list[GivenTheme]) -> Source:
    """As written when unchanged; changed suggestions are "edited"; a file without fingerprint is "given"."""
    written, was = entry.get("fingerprint"), entry.get("themes_from", Source.SUGGESTED.value)
    before = Source(was) if was in {s.value for s in Source} else Source.SUGGESTED
    if written is None:
        return Source.GIVEN
    if written == fingerprint(themes):
        return before
    return Source.GIVEN if before is Source.GIVEN else Source.EDITED


def merged(themes: list[GivenTheme]) -> list[GivenTheme]:
    """Themes of the same name joined into one, in the order they first appear."""
    by_name: dict[str, GivenTheme] = {}
    for theme in themes:
        key = " ".join(theme.name.split()).casefold()
        if key in by_name:
            old = by_name[key]
            theme = GivenTheme(name=old.name, description=" ".join(filter(None, (old.description, theme.description))),
                               examples=list(dict.fromkeys(old.examples + theme.examples)))
        by_name[key] = theme
    return list(by_name.values())


def fingerprint(themes: list[GivenTheme]) -> str:
    text = json.dumps([t.model_dump() for t in themes], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _given(themes: list[Theme]) -> list[GivenTheme]:
    return [GivenTheme(name=t.label, description=t.description, examples=t.examples) for t in themes]
