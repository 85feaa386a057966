"""The Telegram front end: PTB's Application wired to the core. It translates; the core decides."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from telegram import BotCommand, BotCommandScopeChat, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.helpers import create_deep_linked_url

from bots.bootstrap import App
from bots.config import ConfigError, TelegramSettings
from bots.telegram import mapping, render, sender
from bots.telegram.ordering import OneChatAtATime
from bots.telegram.polling import Poller
from bots.telegram.secretariat import Secretariat
from bots.telegram.sender import TelegramSender
from core import inputs, leadership
from core.chat import actions, copy, present
from core.i18n import LANGUAGES, Translator, translator
from core.outbound import Senders
from core.reply import Reply
from core.service import NOT_SAVED

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
# Seconds one getUpdates waits for news: long enough to be cheap, short enough to stop promptly.
POLL_TIMEOUT = 10
# Update ids remembered against redelivery of what the core does not store (notices, /export).
SEEN_KEPT = 1_000

Context = ContextTypes.DEFAULT_TYPE


class NotAnUpdate(ValueError):
    """A webhook body that is not a Telegram update."""


class TelegramFrontEnd:
    """Respondents in private chats; the secretariat's /progress and /export; groups pointed to a private chat."""

    def __init__(self, app: App, settings: TelegramSettings) -> None:
        assert settings.bot_token is not None
        actions.check_fits(app.questionnaire)
        self.app = app
        self.settings = settings
        builder = (
            Application.builder()
            .token(settings.bot_token.get_secret_value())
            .rate_limiter(sender.rate_limiter())  # at most 28 requests to chats in any second; a 429 waited out
            .concurrent_updates(OneChatAtATime())
        )
        if settings.api_base_url:
            base = settings.api_base_url
            builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
        # No Updater: it confirms a batch to Telegram before processing it (see polling.py).
        self.application = builder.updater(None).build()
        self._polling: asyncio.Task[None] | None = None
        self._stop_polling = asyncio.Event()
        self.secretariat = Secretariat(app, settings.admins, self.application.bot)
        self._sender = TelegramSender(self.application.bot, app.questionnaire)  # one budget for all we send first
        self.secretariat.senders.senders.append(self._sender)
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._add_handlers()

    def _add_handlers(self) -> None:
        a = self.application
        # Groups run in order. -2: an update seen before goes no further (the core spots repeats of
        # what it stores; this covers the rest: notices, /progress, /export). -1: nothing from a group
        # or channel reaches the respondent handlers.
        a.add_handler(TypeHandler(Update, self._once), group=-2)
        a.add_handler(TypeHandler(Update, self._outside_private_chats), group=-1)
        a.add_handler(CommandHandler(["progress", "export", "remind", "announce"], self._secretariat_command,
                                    filters=PRIVATE & filters.UpdateType.MESSAGE))
        a.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT, self._on_text))
        # An edit is an update of its own; without this filter it would be taken as a new answer.
        a.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE & filters.TEXT, self._on_edit))
        a.add_handler(MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.TEXT, self._on_not_text))
        a.add_handler(CallbackQueryHandler(self._on_button))
        a.add_error_handler(self._on_error)

    # Respondents

    async def _on_text(self, update: Update, _: Context) -> None:
        assert update.message is not None
        await self._handle(update, mapping.from_message(update.message))

    async def _on_edit(self, update: Update, _: Context) -> None:
        assert update.edited_message is not None
        await self._handle(update, mapping.from_edit(update.edited_message))

    async def _on_not_text(self, update: Update, _: Context) -> None:
        assert update.message is not None
        if update.message.new_chat_members or update.message.pinned_message:
            return  # service messages, not something the respondent sent
        t = await self._translator(update)
        await update.message.reply_text(t.gettext(mapping.NOT_TEXT))

    async def _on_button(self, update: Update, _: Context) -> None:
        query = update.callback_query
        assert query is not None
        command = mapping.from_button(self.app.questionnaire, query.data)
        # Answered first, whatever follows: the respondent's button stops spinning at once. A failure
        # here (a redelivered, expired query) must not stop the press from being taken.
        try:
            await query.answer((await self._translator(update)).gettext(mapping.NOT_OUR_BUTTON) if command is None
                               else None)
        except TelegramError as exc:
            log.warning("update %s: button not answered: %s", update.update_id, type(exc).__name__)
        if command is None or query.message is None or query.message.chat.type != ChatType.PRIVATE:
            return
        reply = await self._handle(update, command, send=False)
        if reply is None or reply.duplicate:
            return
        message = query.message if isinstance(query.message, Message) else None
        if present.redraws(command, reply) and message is not None:
            # A tick on a multiple choice redraws that message's buttons instead of sending a new one.
            await message.edit_reply_markup(render.keyboard(present.view(self.app.questionnaire, reply)))
        else:
            await self._send(update, reply)

    async def _handle(self, update: Update, command: inputs.Input, *, send: bool = True) -> Reply | None:
        user, chat = update.effective_user, update.effective_chat
        assert user is not None and chat is not None
        # A failed write is a reply too (saved=False: "please send it again"). Any other failure is a
        # fault of ours, and nothing was stored: Telegram will count the update as delivered all the same,
        # so the respondent is told to send it again before the error goes on to be logged.
        try:
            reply = await self.app.service.handle(
                mapping.respondent_id(user.id), mapping.CHANNEL, command, mapping.inbound_id(update),
                locale=user.language_code,  # the respondent's language until they choose one
            )
        except Exception:
            t = await self._translator(update)
            await self.application.bot.send_message(chat.id, t.gettext(NOT_SAVED))
            raise
        if send:
            await self._send(update, reply)
        return reply

    async def _send(self, update: Update, reply: Reply) -> None:
        """Send a reply; nothing for an update already handled (Telegram delivers at least once)."""
        chat, user = update.effective_chat, update.effective_user
        assert chat is not None and user is not None
        if reply.duplicate:
            return
        for out in render.messages(present.view(self.app.questionnaire, reply)):
            await self.application.bot.send_message(
                chat.id, out.text, parse_mode=ParseMode.HTML, reply_markup=out.keyboard
            )
        if reply.submitted:
            await self._send_copy(chat.id, mapping.respondent_id(user.id), reply.language)

    async def _send_copy(self, chat_id: int, respondent: str, language: str) -> None:
        session = await self.app.service.session(respondent)
        if session is None:
            return
        t = translator(language)
        text = copy.answers_copy(self.app.questionnaire, session, t)
        await self.application.bot.send_document(
            chat_id, text.encode(), filename=copy.file_name(self.app.questionnaire),
            # Translators: the caption of the file with the respondent's answers (Telegram).
            caption=t.gettext("A copy of your answers, for your records."),
        )

    async def _translator(self, update: Update) -> Translator:
        """The respondent's language for what is said outside a reply of the core."""
        user = update.effective_user
        if user is None:
            return translator(None)
        return await self.app.service.translator_for(mapping.respondent_id(user.id), user.language_code)

    # The secretariat

    async def _secretariat_command(self, update: Update, _: Context) -> None:
        message, user = update.message, update.effective_user
        assert message is not None and user is not None
        await self.secretariat.command(message.chat_id, user.id, mapping.command_text(message.text or ""),
                                       user.language_code)

    # Groups and channels

    async def _outside_private_chats(self, update: Update, _: Context) -> None:
        chat = update.effective_chat
        if chat is None or chat.type == ChatType.PRIVATE:
            return
        if _asks_for_us(update) and chat.type != ChatType.CHANNEL:
            url = create_deep_linked_url(self.application.bot.username)
            t = translator(update.effective_user.language_code if update.effective_user else None)
            # Translators: a button under a message in a Telegram group (keep it short).
            button = InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("Open a private chat"), url=url)]])
            await self.application.bot.send_message(chat.id, t.gettext(mapping.PRIVATE_ONLY), reply_markup=button)
        raise ApplicationHandlerStop  # nothing said in a group is stored

    async def _once(self, update: Update, _: Context) -> None:
        if update.update_id in self._seen:
            raise ApplicationHandlerStop
        self._seen[update.update_id] = None
        while len(self._seen) > SEEN_KEPT:
            self._seen.popitem(last=False)

    async def _on_error(self, update: object, context: Context) -> None:
        # The type only: an exception's text may quote what a respondent wrote.
        number = update.update_id if isinstance(update, Update) else "-"
        log.error("update %s failed: %s", number, type(context.error).__name__)

    # Running

    async def start(self) -> None:
        """Connect, publish the command menus, and start processing updates."""
        try:
            await self.application.initialize()
        except InvalidToken:  # its message quotes the token: never let it reach a log
            raise ConfigError("TELEGRAM_BOT_TOKEN: Telegram refused this token. Check it with BotFather "
                              "(and TELEGRAM_API_BASE_URL, if set).") from None
        await self._set_commands()
        await self.application.start()

    async def start_polling(self, timeout: int = POLL_TIMEOUT) -> asyncio.Task[None]:
        """Start, then fetch updates by long polling (no public address needed); the task that polls.

        Telegram allows one poller per bot: of several processes, the one that holds the bot's run-once
        lock polls, the others stand by and take over if it dies.
        """
        await self.start()
        await self.application.bot.delete_webhook()
        lock = self.app.run_once(f"telegram-poller:{self.application.bot.id}")

        def poller() -> Poller:
            return Poller(self.application.bot, self._process, timeout)

        leading = leadership.lead(lock, poller, self._stop_polling, name="telegram polling")
        self._polling = asyncio.create_task(leading, name="telegram-polling")
        return self._polling

    def share_senders(self, senders: Senders) -> None:
        """Announcements go through every front end of the process (the runner gives them all)."""
        self.secretariat.senders = senders

    def sender(self) -> TelegramSender:
        """Messages we send first (reminders, announcements), through this bot and its rate limiter."""
        return self._sender

    async def set_webhook(self, url: str, secret: str) -> None:
        """Ask Telegram to post updates to `url` with the secret token (once the server listens)."""
        await self.application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)

    async def process(self, data: dict[str, object]) -> None:
        """One update posted to the webhook, stored and answered before Telegram gets its 200.

        Raises NotAnUpdate for a body that is no update (the webhook refuses it with 400).
        """
        update_id = data.get("update_id")
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            raise NotAnUpdate("no whole-number update_id")
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, ValueError, KeyError, AttributeError):
            raise NotAnUpdate(f"update {update_id} cannot be read") from None
        await self._process(update)

    async def _process(self, update: Update) -> None:
        """Run the handlers (one chat at a time, chats side by side); returns once stored and answered."""
        await self.application.update_processor.process_update(update, self.application.process_update(update))

    async def stop(self) -> None:
        """Stop fetching, finish what is running, disconnect."""
        if self._polling is not None:
            self._stop_polling.set()
            await asyncio.wait([self._polling])  # the batch in hand done and confirmed; a failure is the runner's
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def _set_commands(self) -> None:
        menu = [BotCommand(name, description) for name, description in present.MENU]
        await self.application.bot.set_my_commands(menu)
        for lang in LANGUAGES[1:]:  # Telegram shows each user the menu of their app's language
            t = translator(lang)
            await self.application.bot.set_my_commands(
                [BotCommand(name, t.gettext(description)) for name, description in present.MENU], language_code=lang)
        extra = [BotCommand("progress", "Figures of the consultation"), BotCommand("export", "The compilation files"),
                 BotCommand("remind", "Who would get a reminder now"),
                 BotCommand("announce", "A message to respondents")]
        for admin in self.settings.admins:
            try:
                await self.application.bot.set_my_commands(menu + extra, scope=BotCommandScopeChat(int(admin)))
            except TelegramError as exc:  # an admin who has not opened the bot yet has no chat
                log.warning("admin menu not set for one admin: %s", type(exc).__name__)


def _asks_for_us(update: Update) -> bool:
    """Added to a group, or a command or mention there: worth one answer. Other group talk is ignored."""
    member = update.my_chat_member
    if member is not None:
        return member.new_chat_member.status in (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)
    message = update.message
    if message is None or not message.text:
        return False
    return message.text.startswith("/") or any(e.type == "mention" for e in message.entities or ())
