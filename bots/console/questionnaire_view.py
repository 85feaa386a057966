"""`consult questionnaire check|show|import|export`: validate, print, or convert from and to XLSForm."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.text import Text

from core import questionnaire_change
from core.questionnaire_change import Comparison
from questionnaire import loader, toml_out
from questionnaire.model import Questionnaire


def run(action: str, path: Path | None, console: Console | None = None, against: Comparison | None = None) -> int:
    """Check or show; a bad file raises QuestionnaireError with the reason."""
    console = console or Console(highlight=False)
    q = loader.load(path)
    if action == "check":
        answerable = sum(item.answerable for item in q.items)
        console.print(Text(f"{path}: OK - '{q.title}', {len(q.items)} items, {answerable} to answer."))
        console.print(Text(describe_languages(q)), soft_wrap=True)
        if against is not None:
            console.print(Text(describe_change(against)))
    else:
        console.print(Text(describe(q)))
    return 0


def convert(args: argparse.Namespace, console: Console | None = None) -> int:
    """import: XLSForm -> TOML (printed, or written to --out); export: TOML -> XLSForm."""
    # pyxform takes half a second to import: only these two commands pay for it, not every `consult`.
    from questionnaire.xlsform import reading, writing
    console = console or Console(highlight=False, stderr=True)
    if args.action == "export":
        q = loader.load(args.source)
        writing.write(q, args.file)
        console.print(Text(_wrote(args.file, q)), soft_wrap=True)
        return 0
    q, notes = reading.read_with_notes(args.file)
    for note in notes:
        console.print(Text(f"Not kept: {note}"), soft_wrap=True)
    text = toml_out.dumps(q)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    args.out.write_text(text, encoding="utf-8")
    console.print(Text(_wrote(args.out, q)), soft_wrap=True)
    console.print(Text(describe_languages(q)), soft_wrap=True)
    return 0


def _wrote(path: Path, q: Questionnaire) -> str:
    return f"Wrote {path}: '{q.title}', {len(q.items)} items, in {', '.join(q.languages)}."


def describe_languages(q: Questionnaire) -> str:
    """The file's languages and, per translated language, the texts that would fall back to the file's own."""
    own = f"Written in {q.language}"
    if len(q.languages) == 1:
        return f"{own}, with no translations."
    lines = [f"{own}, translated into {', '.join(q.languages[1:])}."]
    for lang, missing in q.missing_translations().items():
        if missing:
            lines.append(f"- {lang}: {len(missing)} missing (shown in {q.language} instead): {', '.join(missing)}")
        else:
            lines.append(f"- {lang}: complete")
    return "\n".join(lines)


def describe_change(comparison: Comparison) -> str:
    """What the file would do to the stored answers, compared with the questionnaire in use."""
    in_use, effects = comparison.old, comparison.effects()
    stored = questionnaire_change.people(comparison.stored)
    lines = [f"Compared with the questionnaire in use ('{in_use.title}') and the answers of {stored} stored:"]
    lines += [f"- {effect.text}" for effect in effects]
    if not effects:
        lines.append("- Nothing changes for the answers stored.")
    lines.append("No stored answer is deleted by a change of the questionnaire.")
    return "\n".join(lines)


def describe(q: Questionnaire) -> str:
    """The questionnaire as readable text."""
    lines = [q.title, "=" * len(q.title), q.introduction.strip(), ""]
    if q.opens or q.closes:
        lines += [f"Open from {q.opens or 'now'} until {q.closes or 'no closing date'}", ""]
    for index, item in enumerate(q.items, start=1):
        flags = [item.kind.value, "required" if item.required else "optional"]
        if item.when:
            flags.append(f"only if {item.when.item} is {' or '.join(item.when.any_of)}")
        lines.append(f"{index}. [{item.id}] ({', '.join(flags)})")
        lines.append("   " + item.text.replace("\n", "\n   "))
        lines += [f"   {n}) {option}" for n, option in enumerate(item.choices, start=1)]
        lines += [f"   (answers '{old}' count as '{new}')" for old, new in item.renamed_options.items()]
        lines += [f"   - {f.label}{'' if f.required else ' (optional)'}" for f in item.fields]
        lines.append("")
    return "\n".join(lines)
