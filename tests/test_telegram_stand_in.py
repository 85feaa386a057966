"""The Bot API stand-in speaks well enough to the real python-telegram-bot for end-to-end tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.telegram_api import BotApiStandIn, Call, SharedBotApi

# PTB itself reads RetryAfter.retry_after (in its rate limiter and error message), which warns about v23.
pytestmark = pytest.mark.filterwarnings("ignore:Deprecated since version v22.2:DeprecationWarning")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
TOKEN = "123456:TEST-TOKEN"
KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Yes", callback_data="yes"), InlineKeyboardButton("No", callback_data="no")]]
)


@pytest.fixture
async def api() -> AsyncIterator[BotApiStandIn]:
    async with BotApiStandIn(TOKEN) as stand_in:
        yield stand_in


def bot_for(api: BotApiStandIn, token: str = TOKEN) -> Bot:
    return Bot(token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot")


def sent_message(call: Call) -> bool:
    return call.method == "sendMessage" and call.ok


@asynccontextmanager
async def running_app(
    api: BotApiStandIn, rate_limiter: AIORateLimiter | None = None
) -> AsyncIterator[tuple[AnyApplication, list[Update]]]:
    """A real PTB Application polling the stand-in, with a tiny echo bot; yields it and the updates it handled."""
    builder = ApplicationBuilder().token(api.token).base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot")
    app: AnyApplication = builder.build() if rate_limiter is None else builder.rate_limiter(rate_limiter).build()
    seen: list[Update] = []

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}", reply_markup=KEYBOARD)

    async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)
        query = update.callback_query
        assert query is not None
        await query.answer(f"you said {query.data}")
        done = InlineKeyboardMarkup([[InlineKeyboardButton(f"✓ {query.data}", callback_data="done")]])
        await query.edit_message_reply_markup(done)

    app.add_handler(MessageHandler(filters.TEXT & filters.UpdateType.MESSAGE, echo))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE, edited))
    app.add_handler(CallbackQueryHandler(pressed))
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        yield app, seen
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


async def test_a_message_reaches_the_handler_and_the_reply_is_recorded_with_its_keyboard(api: BotApiStandIn) -> None:
    ana = api.user(42)
    async with running_app(api) as (_, seen):
        mark = api.mark()
        message_id = await ana.say("hello")
        reply = await api.wait_for(sent_message)

    assert [u.message.text for u in seen if u.message] == ["hello"]
    assert seen[0].message is not None and seen[0].message.message_id == message_id
    assert seen[0].effective_user is not None and seen[0].effective_user.first_name == "Ana"
    assert reply.chat_id == 42 and reply.text == "echo: hello"
    assert reply.callback_data() == ["yes", "no"]
    assert api.sent_since(mark, chat_id=42) == [reply]
    assert api.sent_since(mark, chat_id=7) == []
    stored = api.last_message(42)
    assert stored["message_id"] == message_id + 1  # ids are per chat, shared by both sides
    assert stored["reply_markup"]["inline_keyboard"][0][0] == {"text": "Yes", "callback_data": "yes"}
    assert api.messages(42) == [stored]
    assert [c.method for c in api.calls[:2]] == ["getMe", "deleteWebhook"]
    assert api.pending_updates == []  # the updater confirmed what it fetched when it stopped


async def test_a_leading_command_carries_a_bot_command_entity(api: BotApiStandIn) -> None:
    async with running_app(api) as (_, seen):
        await api.user(42).say("/start@consult_test_bot now")
        await api.wait_for(sent_message)

    message = seen[0].message
    assert message is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bot_command", 0, 23)]


async def test_a_press_is_answered_and_the_keyboard_edited(api: BotApiStandIn) -> None:
    ana = api.user(42)
    async with running_app(api) as (_, seen):
        await ana.say("hi")
        await api.wait_for(sent_message)
        shown = api.last_message(42)
        query_id = await ana.press(shown, "yes")
        edit = await api.wait_for(lambda c: c.method == "editMessageReplyMarkup")
        answer = await api.wait_for(lambda c: c.method == "answerCallbackQuery")

    query = seen[-1].callback_query
    assert query is not None and query.id == query_id and query.data == "yes"
    assert query.message is not None and query.message.message_id == shown["message_id"]
    assert answer.params == {"callback_query_id": query_id, "text": "you said yes"}
    assert api.unanswered_callback_queries() == []
    assert edit.ok and edit.params["message_id"] == shown["message_id"]
    assert api.last_message(42)["reply_markup"] == {"inline_keyboard": [[{"text": "✓ yes", "callback_data": "done"}]]}
    with pytest.raises(ValueError, match="no button"):
        await ana.press(api.last_message(42), "yes")  # that button is gone


async def test_a_group_chat(api: BotApiStandIn) -> None:
    bea = api.user(7, "Bea", chat_id=-100123, chat_type="group")
    async with running_app(api) as (_, seen):
        await bea.say("hi all")
        reply = await api.wait_for(sent_message)

    assert seen[0].effective_chat is not None and seen[0].effective_chat.type == "group"
    assert seen[0].effective_user is not None and seen[0].effective_user.id == 7
    assert reply.chat_id == -100123
    assert api.last_message(-100123)["chat"]["type"] == "group"


async def test_an_edit_arrives_as_an_edited_message(api: BotApiStandIn) -> None:
    ana = api.user(42)
    async with running_app(api) as (_, seen):
        message_id = await ana.say("helo")
        await api.wait_for(sent_message)
        await ana.edit(message_id, "hello")
        while len(seen) < 2:
            await asyncio.sleep(0.01)

    edited = seen[1].edited_message
    assert edited is not None and edited.message_id == message_id and edited.text == "hello"
    assert edited.edit_date is not None
    assert len(api.sent_since(0)) == 1  # the echo handler only answers new messages


async def test_a_redelivered_update_is_handled_again(api: BotApiStandIn) -> None:
    ana = api.user(42)
    async with running_app(api) as (_, seen):
        await ana.say("once")
        await api.wait_for(sent_message)
        first = seen[0].update_id
        api.push_again(first)
        await api.wait_for(sent_message)
        await ana.say("then")
        await api.wait_for(sent_message)

    assert [u.update_id for u in seen] == [first, first, first + 1]
    assert [c.text for c in api.sent_since(0, chat_id=42)] == ["echo: once", "echo: once", "echo: then"]


async def test_a_document_upload_records_the_bytes(api: BotApiStandIn) -> None:
    async with bot_for(api) as bot:
        sent = await bot.send_document(42, document=b"a,b\n1,2\n", filename="x.txt", caption="the export")
        photo = await bot.send_photo(42, photo=b"\x89PNG...", caption="chart")
        assert sent.document is not None and sent.document.file_name == "x.txt"
        downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()

    upload = next(c for c in api.calls if c.method == "sendDocument")
    assert upload.files == {"document": b"a,b\n1,2\n"} and upload.filenames == {"document": "x.txt"}
    assert upload.params == {"chat_id": 42, "caption": "the export"}
    assert bytes(downloaded) == b"a,b\n1,2\n"
    assert sent.caption == "the export"
    assert photo.photo and photo.caption == "chart"
    assert [c.method for c in api.sent_since(0, chat_id=42)] == ["sendDocument", "sendPhoto"]


async def test_what_users_send_is_parsed_by_ptb(api: BotApiStandIn) -> None:
    ana = api.user(42)
    await ana.send_photo()
    await ana.send_sticker()
    await ana.send_document(b"my answers", "answers.txt")
    await ana.send_location()
    await ana.send_voice()
    async with bot_for(api) as bot:
        updates = await bot.get_updates(timeout=0)
        messages = [u.message for u in updates if u.message]
        assert [bool(m.photo) for m in messages] == [True, False, False, False, False]
        assert messages[1].sticker is not None and messages[1].sticker.emoji == "👍"
        assert messages[2].document is not None and messages[2].document.file_name == "answers.txt"
        file = await messages[2].document.get_file()
        assert bytes(await file.download_as_bytearray()) == b"my answers"
        assert messages[3].location is not None and messages[4].voice is not None
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert api.pending_updates == []


async def test_a_long_poll_returns_as_soon_as_an_update_is_pushed(api: BotApiStandIn) -> None:
    async with bot_for(api) as bot:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - started >= 0.9
        poll = asyncio.create_task(bot.get_updates(timeout=10))
        await asyncio.sleep(0.2)
        await api.user(42).say("wake up")
        updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["wake up"]


async def test_fail_next_429_raises_retry_after_once(api: BotApiStandIn) -> None:
    async with bot_for(api) as bot:
        api.fail_next("sendMessage", 429, retry_after=1)
        with pytest.raises(RetryAfter):
            await bot.send_message(42, "too fast")
        sent = await bot.send_message(42, "later")
        api.fail_next("sendMessage", 500)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(42, "broken")
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("noSuchMethod")
    assert sent.message_id == 1
    assert [c.status for c in api.calls if c.method == "sendMessage"] == [429, 200, 500]
    assert [c.text for c in api.sent_since(0)] == ["later"]


async def test_the_rate_limiter_retries_after_a_429(api: BotApiStandIn) -> None:
    api.fail_next("sendMessage", 429, retry_after=1)
    async with running_app(api, rate_limiter=AIORateLimiter(max_retries=2)):
        await api.user(42).say("hello")
        reply = await api.wait_for(sent_message)
    assert reply.text == "echo: hello"
    assert [c.status for c in api.calls if c.method == "sendMessage"] == [429, 200]


async def test_a_wrong_token_is_unauthorized(api: BotApiStandIn) -> None:
    bot = bot_for(api, token="654321:WRONG")
    try:
        with pytest.raises(InvalidToken):
            await bot.initialize()
    finally:
        await bot.shutdown()
    assert (api.calls[-1].method, api.calls[-1].status) == ("getMe", 401)


async def test_webhook_and_commands(api: BotApiStandIn) -> None:
    async with bot_for(api) as bot:
        await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
        assert (api.webhook_url, api.webhook_secret) == ("https://example.org/hook", "s3cret")
        assert (await bot.get_webhook_info()).url == "https://example.org/hook"
        with pytest.raises(Conflict):
            await bot.get_updates(timeout=0)
        await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
        await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "What to do")])
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        await bot.send_chat_action(42, "typing")
    assert api.commands() == [
        {"command": "start", "description": "Begin"},
        {"command": "help", "description": "What to do"},
    ]


async def test_edits_behave_like_telegram(api: BotApiStandIn) -> None:
    async with bot_for(api) as bot:
        message = await bot.send_message(42, "*Pick*", parse_mode="MarkdownV2", reply_markup=KEYBOARD)
        assert message.reply_markup == KEYBOARD
        assert api.last_message(42)["parse_mode"] == "MarkdownV2"
        with pytest.raises(BadRequest, match="not modified"):
            await bot.edit_message_text(
                "*Pick*", 42, message.message_id, parse_mode="MarkdownV2", reply_markup=KEYBOARD
            )
        edited = await bot.edit_message_text("Picked", 42, message.message_id)
        assert isinstance(edited, Message)
        assert edited.text == "Picked" and edited.reply_markup is None  # no reply_markup: the keyboard goes
        with pytest.raises(BadRequest, match="not found"):
            await bot.edit_message_text("x", 42, 999)
        with pytest.raises(BadRequest, match="query"):
            await bot.answer_callback_query("no-such-query")
        with pytest.raises(BadRequest, match="text is empty"):
            await bot.send_message(42, "")
    assert "reply_markup" not in api.last_message(42)


async def test_two_bots_on_one_server_each_get_their_own_updates_and_when_they_were_handed_over() -> None:
    other = "654321:OTHER-TOKEN"
    async with SharedBotApi(BotApiStandIn(TOKEN), BotApiStandIn(other)) as shared:
        first, second = shared.bots[TOKEN], shared.bots[other]
        assert first.url == second.url == shared.url
        ana, ben = first.user(42, "Ana"), second.user(43, "Ben")
        await ana.say("for the first bot")
        await ben.say("for the second bot")
        before = time.monotonic()
        [to_first] = await bot_for(first).get_updates(timeout=0)
        [to_second] = await bot_for(second, other).get_updates(timeout=0)
        assert to_first.message is not None and to_first.message.text == "for the first bot"
        assert to_second.message is not None and to_second.message.text == "for the second bot"
        assert ana.last_update_id == to_first.update_id and ben.last_update_id == to_second.update_id
        assert before <= first.handed[to_first.update_id] <= second.handed[to_second.update_id] <= time.monotonic()
        with pytest.raises(InvalidToken):
            await bot_for(first, "999:UNKNOWN").get_me()
