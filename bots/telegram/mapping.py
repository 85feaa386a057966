"""Telegram updates as core inputs: which respondent, which input, which inbound id. Pure."""

from __future__ import annotations

import re

from telegram import Message, Update

from core import inputs
from core.chat import actions
from core.i18n import N_
from questionnaire.model import Questionnaire

CHANNEL = "telegram"

NOT_TEXT = N_(
    "I can only read text. Please type your answer as a message. "
    "Photos, stickers, voice messages, locations and files are not kept."
)
# Translators: shown in a small pop-up over Telegram's chat (at most 200 characters).
NOT_OUR_BUTTON = N_("This button is not one of this questionnaire's, so nothing was changed.")
PRIVATE_ONLY = N_(
    "Hello! I collect answers to the consultation in a private chat, so that answers stay private. "
    "Please open a chat with me: nothing said in this group is kept."
)

# "/edit@consult_bot 3" in a chat with several bots: the command without the bot's name.
_ADDRESSED = re.compile(r"^(/[A-Za-z0-9_]+)@[A-Za-z0-9_]+")


def respondent_id(user_id: int) -> str:
    """The respondent id of a Telegram user (their private chat is theirs alone)."""
    return f"{CHANNEL}:{user_id}"


def inbound_id(update: Update) -> str:
    """Telegram delivers at least once; the update id is what repeats."""
    return f"{CHANNEL}:update:{update.update_id}"


def message_ref(message: Message) -> str:
    """Names a message so that an edit of it finds the answer it gave."""
    return f"{CHANNEL}:{message.chat_id}:{message.message_id}"


def command_text(text: str) -> str:
    """The text with a command's '@botname' removed."""
    return _ADDRESSED.sub(r"\1", text.strip(), count=1) if text.lstrip().startswith("/") else text


def from_message(message: Message) -> inputs.Input:
    """A new text message."""
    return inputs.parse_text(command_text(message.text or ""), message_ref(message))


def from_edit(message: Message) -> inputs.Input:
    """An edited text message: never a new answer, at most a change to the answer it gave."""
    return inputs.EditMessage(message_ref(message), message.text or "")


def from_button(q: Questionnaire, data: str | None) -> inputs.Input | None:
    """A pressed button; None when the data is not one of ours (forged, or from an older version)."""
    return actions.decode(q, data) if data else None
