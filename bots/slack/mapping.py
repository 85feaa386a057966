"""Slack payloads (events, the /consult command, button presses) as core inputs or fixed notices. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from core.chat import actions, secretariat
from core.export.options import ExportError
from core.i18n import N_
from core.inputs import EditMessage, Input, Resume, ResumeWith, Start, parse_text
from core.render import HELP
from questionnaire.model import Questionnaire

CHANNEL = "slack"

FORGED = N_(
    "That button is not one of ours, so nothing was changed. "
    "Please use the buttons under the latest question, or type your answer."
)
FILES = N_(
    "Files cannot be read here, so nothing was saved. Please paste your text as messages instead: "
    "several messages are fine, then press Done (or send 'done')."
)
IN_CHANNEL = N_(
    "Answers are only taken in a direct message, so nothing here was saved. "
    "Open this app's Messages tab, or type /consult, to take part."
)
# Paragraphs, each a message of the catalogue (the Slack front end says each in the respondent's language).
NOT_FOR_YOU = f"{secretariat.NOT_FOR_YOU}\n\n{HELP}"

Payload = Mapping[str, Any]

# Slack writes links, mentions and dates as <target|label>, and escapes &, < and >
# (api.slack.com/reference/surfaces/formatting).
_ANGLED = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


@dataclass(frozen=True)
class Person:
    """A Slack user in a workspace."""

    team_id: str
    user_id: str

    @property
    def respondent_id(self) -> str:
        """The core's respondent id."""
        return f"{CHANNEL}:{self.team_id}:{self.user_id}"


@dataclass(frozen=True)
class ToService:
    """An input for the core, with the id that makes a redelivery harmless."""

    command: Input
    inbound_id: str


@dataclass(frozen=True)
class ToSecretariat:
    """'progress' or 'export ...' from an admin."""

    text: str
    inbound_id: str


@dataclass(frozen=True)
class Notice:
    """A fixed explanation; nothing is stored."""

    text: str
    inbound_id: str


Route = ToService | ToSecretariat | Notice


def plain(text: str) -> str:
    """Slack's message markup as the plain text the respondent typed (links and mentions readable)."""
    readable = _ANGLED.sub(lambda m: _readable(m.group(1), m.group(2)), text)
    return readable.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _readable(target: str, label: str | None) -> str:
    if target.startswith(("@", "#")):
        return label if label and label[0] in "@#" else target[0] + (label or target[1:])
    if target.startswith("!"):  # <!here>, <!subteam^S1|@team>, <!date^...|fallback>
        return label or "@" + target[1:].split("^")[0]
    if not label:
        return target.removeprefix("mailto:")
    bare = target.removeprefix("mailto:").split("://", 1)[-1].rstrip("/")
    return label if label.rstrip("/") == bare else f"{label} ({target})"  # keep a link's address


def typed(text: str, ref: str | None, inbound_id: str, admin: bool, *, slash: bool = False) -> Route:
    """Typed words: a secretariat request (admins only), or an answer or command for the core."""
    try:
        request = secretariat.parse(text)
        # 'Announce ...' typed by a respondent is an answer; only an admin (or /consult) announces.
        announcing = isinstance(request, secretariat.AnnounceRequest | secretariat.AnnounceConfirm)
        asks_secretariat = request is not None and (admin or slash or not announcing)
    except ExportError:
        # After /consult, a bad 'export' is a mistake to explain to an admin. Typed in the DM, it is an
        # answer ("Export controls matter"), from anyone: no answer is lost to a command it resembles.
        asks_secretariat = admin and slash
    if not asks_secretariat:
        return ToService(parse_text(text, ref), inbound_id)
    return ToSecretariat(text, inbound_id) if admin else Notice(NOT_FOR_YOU, inbound_id)


def sender(event: Payload) -> str | None:
    """Who wrote a message event (an edit names its author inside the changed message)."""
    user = event.get("user") or (event.get("message") or {}).get("user")
    return str(user) if user else None


