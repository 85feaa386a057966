"""`consult questionnaire check|show`: validate a file, or print a questionnaire."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from questionnaire import loader
from questionnaire.model import Questionnaire


def run(action: str, path: Path | None, console: Console | None = None) -> int:
    """Check or show; a bad file raises QuestionnaireError with the reason."""
    console = console or Console(highlight=False)
    q = loader.load(path)
    if action == "check":
        answerable = sum(item.answerable for item in q.items)
        console.print(Text(f"{path}: OK - '{q.title}', {len(q.items)} items, {answerable} to answer."))
    else:
        console.print(Text(describe(q)))
    return 0


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
        lines += [f"   - {f.label}{'' if f.required else ' (optional)'}" for f in item.fields]
        lines.append("")
    return "\n".join(lines)
