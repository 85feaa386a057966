"""Extract every message to consult.pot, update each language's .po (keeping translations), compile the .mo.

Run `python -m core.i18n.build` after changing a message in the code, and after a translator edits a .po.
"""

from __future__ import annotations

import argparse
import copy
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from core.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path(__file__).parent / f"{DOMAIN}.pot"
# Where people read what the code says: the core (respondents and the secretariat's chat) and the chat apps.
SOURCES = ("core", "bots")
# Babel's default keywords (gettext, ngettext, pgettext, N_ ...) match `t.gettext(...)` calls too.
METHOD_MAP = [("**.py", "python")]
COMMENT_TAGS = ["Translators:"]
# Stable headers, so that building twice changes nothing in git.
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def extract() -> Catalog:
    """Every message of the code, with its places and translator notes."""
    catalog = Catalog(project="consult", version="1", creation_date=FIXED_DATE, charset="utf-8",
                      msgid_bugs_address="", copyright_holder="consult", fuzzy=False)
    for folder in SOURCES:
        found = extract_from_dir(ROOT / folder, METHOD_MAP, comment_tags=COMMENT_TAGS, strip_comment_tags=False)
        for filename, lineno, message, comments, context in found:
            where = [(f"{folder}/{filename}", lineno)]
            catalog.add(message, None, where, auto_comments=comments, context=context)
    return catalog


def po_path(lang: str) -> Path:
    """The catalogue a translator edits."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(template: Catalog, lang: str, path: Path | None = None) -> Catalog:
    """The language's catalogue (`path`, by default its .po) with every message of the template, the translations
    kept; English says each msgid as it is."""
    path = path or po_path(lang)
    if path.exists():
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="consult", version="1", creation_date=FIXED_DATE, fuzzy=False)
    # A copy: Babel puts the template's own messages into the catalogue, and English fills them in below.
    catalog.update(copy.deepcopy(template), update_header_comment=False, no_fuzzy_matching=True)
    catalog.revision_date = FIXED_DATE
    catalog.obsolete.clear()  # a removed message is gone; git keeps its history
    if lang == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
    return catalog


def write(catalog: Catalog, path: Path, template: bool = False) -> None:
    """Write a catalogue as a .po (or the .pot), sorted by where messages appear."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=100, omit_header=False, ignore_obsolete=True, include_previous=False,
                 sort_by_file=True)


def compile_mo(catalog: Catalog, lang: str) -> None:
    """The compiled catalogue the program reads (committed, and shipped in the package)."""
    with po_path(lang).with_suffix(".mo").open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)


def main(argv: list[str] | None = None) -> None:
    """Extract, update and compile; `--compile-only` compiles the .po files as they are."""
    parser = argparse.ArgumentParser(prog="python -m core.i18n.build", description=__doc__)
    parser.add_argument("--compile-only", action="store_true", help="compile the .po files, extract nothing")
    args = parser.parse_args(argv)
    template = None if args.compile_only else extract()
    if template is not None:
        write(template, TEMPLATE, template=True)
    for lang in LANGUAGES:
        if template is not None:
            catalog = update(template, lang)
            write(catalog, po_path(lang))
        with po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        compile_mo(catalog, lang)
    print(f"{len(template) if template else 'no'} messages extracted; compiled: {', '.join(LANGUAGES)}")


if __name__ == "__main__":
    main()
