"""`consult announce --to AUDIENCE TEXT`: a preview, a confirmation, then the message through every configured bot.

It may run while the bot runs: it sends with the bots' tokens (each platform's rate limits kept by the
senders) and adds to the send log, which the running bot reads too.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import AsyncIterator

from bots.bootstrap import App
from core import announcements
from core.announcements import Announcement, AnnouncementError, Audience
from core.outbound import Sender, Senders


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `consult announce`."""
    parser.add_argument("--to", required=True, choices=[a.value for a in Audience], help="who gets it")
    parser.add_argument("text", nargs="*", help="the message, e.g. \"The deadline is extended to 31 August.\"")
    parser.add_argument("--yes", action="store_true", help="send without asking for confirmation")


def check_arguments(args: argparse.Namespace) -> Announcement:
    """The announcement asked for; AnnouncementError (before the database is opened) when it has no text."""
    return announcements.parse(f"{args.to} {' '.join(args.text)}")


async def run(app: App, announcement: Announcement, *, confirmed: bool) -> int:
    """Preview, confirm, send, report."""
    async with _senders(app) as sender:
        who = await announcements.recipients(app.repository.each(), announcement.audience)
        print(announcements.preview(announcement, who, sender))
        if not confirmed and not _confirmed():
            print("\nNothing was sent.")
            return 1
        report = await announcements.send(announcement, who, sender, app.send_log, app.service.now())
    print(report.text())
    return 0


def _confirmed() -> bool:
    """True when the person typed yes; no answer at all (stdin closed, e.g. in a script) is a no."""
    try:
        answer = input("\nSend it? Type yes to send: ")
    except EOFError:
        return False
    return answer.strip().casefold() in ("yes", "y")


@contextlib.asynccontextmanager
async def _senders(app: App) -> AsyncIterator[Senders]:
    """A sender per configured bot token (none configured: only the terminal, which nobody can be sent to)."""
    found: list[Sender] = []
    async with contextlib.AsyncExitStack() as stack:
        telegram, slack = app.settings.telegram, app.settings.slack
        if telegram.bot_token is not None:
            from bots.telegram.sender import TelegramSender, outbound_bot

            bot = outbound_bot(telegram)
            await bot.initialize()
            stack.push_async_callback(bot.shutdown)
            found.append(TelegramSender(bot, app.questionnaire))
        if slack.bot_token is not None:
            from bots.slack.sender import SlackSender, client

            found.append(SlackSender(client(slack.bot_token.get_secret_value(), slack.api_base_url),
                                     app.questionnaire))
        if not found:
            print("No bot token is set (TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN): nobody can be reached from here.",
                  file=sys.stderr)
        yield Senders(found)


__all__ = ["AnnouncementError", "add_arguments", "check_arguments", "run"]
