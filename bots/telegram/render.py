"""Core replies as Telegram messages: HTML text, split below the limit, with inline keyboards. Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from core.chat.present import Button, Part, View, split

# Command buttons side by side; options one per row, so long option names stay readable on a phone.
COMMANDS_PER_ROW = 3


@dataclass(frozen=True)
class Outgoing:
    """One sendMessage: HTML text and, on the last message of a reply, the keyboard."""

    text: str
    keyboard: InlineKeyboardMarkup | None = None


def escaped_size(text: str) -> int:
    """A safe bound of the length Telegram counts: UTF-16 code units (an emoji is two) of the escaped text."""
    return len(html.escape(text, quote=False).encode("utf-16-le")) // 2


def messages(view: View) -> list[Outgoing]:
    """Every part as one or more HTML messages; the buttons under the last one."""
    texts = [html_text for part in view.parts for html_text in _part(part)]
    if not texts:
        return []
    out = [Outgoing(text) for text in texts]
    out[-1] = Outgoing(texts[-1], keyboard(view))
    return out


def _part(part: Part) -> list[str]:
    heading = f"<b>{html.escape(part.heading, quote=False)}</b>\n" if part.heading else ""
    room = MessageLimit.MAX_TEXT_LENGTH - len(heading)
    pieces = split(part.text, room, escaped_size)
    return [(heading if n == 0 else "") + html.escape(piece, quote=False) for n, piece in enumerate(pieces)]


def keyboard(view: View) -> InlineKeyboardMarkup | None:
    """Options one per row, then the commands; None when there is nothing to press."""
    rows = [[_button(b)] for b in view.options]
    rows += [
        [_button(b) for b in view.commands[n : n + COMMANDS_PER_ROW]]
        for n in range(0, len(view.commands), COMMANDS_PER_ROW)
    ]
    return InlineKeyboardMarkup(rows) if rows else None


def _button(button: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(button.label, callback_data=button.token)


def plain(text: str) -> list[str]:
    """A text of ours (help, progress) as escaped HTML messages below the limit."""
    return [html.escape(piece, quote=False) for piece in split(text, MessageLimit.MAX_TEXT_LENGTH, escaped_size)]
