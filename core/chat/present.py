"""How a reply looks in a chat app with buttons: the message parts, the option and command buttons.

Telegram and Slack draw these with their own widgets; what is shown, in which order, with which
labels and which tick marks, is decided here once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core import render
from core.chat import actions
from core.i18n import LANGUAGES, N_, NATIVE_NAMES, Translator, translator
from core.i18n.bidi import RLM
from core.inputs import Input, ToggleOption
from core.reply import Expects, Prompt, Reply
from questionnaire.model import Questionnaire

TICK = "✓ "

# What a command button says. Commands a button cannot carry ('edit' needs a number) are typed.
LABELS = {
    # Translators: a button under a question in Telegram and Slack: short (about 20 characters at most).
    "back": N_("« Back"),
    # Translators: a button (short): leave out this question.
    "skip": N_("Skip"),
    # Translators: a button (short): keep the answer given before and move on.
    "keep": N_("Keep my answer"),
    # Translators: a button (short): add more text to a long answer given before.
    "add": N_("Add to my answer"),
    # Translators: a button (short): the answer (or the ticked options) is complete.
    "done": N_("Done"),
    # Translators: a button (short): stop an unfinished answer.
    "cancel": N_("Cancel"),
    # Translators: a button (short): send the answers to the secretariat.
    "submit": N_("Submit my answers"),
    # Translators: a button (short): see every answer, numbered.
    "review": N_("Review my answers"),
}

# Hints for people who can tap: typing still works, but the buttons are what they see first.
_TAP_HINTS = {
    Expects.CHOICE: N_("Choose one."),
    # Translators: {tick} is the check mark shown on the chosen buttons; "Done" is the label of the Done button.
    Expects.CHOICES: N_("Tap every option that applies ({tick} marks your choices), then Done."),
    Expects.CONFIRM: "",
}

# Translators: the placeholder of a drop-down list of options in Slack (short).
CHOOSE_ONE = N_("Choose one")

# The commands of the menu (Telegram's setMyCommands, Slack's /consult usage), in the order shown.
MENU: tuple[tuple[str, str], ...] = (
    # Translators: Telegram's command menu (short).
    ("start", N_("Begin, or see where you are")),
    # Translators: Telegram's command menu (short).
    ("back", N_("Go to the previous question")),
    # Translators: Telegram's command menu (short).
    ("skip", N_("Leave out a question that is not required")),
    # Translators: Telegram's command menu (short).
    ("review", N_("See all your answers")),
    # Translators: Telegram's command menu (short).
    ("edit", N_("Change an answer: edit 3")),
    # Translators: Telegram's command menu (short).
    ("status", N_("See where you are")),
    # Translators: Telegram's command menu (short).
    ("submit", N_("Send your answers")),
    # Translators: Telegram's command menu (short).
    ("help", N_("What you can type")),
    # Translators: Telegram's command menu (short).
    ("restart", N_("Start again from the beginning")),
    # Translators: Telegram's command menu (short).
    ("withdraw", N_("Delete all your answers")),
    # Translators: Telegram's command menu (short).
    ("continue_elsewhere", N_("Go on in another app: get a code")),
    # Translators: Telegram's command menu (short).
    ("language", N_("Choose your language")),
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
    # What a drop-down list of many options says before one is picked (Slack's static_select).
    menu: str = "Choose one"


def view(q: Questionnaire, reply: Reply, t: Translator | None = None) -> View:
    """The messages and buttons of one reply, in its language (`t` by default: the reply's own)."""
    t = t or translator(reply.language)
    parts = [Part(text) for text in reply.messages if text]
    if reply.languages:  # the choice of language: one button each, in its own name
        return View(parts, [Button(NATIVE_NAMES[lang], actions.language(lang)) for lang in LANGUAGES])
    prompt = reply.prompt
    if prompt is None:
        return View(parts)
    if reply.ask:
        parts.append(_question(prompt, t))
    elif not parts:
        return View(parts)
    if not reply.ask and prompt.draft_chars is None and prompt.expects is not Expects.CHOICES:
        return View(parts)  # an explanation under a question still on screen: its buttons are there
    return View(parts, _options(q, prompt), _commands(q, prompt, t), multiple=prompt.expects is Expects.CHOICES,
                menu=t.gettext(CHOOSE_ONE))


def redraws(command: Input, reply: Reply) -> bool:
    """True when a tick only changed the marks of the question on screen: update that message, send nothing new."""
    return (
        isinstance(command, ToggleOption) and not reply.messages
        and reply.prompt is not None and reply.prompt.item_id == command.item_id
    )


def _question(prompt: Prompt, t: Translator) -> Part:
    heading, _, text = prompt.text.partition("\n")
    if not _is_heading(heading, t) or not text:  # only a question has a heading ("Question 3 of 17")
        heading, text = "", prompt.text
    lines = [text]
    if prompt.help:
        lines.append(f"({prompt.help})")
    if prompt.current:
        # Translators: shown under a question already answered; {answer} is the answer given.
        lines.append(t.gettext("Your answer: {answer}").format(answer=prompt.current))
    hint = _tap_hint(prompt, t) if prompt.options else _typed_hint(prompt)
    if hint:
        lines.append(hint)
    return Part("\n\n".join(lines), heading or None)


def _is_heading(line: str, t: Translator) -> bool:
    """True for the line "Question 3 of 17" as the respondent's language says it."""
    pattern = re.escape(t.gettext(render.QUESTION_OF)).replace(r"\{number\}", "[0-9]+").replace(r"\{total\}", "[0-9]+")
    return re.fullmatch(pattern, line.removeprefix(RLM)) is not None


def _tap_hint(prompt: Prompt, t: Translator) -> str:
    """What to tap; without a tap hint of its own (a yes or no), the prompt's hint."""
    tap = _TAP_HINTS.get(prompt.expects)
    if tap is None:
        return prompt.hint
    return t.gettext(tap).format(tick=TICK.strip()) if tap else ""


def _typed_hint(prompt: Prompt) -> str:
    """The hint without what the buttons already offer (keep, skip, add)."""
    if not prompt.commands:
        return prompt.hint
    if prompt.hints:
        return prompt.hints[0]
    return prompt.hint.split(" Send '")[0]  # a prompt made without its parts (an older reminder, a test)


def _options(q: Questionnaire, prompt: Prompt) -> list[Button]:
    if not prompt.options:
        return []
    if prompt.expects is Expects.CONFIRM:
        assert prompt.confirms is not None
        yes, no = prompt.options  # already in the respondent's language
        return [Button(yes, actions.confirm(prompt.confirms, yes=True), primary=True),
                Button(no, actions.confirm(prompt.confirms, yes=False))]
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


def _commands(q: Questionnaire, prompt: Prompt, t: Translator) -> list[Button]:
    return [
        Button(t.gettext(LABELS[name]), actions.word(name, q, prompt.item_id, prompt.field), primary=name in PRIMARY)
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
