"""A respondent who talks to the real service, like a chat transcript: say something, read the reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core import inputs
from core.inputs import Input, parse_text
from core.reply import Reply
from core.service import ConsultService
from core.session import Session
from questionnaire.model import Questionnaire
from storage.memory import MemoryRepository

T0 = datetime(2013, 6, 3, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Respondent:
    """One person in a chat with the bot."""

    def __init__(self, service: ConsultService, name: str = "ana", channel: str = "test") -> None:
        self.service = service
        self.id = f"{channel}:{name}"
        self.channel = channel
        self.replies: list[Reply] = []

    async def send(self, command: Input, inbound_id: str | None = None) -> Reply:
        reply = await self.service.handle(self.id, self.channel, command, inbound_id)
        self.replies.append(reply)
        return reply

    async def say(self, text: str, inbound_id: str | None = None, ref: str | None = None) -> Reply:
        """Type a message, exactly as a front end passes it on (`ref` names the message, for edits)."""
        return await self.send(parse_text(text, ref), inbound_id)

    async def edit(self, ref: str, text: str) -> Reply:
        """Edit the message `ref` to read `text`."""
        return await self.send(inputs.EditMessage(ref, text))

    async def says(self, *texts: str) -> Reply:
        """Type several messages; the last reply."""
        reply = None
        for text in texts:
            reply = await self.say(text)
        assert reply is not None
        return reply

    async def refused(self, text_or_command: str | Input) -> Reply:
        """Send something that must be refused: a reply that explains, and nothing stored changes."""
        before = await self.service.session(self.id)
        if isinstance(text_or_command, str):
            reply = await self.say(text_or_command)
        else:
            reply = await self.send(text_or_command)
        assert await self.service.session(self.id) == before, f"{text_or_command!r} changed the session"
        assert reply.messages and not reply.ask, reply.text
        return reply

    async def press(self, item_id: str, *options: int) -> Reply:
        """Press the button(s) of options (0-based) of an item."""
        return await self.send(inputs.ChooseOptions(item_id, tuple(options)))

    async def session(self) -> Session:
        session = await self.service.session(self.id)
        assert session is not None
        return session

    @property
    def last(self) -> Reply:
        return self.replies[-1]


def make_service(q: Questionnaire, clock: Clock | None = None) -> ConsultService:
    """The real service over the in-memory store."""
    return ConsultService(q, MemoryRepository(), clock or Clock())


# A small questionnaire with every kind of item, for focused conversations.
SMALL = """
id = "small"
title = "Small test"
introduction = "A short test questionnaire."

[[items]]
id = "consent"
kind = "consent"
role = "consent"
required = true
text = "May we cite you?"

[[items]]
id = "contact"
kind = "fields"
role = "contact"
required = true
text = "Your contact details"
fields = [
  { id = "name", label = "Name" },
  { id = "phone", label = "Phone", required = false },
  { id = "email", label = "E-mail", kind = "email" },
]

[[items]]
id = "sector"
kind = "single"
role = "category"
required = true
text = "Your sector?"
options = ["Government", "Non-Government"]

[[items]]
id = "group"
kind = "single"
role = "subcategory"
required = true
text = "Which group?"
options = ["Civil society", "Private sector"]
when = { item = "sector", any_of = ["Non-Government"] }

[[items]]
id = "topics"
kind = "multiple"
text = "Which topics?"
options = ["Access", "Security", "Rights", "Standards"]
min_choices = 1
max_choices = 2

[[items]]
id = "note"
kind = "note"
text = "Now two open questions."

[[items]]
id = "motto"
kind = "short"
text = "Your motto?"
max_length = 20

[[items]]
id = "essay"
kind = "long"
text = "Tell us more."
max_length = 50

[[items]]
id = "extra"
kind = "long"
text = "Anything else?"
"""