def message(event: Payload, event_id: str, admin: bool, bot_user_id: str | None) -> Route | None:
    """A message event: typed in the DM, an edit, a file, or elsewhere; None for what is not for us."""
    subtype = event.get("subtype")
    if event.get("bot_id") or subtype not in (None, "message_changed", "file_share"):
        return None  # bot_message, message_deleted, channel_join...: nothing a respondent said
    client_msg_id = event.get("client_msg_id")
    inbound = f"slack:msg:{client_msg_id}" if client_msg_id else f"slack:event:{event_id}"
    if event.get("channel_type") != "im":
        # A mention also arrives as app_mention, which answers it: answer the rest once, nothing stored.
        mentioned = bot_user_id is not None and f"<@{bot_user_id}>" in str(event.get("text", ""))
        return None if subtype == "message_changed" or mentioned else Notice(IN_CHANNEL, inbound)
    if subtype == "message_changed":
        return _edit(event, event_id)
    if subtype == "file_share" or event.get("files"):
        return Notice(FILES, inbound)
    ref = f"slack:{event['channel']}:{event['ts']}"
    return typed(plain(str(event.get("text", ""))), ref, inbound, admin)


def _edit(event: Payload, event_id: str) -> Route | None:
    new, old = event.get("message") or {}, event.get("previous_message") or {}
    if new.get("bot_id") or not new.get("user") or new.get("text") == old.get("text"):
        return None  # our own messages being updated, or an unfurl that changed no text
    ref = f"slack:{event['channel']}:{old.get('ts') or new.get('ts')}"
    # The inner client_msg_id is the original message's: only the event id tells this edit apart.
    return ToService(EditMessage(ref, plain(str(new.get("text", "")))), f"slack:event:{event_id}")


def home_opened(event: Payload, event_id: str) -> ToService | None:
    """The app's Messages tab opened: start or show where the respondent is (the Home tab is not used)."""
    return ToService(Resume(), f"slack:event:{event_id}") if event.get("tab") == "messages" else None


def mention(event_id: str) -> Notice:
    """An @mention in a channel: point to the direct message."""
    return Notice(IN_CHANNEL, f"slack:event:{event_id}")


def command(body: Payload, admin: bool) -> Route:
    """`/consult [words]`: the same words as typed in the DM; alone, it starts or shows where one is."""
    text = plain(str(body.get("text") or ""))
    inbound = f"slack:cmd:{body['trigger_id']}"
    words = text.split()
    if len(words) == 2 and words[0].casefold() == "resume":  # '/consult resume CODE': a code, however mistyped
        return ToService(ResumeWith(words[1]), inbound)
    if len(words) == 2 and words[0].casefold() == "start":  # `/consult start CODE`: an invitation's way in
        return ToService(parse_text(f"/start {words[1]}"), inbound)  # (or a resume code, as Telegram's /start)
    return ToService(Start(), inbound) if not text.strip() else typed(text, None, inbound, admin, slash=True)


def action(q: Questionnaire, body: Payload, pressed: Payload) -> Route:
    """A button or menu choice; a value no button of ours carries is refused."""
    token = pressed.get("value") or (pressed.get("selected_option") or {}).get("value") or ""
    container = body.get("container") or {}
    inbound = f"slack:action:{container.get('message_ts')}:{pressed.get('action_ts')}"
    decoded = actions.decode(q, str(token))
    return Notice(FORGED, inbound) if decoded is None else ToService(decoded, inbound)


def event_person(body: Payload, event: Payload) -> Person | None:
    """The author of an event, in the workspace that sent it."""
    user = sender(event)
    return Person(str(body.get("team_id", "")), user) if user else None


def command_person(body: Payload) -> Person:
    """Who typed a slash command."""
    return Person(str(body["team_id"]), str(body["user_id"]))


def action_person(body: Payload) -> Person:
    """Who pressed a button."""
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    return Person(str(team), str(body["user"]["id"]))
