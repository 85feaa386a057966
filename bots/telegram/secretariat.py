"""/progress and /export for the secretariat's Telegram accounts; everyone else learns nothing."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bots.bootstrap import App
from bots.telegram import mapping
from bots.telegram import render as telegram_render
from core import announcements, render
from core.announcements import Announcement, Drafts
from core.chat import secretariat
from core.chat.secretariat import (
    AnnounceConfirm,
    AnnounceRequest,
    ExportError,
    ExportRequest,
    ProgressRequest,
    RemindRequest,
)
from core.i18n import N_, Translator
from core.outbound import Senders

log = logging.getLogger(__name__)

# Translators: {name} is a file name; {reason} a technical name of the error (not translated).
TOO_BIG = N_("{name} could not be sent ({reason}). Run 'consult export' on the server to get it.")
PREPARING = N_("Preparing the files. This can take a minute for a large consultation.")


class Secretariat:
    """Answers the secretariat's commands with the same figures and files as the terminal."""

    def __init__(self, app: App, admins: frozenset[str], bot: Bot) -> None:
        self.app = app
        self.admins = admins
        self.bot = bot
        # Every front end's sender, for announcements (the runner shares them; alone, Telegram's own).
        self.senders = Senders([])
        self.drafts = Drafts()
        self._sending: set[asyncio.Task[None]] = set()

    async def send_text(self, chat_id: int, text: str) -> None:
        """A text of ours, escaped and split below Telegram's limit."""
        await send_plain(self.bot, chat_id, text)

    async def command(self, chat_id: int, user_id: int, text: str, locale: str | None = None) -> None:
        """'/progress' or '/export ...' from anyone: figures and files for admins only."""
        # Whoever asks is told in their language: a respondent's choice, else their Telegram's.
        t = await self.app.service.translator_for(mapping.respondent_id(user_id), locale)
        if not secretariat.is_admin(user_id, self.admins):
            await self.send_text(chat_id, f"{t.gettext(secretariat.NOT_FOR_YOU)}\n\n{t.gettext(render.HELP)}")
            return
        try:
            request = secretariat.parse(text)
        except ExportError as exc:
            await self.send_text(chat_id, f"{exc}.\n\n{secretariat.export_usage(t)}")
            return
        if isinstance(request, ProgressRequest):
            await self._progress(chat_id, t)
        elif isinstance(request, ExportRequest):
            await self._export(chat_id, request, t)
        elif isinstance(request, AnnounceRequest | AnnounceConfirm):
            await self._announce(chat_id, str(user_id), request, t)
        elif isinstance(request, RemindRequest):
            await self.app.service.refresh_window()
            sources = (self.app.questionnaire, self.app.repository, self.app.send_log,
                       self.app.service.questionnaire_for)
            due = await secretariat.remind_message(sources, self.app.service.now(), self.senders.reaches, t)
            await self.send_text(chat_id, due)

    async def _announce(self, chat_id: int, admin: str, request: AnnounceRequest | AnnounceConfirm,
                        t: Translator) -> None:
        if isinstance(request, AnnounceRequest):
            sessions = self.app.repository.each()
            await self.send_text(chat_id, await self.drafts.preview(admin, request.words, sessions, self.senders, t))
            return
        announcement = self.drafts.take(admin)
        if announcement is None or not request.send:
            await self.send_text(chat_id, t.gettext(announcements.NOTHING_WAITING if announcement is None else
                                                    announcements.DROPPED))
            return
        await self.send_text(chat_id, t.gettext(announcements.SENDING))
        # In a task of its own: thousands of messages take minutes, and updates must keep coming meanwhile.
        task = asyncio.create_task(self._send_announcement(chat_id, announcement, t), name="announcement")
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send_announcement(self, chat_id: int, announcement: Announcement, t: Translator) -> None:
        text = await announcements.deliver(announcement, self.app.repository.each(), self.senders, self.app.send_log,
                                           self.app.service.now(), t)
        await self.send_text(chat_id, text)

    async def _progress(self, chat_id: int, t: Translator) -> None:
        await self.app.service.refresh_window()
        dated = self.app.service.questionnaire_for(None)  # with the dates `consult window` set
        text = await secretariat.progress_message(self.app.questionnaire, self.app.repository, self.app.service.now(),
                                                  self.app.invitations, self.app.decisions,
                                                  self.app.read_arrivals, dated, t)
        await self.send_text(chat_id, text)

    async def _export(self, chat_id: int, request: ExportRequest, t: Translator) -> None:
        await self.send_text(chat_id, t.gettext(PREPARING))
        with tempfile.TemporaryDirectory(prefix="consult-export-") as folder:
            files, summary = await secretariat.export_files(
                self.app.questionnaire, self.app.repository, Path(folder) / "export", request, self.app.service.now(),
                self.app.decisions, t,
            )
            for path in files:
                await self._send_file(self.bot, chat_id, path, t)
        await self.send_text(chat_id, summary)

    async def _send_file(self, bot: Bot, chat_id: int, path: Path, t: Translator) -> None:
        try:
            with path.open("rb") as data:
                if path.suffix == ".png":  # charts show as pictures in the chat
                    await bot.send_photo(chat_id, data, caption=path.name)
                else:
                    await bot.send_document(chat_id, data, filename=path.name)
        except TelegramError as exc:  # e.g. larger than the Bot API's 50 MB
            log.warning("export file not sent: %s", type(exc).__name__)
            await self.send_text(chat_id, t.gettext(TOO_BIG).format(name=path.name, reason=type(exc).__name__))


async def send_plain(bot: Bot, chat_id: int, text: str) -> None:
    """Send a text of ours (help, figures) as escaped HTML messages below the limit."""
    for piece in telegram_render.plain(text):
        await bot.send_message(chat_id, piece, parse_mode=ParseMode.HTML)
