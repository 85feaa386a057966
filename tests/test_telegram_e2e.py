"""End to end: the real python-telegram-bot Application talks HTTP to a Bot API stand-in on 127.0.0.1.

A scripted person walks the whole bundled questionnaire with buttons and typing; the secretariat asks
for figures and files. What the person sees is read from the stand-in; what is kept, from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bots import bootstrap
from bots.config import Settings, SlackSettings, TelegramSettings
from bots.telegram.app import TelegramFrontEnd
from core import progress
from core.session import Status
from tests.support.chat import SMALL
from tests.support.telegram_api import BotApiStandIn, Call, FakeUser

TOKEN = "123456:TEST-TOKEN"
ADMIN = 900


@dataclass
class World:
    api: BotApiStandIn
    app: bootstrap.App
    bot: TelegramFrontEnd


@dataclass
class Person:
    """Someone in a private chat with the bot: says, presses, edits; reads what came back."""

    api: BotApiStandIn
    user: FakeUser

    async def say(self, text: str, expect: str) -> list[Call]:
        """Send `text`; wait for a message holding `expect`; everything the bot sent until then."""
        mark = self.api.mark()
        await self.user.say(text)
        return await self.until(mark, expect)

    async def send(self, text: str, expect: str) -> int:
        """Send `text`, wait for a message holding `expect`; the id of the message sent (to edit it)."""
        mark = self.api.mark()
        message_id = await self.user.say(text)
        await self.until(mark, expect)
        return message_id

    async def edit(self, message_id: int, text: str, expect: str) -> None:
        """Edit one of my messages; wait for a message holding `expect`."""
        mark = self.api.mark()
        await self.user.edit(message_id, text)
        await self.until(mark, expect)

    async def press(self, label: str, expect: str) -> list[Call]:
        """Press the button labelled `label` on the latest message that has it."""
        mark = self.api.mark()
        await self.user.press(self.message_with(label), self.data_of(label))
        return await self.until(mark, expect)

    async def until(self, mark: int, expect: str) -> list[Call]:
        await self.api.wait_for(lambda c: c.chat_id == self.user.chat_id and expect in (c.text or ""), since=mark)
        return self.api.sent_since(mark, self.user.chat_id)

    def message_with(self, label: str) -> dict[str, Any]:
        for message in reversed(self.api.messages(self.user.chat_id)):
            if label in _labels(message):
                return message
        raise LookupError(f"no button {label!r}")

    def data_of(self, label: str) -> str:
        return _labels(self.message_with(label))[label]


def _labels(message: dict[str, Any]) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


def texts(calls: list[Call]) -> str:
    return "\n---\n".join(c.text or "" for c in calls)


@contextlib.asynccontextmanager
async def running(tmp_path: Path, questionnaire: Path | None = None) -> AsyncIterator[World]:
    """The stand-in, the database and the bot, started as `consult run telegram` starts them."""
    async with BotApiStandIn(TOKEN) as api:
        telegram = TelegramSettings(_env_file=None, bot_token=TOKEN, admin_ids=str(ADMIN),
                                    api_base_url=f"{api.url}/bot")
        settings = Settings(_env_file=None, db=tmp_path / "db.json", questionnaire=questionnaire,
                            telegram=telegram, slack=SlackSettings(_env_file=None))
        app = bootstrap.build(settings)
        bot = TelegramFrontEnd(app, settings.telegram)
        await bot.start_polling(timeout=1)
        try:
            yield World(api, app, bot)
        finally:
            await bot.stop()
            await app.repository.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async with running(tmp_path) as started:
        yield started


@pytest.fixture
async def small(tmp_path: Path) -> AsyncIterator[World]:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    async with running(tmp_path, path) as started:
        yield started


async def test_a_respondent_walks_the_questionnaire_and_the_secretariat_compiles(world: World) -> None:
    api = world.api
    ana = Person(api, api.user(42, "Ana"))
    assert [c["command"] for c in api.commands()][:3] == ["start", "back", "skip"]

    seen = await ana.say("/start", expect="Question 1 of")
    assert "Enhanced Cooperation" in texts(seen)
    assert seen[-1].params["parse_mode"] == "HTML"
    assert "<b>Question 1 of" in (seen[-1].text or "")
    await ana.press("Yes", expect="Your name")

    for answer, next_field in [("Ana <Silva> & Co", "organisation"), ("Open Net Initiative", "country")]:
        await ana.say(answer, expect=next_field)
    seen = await ana.say("Kneya", expect="Your country (3 of 4)")  # misspelt: the country is offered as a button
    assert "Did you mean Kenya?" in texts(seen)
    await ana.press("Kenya", expect="e-mail")
    await ana.say("ana@example.org", expect="stakeholder category")
    stale = ana.message_with("Government")  # kept to press later, once the question has moved on
    await ana.press("Non-Government", expect="If non-government, please indicate:")
    await ana.press("« Back", expect="stakeholder category")
    await ana.press("Non-Government", expect="If non-government, please indicate:")
    await ana.press("Civil society", expect="indicate if you are")
    await ana.press("With ECOSOC consultative status", expect="Question 6 of")

    # A long answer pasted as three messages, then Done; one part is edited before Done.
    await ana.say("Enhanced cooperation matters.", expect="29 characters so far")
    second = await ana.send("It is about process.", expect="50 characters so far")
    await ana.say("And about people.", expect="68 characters so far")
    await ana.edit(second, "It is about the process.", expect="Updated: 72 characters so far")
    await ana.press("Done", expect="Question 7 of")

    # A stale button: nothing recorded, the respondent is told and shown where they are.
    mark = api.mark()
    await ana.user.press(stale, _labels(stale)["Government"])
    await ana.until(mark, "belongs to an earlier question")
    assert not api.unanswered_callback_queries()

    # A photo where text is expected.
    mark = api.mark()
    await ana.user.send_photo()
    await ana.until(mark, "I can only read text")

    await ana.press("Skip", expect="Question 8 of")
    await ana.say("Security; access; human rights.", expect="characters so far")
    await ana.press("Done", expect="Question 9 of")
    await ana.say("/edit 2", expect="Your name")
    await ana.press("Keep my answer", expect="organisation")
    await ana.press("Keep my answer", expect="country")
    await ana.press("Keep my answer", expect="e-mail")
    await ana.say("ana@example.net", expect="Question 9 of")
    await ana.say("n/a", expect="characters so far")
    await ana.press("Done", expect="Question 10 of")
    for number in range(11, 17):
        await ana.press("Skip", expect=f"Question {number} of")
    await ana.say("Capacity building.", expect="characters so far")
    await ana.press("Done", expect="Question 17 of")
    review = await ana.press("Skip", expect="That was the last question")
    assert "Ana &lt;Silva&gt; &amp; Co" in texts(review)  # typed text echoed back, escaped
    assert "It is about the process." in texts(review)

    mark = api.mark()
    await ana.user.press(ana.message_with("Submit my answers"), ana.data_of("Submit my answers"))
    await api.wait_for(lambda c: c.method == "sendDocument" and c.chat_id == 42, since=mark)
    copy = api.last_message(42)
    assert copy["document"]["file_name"] == "wgec2013-my-answers.txt"
    text = api.file_bytes(copy["document"]["file_id"]).decode()
    assert "Enhanced cooperation matters.\nIt is about the process.\nAnd about people." in text

    session = await world.app.service.session("telegram:42")
    assert session is not None and session.status is Status.SUBMITTED
    answers = session.submitted.answers if session.submitted else {}
    assert answers["contact"].value == {"name": "Ana <Silva> & Co", "organisation": "Open Net Initiative",
                                        "country": "KE", "email": "ana@example.net"}  # the ISO code
    assert answers["q1_group"].value == "Civil society" and answers["q3"].value is None
    report = progress.report(world.app.questionnaire, await world.app.repository.all(), world.app.service.now())
    assert (report.started, report.submitted) == (1, 1) and report.by_channel["telegram"].submitted == 1

    # Someone else asks for the figures: the normal help, nothing about anyone.
    bob = Person(api, api.user(43, "Bob"))
    refused = await bob.say("/progress", expect="for the secretariat")
    assert "Started" not in texts(refused) and "back - go to the previous question" in texts(refused)
    await bob.say("/export", expect="for the secretariat")

    admin = Person(api, api.user(ADMIN, "Secretariat"))
    figures = await admin.say("/progress", expect="Submitted: 1")
    assert "Non-Government: 1 / 1" in texts(figures)
    mark = api.mark()
    await admin.user.say("/export xlsx,json")
    await admin.until(mark, "1 respondents, public files")
    exported = [m for m in api.messages(ADMIN) if "document" in m]
    by_name = {m["document"]["file_name"]: api.file_bytes(m["document"]["file_id"]) for m in exported}
    assert sorted(by_name) == ["responses.json", "responses.xlsx"]
    assert "Capacity building." in json.dumps(json.loads(by_name["responses.json"]))
    assert "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(by_name["responses.xlsx"])).namelist()
    bad = await admin.say("/export pdf", expect="unknown format 'pdf'")
    assert "Formats: xlsx, csv, json, docx, md, png" in texts(bad)


async def stored(world: World, user_id: int) -> dict[str, object]:
    session = await world.app.service.session(f"telegram:{user_id}")
    return {} if session is None else {k: a.value for k, a in session.answers.items()}


async def reach_topics(ana: Person) -> None:
    """The small questionnaire from /start to its multiple choice, with buttons."""
    await ana.say("/start", expect="Question 1 of")
    await ana.press("Yes", expect="Name")
    await ana.say("Ana", expect="Phone")
    await ana.press("Skip", expect="E-mail")
    await ana.say("ana@example.org", expect="Your sector?")
    await ana.press("Government", expect="Which topics?")


async def test_multiple_choice_ticks_redraw_the_buttons_then_done(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await reach_topics(ana)
    mark = api.mark()
    await ana.user.press(ana.message_with("Access"), ana.data_of("Access"))
    edit = await api.wait_for(lambda c: c.method == "editMessageReplyMarkup", since=mark)
    assert api.sent_since(mark, 42) == [edit]  # the same message, redrawn; nothing new sent
    assert "✓ Access" in _labels(api.last_message(42))
    mark = api.mark()
    await ana.user.press(ana.message_with("Rights"), ana.data_of("Rights"))
    await api.wait_for(lambda c: c.method == "editMessageReplyMarkup", since=mark)
    await ana.press("Done", expect="Now two open questions.")
    assert (await stored(small, 42))["topics"] == ["Access", "Rights"]


async def test_what_cannot_be_an_answer_is_explained_and_changes_nothing(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start " + "x" * 65, expect="invitation code is not valid")
    bea = Person(api, api.user(44, "Bea"))
    await bea.say("/start bad!code", expect="invitation code is not valid")
    await ana.press("Yes", expect="Name")
    mark = api.mark()
    await ana.user.press(ana.message_with("Yes"), ana.data_of("Yes"))  # the same button, a second time
    await ana.until(mark, "belongs to an earlier question")
    before = await small.app.service.session("telegram:42")
    for send in (ana.user.send_sticker, ana.user.send_voice, ana.user.send_location, ana.user.send_document):
        mark = api.mark()
        await send()
        await ana.until(mark, "I can only read text")
    mark = api.mark()
    await ana.user.press(ana.message_with("Yes"), "c:0:7", check=False)  # forged: no such option
    query = await api.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
    assert "not one of this questionnaire's" in query.params.get("text", "")
    await ana.say("/edit 99", expect="There is no question 99")
    await ana.say("x" * 5000, expect="characters too long")
    after = await small.app.service.session("telegram:42")
    assert before is not None and after is not None
    # Only the refused messages' update ids were remembered (so a redelivery is recognised).
    assert after.model_copy(update={"recent_inputs": before.recent_inputs}) == before


async def test_a_redelivered_update_changes_nothing_and_sends_nothing(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start", expect="Question 1 of")
    await ana.press("Yes", expect="Name")
    mark = api.mark()
    update_id = api.push({"message": api._new_message(ana.user.chat, ana.user.sender, {"text": "Ana"})})
    await ana.until(mark, "Phone")
    mark = api.mark()
    api.push_again(update_id)
    await ana.say("/status", expect="You are at question")
    assert len(api.sent_since(mark, 42)) == 1  # only the reply to /status
    assert (await stored(small, 42))["contact"] == {"name": "Ana"}


async def test_polling_carries_on_after_telegram_refuses_a_get_updates(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start", expect="Question 1 of")
    api.fail_next("getUpdates", status=502)  # Telegram's front is down a moment...
    api.fail_next("getUpdates", status=429, retry_after=1)  # ...then asks us to slow down
    mark = api.mark()
    await ana.user.say("yes")
    await api.wait_for(lambda c: c.chat_id == 42 and "Name" in (c.text or ""), since=mark, timeout=10)
    assert [c.status for c in api.calls[mark:] if c.method == "getUpdates" and not c.ok][:2] == [502, 429]
    assert (await stored(small, 42))["consent"] == "Yes"


async def test_a_redelivered_export_is_not_sent_twice(small: World) -> None:
    api = small.api
    admin = Person(api, api.user(ADMIN, "Secretariat"))
    mark = api.mark()
    update_id = api.push({"message": api._new_message(admin.user.chat, admin.user.sender, {
        "text": "/export json", "entities": [{"type": "bot_command", "offset": 0, "length": 7}]})})
    await admin.until(mark, "public files")
    api.push_again(update_id)
    await admin.say("/progress", expect="Started: 0")
    assert len([m for m in api.messages(ADMIN) if "document" in m]) == 1


async def test_a_button_press_is_taken_even_if_answering_it_fails(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start", expect="Question 1 of")
    api.fail_next("answerCallbackQuery", 500)
    await ana.press("Yes", expect="Name")
    assert (await stored(small, 42))["consent"] == "Yes"


async def test_a_long_answer_of_emoji_is_shown_whole_within_the_limit(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await reach_topics(ana)
    await ana.press("Skip", expect="Your motto?")
    await ana.press("Skip", expect="Tell us more.")
    await ana.press("Skip", expect="Anything else?")
    await ana.say("🌍" * 2500, expect="2,500 characters so far")
    await ana.press("Done", expect="last question")
    shown = await ana.say("/show 7", expect="Question 7:")
    await asyncio.sleep(0.2)
    pieces = [c for c in api.sent_since(0, 42) if "🌍" in (c.text or "")]
    assert sum((c.text or "").count("🌍") for c in pieces) >= 2500 and shown
    assert not [c for c in api.calls if c.method == "sendMessage" and not c.ok]


async def test_flood_control_waits_and_the_reply_still_arrives(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    api.fail_next("sendMessage", 429, retry_after=1)
    await ana.say("/start", expect="Question 1 of")
    assert any(c.method == "sendMessage" and c.status == 429 for c in api.calls)


async def test_a_reply_lost_after_storing_loses_no_answer(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start", expect="Question 1 of")
    await ana.press("Yes", expect="Name")
    api.fail_next("sendMessage", 500)
    mark = api.mark()
    await ana.user.say("Ana")
    await api.wait_for(lambda c: c.method == "sendMessage" and c.status == 500, since=mark)
    assert (await stored(small, 42))["contact"] == {"name": "Ana"}
    await ana.say("/status", expect="Phone")


async def test_groups_get_one_pointer_to_a_private_chat_and_nothing_is_stored(small: World) -> None:
    api = small.api
    me = {"id": 123456, "is_bot": True, "first_name": "Consult", "username": "consult_test_bot"}
    admin = {"id": 77, "is_bot": False, "first_name": "Chair"}
    group = {"id": -100123, "type": "group", "title": "Consultation group"}
    mark = api.mark()
    api.push({"my_chat_member": {"chat": group, "from": admin, "date": 0,
                                 "old_chat_member": {"status": "left", "user": me},
                                 "new_chat_member": {"status": "member", "user": me}}})
    hello = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == -100123, since=mark)
    assert "private chat" in (hello.text or "")
    button = hello.params["reply_markup"]["inline_keyboard"][0][0]
    assert button["url"] == "https://t.me/consult_test_bot"
    someone = Person(api, api.user(55, chat_id=-100123, chat_type="group"))
    await someone.user.say("My answer is yes")
    mark = api.mark()
    await someone.user.say("/start")
    await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == -100123, since=mark)
    await asyncio.sleep(0.2)
    assert len(api.sent_since(mark, -100123)) == 1
    assert await small.app.repository.all() == []


async def test_editing_the_message_that_gave_an_answer_after_moving_on(small: World) -> None:
    api = small.api
    ana = Person(api, api.user(42))
    await ana.say("/start", expect="Question 1 of")
    await ana.press("Yes", expect="Name")
    name = await ana.send("Ana", expect="Phone")
    await ana.press("Skip", expect="E-mail")
    await ana.edit(name, "Ana Maria", expect="Your answer to question 2 is updated.")
    assert (await stored(small, 42))["contact"] == {"name": "Ana Maria", "phone": ""}
    await ana.say("ana@example.org", expect="Your sector?")  # the edit did not move the conversation
    mark = api.mark()
    status = await ana.user.say("/status")  # not an answer: editing it later changes nothing
    await ana.until(mark, "You are at question 3")
    await ana.edit(status, "Government", expect="Editing that message does not change your answers")
    assert "sector" not in await stored(small, 42)
