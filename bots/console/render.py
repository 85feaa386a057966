"""Core replies as terminal text, or as one JSON object per reply for scripts."""

from __future__ import annotations

from typing import Any

from core.i18n import Translator, translator
from core.reply import Prompt, Reply


def options_lines(prompt: Prompt) -> list[str]:
    """Options as numbered lines, with a tick on those already chosen."""
    return [
        f"  {number}. {option}{'  [x]' if number - 1 in prompt.selected else ''}"
        for number, option in enumerate(prompt.options, start=1)
    ]


def plain(reply: Reply, t: Translator | None = None) -> str:
    """The reply as the terminal shows it (`t`: the reply's language unless given)."""
    t = t or translator(reply.language)
    parts = list(reply.messages)
    prompt = reply.prompt
    if prompt is not None and reply.ask:
        block = [prompt.text]
        if prompt.help:
            block.append(f"({prompt.help})")
        block.extend(options_lines(prompt))
        if prompt.current:
            block.append(t.gettext("Your answer: {answer}").format(answer=prompt.current))
        if prompt.hint:
            block.append(prompt.hint)
        parts.append("\n".join(block))
    return "\n\n".join(part for part in parts if part)


def as_json(reply: Reply) -> dict[str, Any]:
    """The reply as one JSON-ready object (the `--jsonl` format)."""
    prompt = reply.prompt
    return {
        "text": reply.text,
        "messages": reply.messages,
        "question_id": prompt.item_id if prompt else None,
        "question": prompt.text if prompt else None,
        "options": prompt.options if prompt else [],
        "selected": prompt.selected if prompt else [],
        "expects": prompt.expects.value if prompt else None,
        "current": prompt.current if prompt else None,
        "draft_chars": prompt.draft_chars if prompt else None,
        "hint": prompt.hint if prompt else None,
        "commands": prompt.commands if prompt else [],
        "progress": reply.progress.model_dump() if reply.progress else None,
        "status": reply.status.value,
        "submitted": reply.submitted,
        "saved": reply.saved,
        "language": reply.language,
    }
