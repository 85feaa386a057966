"""A core View as Slack messages: Block Kit sections and buttons, with a plain `text` fallback. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from core.chat.present import Button, Part, View, split

# Slack's limits (api.slack.com/reference/block-kit): named here so that no 3000 hides in the code.
SECTION_TEXT_LIMIT = 3_000
MESSAGE_BLOCK_LIMIT = 50
ACTIONS_ELEMENT_LIMIT = 25
SELECT_OPTION_LIMIT = 100
LABEL_LIMIT = 75
# Text per message: the fallback repeats it, and Slack cuts a message past 40,000 characters.
MESSAGE_TEXT_LIMIT = 12_000

ACTION_PREFIX = "consult:"

Block = dict[str, Any]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Message:
    """One chat.postMessage: the blocks, and the `text` shown in notifications and by old clients."""

    text: str
    blocks: list[Block]


def escape(text: str) -> str:
    """Plain text made inert for mrkdwn: no mention, link or channel-wide notification can be formed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def messages(view: View) -> list[Message]:
    """A view as one or more messages (Slack's block and text limits); the buttons go under the last one."""
    sections = [section for part in view.parts for section in _sections(part)]
    pages: list[list[str]] = [[]]
    for text in sections:
        page = pages[-1]
        if page and (len(page) >= MESSAGE_BLOCK_LIMIT or sum(map(len, page)) + len(text) > MESSAGE_TEXT_LIMIT):
            pages.append([])
        pages[-1].append(text)
    controls = _controls(view)
    if controls and len(pages[-1]) + len(controls) > MESSAGE_BLOCK_LIMIT:
        pages.append([])
    result = [Message(_fallback(page), [_section(text) for text in page]) for page in pages]
    result[-1].blocks.extend(controls)
    if view.options:  # typed numbers are taken too: the fallback lists the options
        numbered = "\n".join(f"{n}. {escape(b.label)}" for n, b in enumerate(view.options, start=1))
        result[-1] = Message("\n\n".join(filter(None, [result[-1].text, numbered])), result[-1].blocks)
    return [message for message in result if message.blocks]


def _sections(part: Part) -> list[str]:
    """A part as section texts under the limit, as Slack counts them: after escaping."""
    heading = f"*{escape(part.heading)}*\n" if part.heading else ""
    pieces = split(part.text, SECTION_TEXT_LIMIT - len(heading), lambda text: len(escape(text))) or [""]
    texts = [heading + escape(pieces[0]), *map(escape, pieces[1:])]
    return [text for text in texts if text.strip()]


def _section(text: str) -> Block:
    # verbatim: Slack would otherwise turn bare names and URLs into links and mentions itself.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _fallback(page: list[str]) -> str:
    return "\n\n".join(page)


def _controls(view: View) -> list[Block]:
    blocks: list[Block] = []
    if view.options and not view.multiple and len(view.options) > ACTIONS_ELEMENT_LIMIT:
        selects = [_select(chunk, n, view.menu) for n, chunk in enumerate(_chunks(view.options, SELECT_OPTION_LIMIT))]
        blocks.extend(_actions(chunk) for chunk in _chunks(selects, ACTIONS_ELEMENT_LIMIT))
    else:
        buttons = [_button(b, f"opt:{n}") for n, b in enumerate(view.options)]
        blocks.extend(_actions(chunk) for chunk in _chunks(buttons, ACTIONS_ELEMENT_LIMIT))
    commands = [_button(b, f"cmd:{n}") for n, b in enumerate(view.commands)]
    blocks.extend(_actions(chunk) for chunk in _chunks(commands, ACTIONS_ELEMENT_LIMIT))
    return blocks


def _actions(elements: list[Block]) -> Block:
    return {"type": "actions", "elements": elements}


def _button(button: Button, name: str) -> Block:
    block: Block = {"type": "button", "action_id": ACTION_PREFIX + name, "text": _plain(button.label),
                    "value": button.token}
    if button.primary:
        block["style"] = "primary"
    return block


def _select(options: list[Button], n: int, placeholder: str) -> Block:
    return {
        "type": "static_select", "action_id": f"{ACTION_PREFIX}pick:{n}", "placeholder": _plain(placeholder),
        "options": [{"text": _plain(b.label), "value": b.token} for b in options],
    }


def _plain(label: str) -> Block:
    # plain_text never forms mentions, so labels need no escaping; only Slack's length limit.
    short = label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1].rstrip() + "…"
    return {"type": "plain_text", "text": short, "emoji": True}


def _chunks(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
