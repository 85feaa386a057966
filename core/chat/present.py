"""How a reply looks in a chat app with buttons: the message parts, the option and command buttons.

Telegram and Slack draw these with their own widgets; what is shown, in which order, with which
labels and which tick marks, is decided here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.chat import actions
from core.inputs import Input, ToggleOption
from core.reply import Expects, Prompt, Reply
from questionnaire.model import Questionnaire

TICK = "✓ "

# What a command button says. Commands a button cannot carry ('edit' needs a number) are typed.
LABELS = {
    "back": "« Back", "skip": "Skip", "keep": "Keep my answer", "add": "Add to my answer", "done": "Done",
    "cancel": "Cancel", "submit": "Submit my answers", "review": "Review my answers",
}

# Hints for people who can tap: typing still works, but the buttons are what they see first.
_TAP_HINTS = {
    Expects.CHOICE: "Choose one.",
    Expects.CHOICES: f"Tap every option that applies ({TICK.strip()} marks your choices), then Done.",
    Expects.CONFIRM: "",
}

# The commands of the menu (Telegram's setMyCommands, Slack's /consult usage), in the order shown.
MENU: tuple[tuple[str, str], ...] = (
    ("start", "Begin, or see where you are"),
    ("back", "Go to the previous question"),
    ("skip", "Leave out a question that is not required"),
    ("review", "See all your answers"),
    ("edit", "Change an answer: edit 3"),
    ("status", "See where you are"),
    ("submit", "Send your answers"),
    ("help", "What you can type"),
    ("restart", "Start again from the beginning"),
    ("withdraw", "Delete all your answers"),
    ("continue_elsewhere", "Go on in another app: get a code"),
)


# Buttons that finish something stand out where the platform can (Slack's primary style).
PRIMARY = frozenset({"done", "submit"})


@dataclass(frozen=True)
class Button:
    """One button: its label, the token it sends back, and whether it finishes something."""

    label: str
    token: str
    primary: bool = False


@dataclass(frozen=True)
class Part:
    """One message: `heading` (e.g. 'Question 3 of 17') is shown bold where the platform can."""

    text: str
    heading: str | None = None


@dataclass(frozen=True)
class View:
    """A reply as chat messages; the buttons go under the last message."""

    parts: list[Part]
    options: list[Button] = field(default_factory=list)
    commands: list[Button] = field(default_factory=list)
    # True when the options are ticked one by one and confirmed with Done.
    multiple: bool = False


def view(q: Questionnaire, reply: Reply) -> View:
    """The messages and buttons of one reply."""
    parts = [Part(text) for text in reply.messages if text]
    prompt = reply.prompt
    if prompt is None:
        return View(parts)
    if reply.ask:
        parts.append(_question(prompt))
    elif not parts:
        return View(parts)
    if not reply.ask and prompt.draft_chars is None and prompt.expects is not Expects.CHOICES:
        return View(parts)  # an explanation under a question still on screen: its buttons are there
    return View(parts, _options(q, prompt), _commands(q, prompt), multiple=prompt.expects is Expects.CHOICES)


def redraws(command: Input, reply: Reply) -> bool:
    """True when a tick only changed the marks of the question on screen: update that message, send nothing new."""
    return (
        isinstance(command, ToggleOption) and not reply.messages
        and reply.prompt is not None and reply.prompt.item_id == command.item_id
    )


def _question(prompt: Prompt) -> Part:
    heading, _, text = prompt.text.partition("\n")
    if not heading.startswith("Question ") or not text:
        heading, text = "", prompt.text
    lines = [text]
    if prompt.help:
        lines.append(f"({prompt.help})")
    if prompt.current:
        lines.append(f"Your answer: {prompt.current}")
    hint = _TAP_HINTS.get(prompt.expects, prompt.hint) if prompt.options else _typed_hint(prompt)
    if hint:
        lines.append(hint)
    return Part("\n\n".join(lines), heading or None)


def _typed_hint(prompt: Prompt) -> str:
    """The hint without what the buttons already offer (keep, skip, add)."""
    return prompt.hint.split(" Send '")[0] if prompt.commands else prompt.hint


def _options(q: Questionnaire, prompt: Prompt) -> list[Button]:
    if not prompt.options:
        return []
    if prompt.expects is Expects.CONFIRM:
        assert prompt.confirms is not None
        return [Button("Yes", actions.confirm(prompt.confirms, yes=True), primary=True),
                Button("No", actions.confirm(prompt.confirms, yes=False))]
    assert prompt.item_id is not None
    if prompt.suggested and prompt.field is not None:  # countries offered for a contact field
        return [Button(option, actions.country(q, prompt.item_id, prompt.field, code))
                for option, code in zip(prompt.options, prompt.suggested, strict=True)]
    token: Callable[[Questionnaire, str, int], str] = (
        actions.toggle if prompt.expects is Expects.CHOICES else actions.choose
    )
    return [
        Button(f"{TICK if n in prompt.selected else ''}{option}", token(q, prompt.item_id, n))
        for n, option in enumerate(prompt.options)
    ]


def _commands(q: Questionnaire, prompt: Prompt) -> list[Button]:
    return [
        Button(LABELS[name], actions.word(name, q, prompt.item_id, prompt.field), primary=name in PRIMARY)
        for name in prompt.commands if name in LABELS
    ]


def split(text: str, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Cut a text into pieces of at most `limit` (as `size` measures them, e.g. after escaping).

    Paragraphs stay whole where they fit, then lines, then words; a word longer than a message is cut.
    """
    pieces: list[str] = []
    for separator in ("\n\n", "\n", " "):
        if size(text) <= limit:
            break
        head, text = _take(text, limit, size, separator)
        if head:
            pieces.append(head)
            return [*pieces, *split(text, limit, size)] if text else pieces
    if size(text) <= limit:
        return [*pieces, text] if text else pieces
    cut = _longest_prefix(text, limit, size)
    return [*pieces, text[:cut], *split(text[cut:], limit, size)]


def _take(text: str, limit: int, size: Callable[[str], int], separator: str) -> tuple[str, str]:
    """The longest run of whole pieces (joined by `separator`) that fits, and the rest."""
    chunks = text.split(separator)
    taken = 0
    while taken < len(chunks) and size(separator.join(chunks[: taken + 1])) <= limit:
        taken += 1
    if taken == 0:
        return "", text
    return separator.join(chunks[:taken]), separator.join(chunks[taken:])


def _longest_prefix(text: str, limit: int, size: Callable[[str], int]) -> int:
    low, high = 1, len(text)
    while low < high:  # binary search: `size` may grow with escaping, so it is not simply `limit`
        middle = (low + high + 1) // 2
        if size(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
