"""Core replies as terminal text, or as one JSON object per reply for scripts."""

from __future__ import annotations

from typing import Any

from core.reply import Expects, Prompt, Reply

_HINTS = {
    Expects.CHOICE: "Reply with the number of your choice.",
    Expects.CHOICES: "Reply with one or more numbers, for example: 1, 3",
    Expects.LONG_TEXT: "Write your answer. You can use several lines; send 'done' on its own line when finished.",
    Expects.CONFIRM: "Reply yes or no.",
}


def options_lines(prompt: Prompt) -> list[str]:
    """Options as numbered lines, with a tick on those already chosen."""
    return [
        f"  {number}. {option}{'  [x]' if number - 1 in prompt.selected else ''}"
        for number, option in enumerate(prompt.options, start=1)
    ]


def hint(prompt: Prompt) -> str:
    """One line on what to send next."""
    parts = [_HINTS.get(prompt.expects, "")]
    if "keep" in prompt.commands:
        parts.append("Send 'keep' to keep your answer.")
    if "add" in prompt.commands:
        parts.append("Send 'add' to add to it.")
    if "skip" in prompt.commands:
        parts.append("Send 'skip' to leave it out.")
    return " ".join(part for part in parts if part)


def plain(reply: Reply) -> str:
    """The reply as the terminal shows it."""
    parts = list(reply.messages)
    prompt = reply.prompt
    if prompt is not None and reply.ask:
        block = [prompt.text]
        if prompt.help:
            block.append(f"({prompt.help})")
        block.extend(options_lines(prompt))
        if prompt.current:
            block.append(f"Your answer: {prompt.current}")
        if line := hint(prompt):
            block.append(line)
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
        "progress": reply.progress.model_dump() if reply.progress else None,
        "status": reply.status.value,
        "submitted": reply.submitted,
    }
