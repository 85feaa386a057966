"""`consult invite links --out DIR`: per invitation a QR code and a note of its ways in; one mail-merge CSV."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import segno
from telegram import Bot
from telegram.error import TelegramError

from bots.bootstrap import App
from core.invitations.links import MAIL_MERGE_COLUMNS, WaysIn, mail_merge_row, note, ways_in
from core.invitations.model import Invitation

MAIL_MERGE_FILE = "invitations.csv"
QR_SCALE = 8  # pixels per module: about 300 px wide, sharp on paper and on screen


async def write(app: App, folder: Path) -> int:
    """Write the links of every open invitation into `folder`; the exit code."""
    invitations = [inv for inv in await app.invitations.all() if not inv.revoked]
    if not invitations:
        print("There are no open invitations yet. Add some with 'consult invite import FILE'.", file=sys.stderr)
        return 1
    username = await bot_username(app)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for invitation in invitations:
        ways = ways_in(invitation, username, app.settings.slack.app_link)
        _write_one(folder, invitation, ways)
        rows.append(mail_merge_row(invitation, ways))
    _write_csv(folder / MAIL_MERGE_FILE, rows)
    print(f"Wrote the links of {len(invitations)} invitation(s) to {folder}, and {MAIL_MERGE_FILE} for a mail merge.")
    if username is None:
        print("No Telegram links: set TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, to ask Telegram).", file=sys.stderr)
    return 0


async def bot_username(app: App) -> str | None:
    """The Telegram bot's user name: from the settings, or asked of the Bot API (getMe)."""
    telegram = app.settings.telegram
    if telegram.bot_username or not telegram.configured:
        return telegram.bot_username
    assert telegram.bot_token is not None
    base = telegram.api_base_url or "https://api.telegram.org/bot"
    try:
        async with Bot(telegram.bot_token.get_secret_value(), base_url=base) as bot:
            return (await bot.get_me()).username
    except TelegramError as error:
        print(f"Telegram did not say the bot's name ({error}); set TELEGRAM_BOT_USERNAME.", file=sys.stderr)
        return None


def _write_one(folder: Path, invitation: Invitation, ways: WaysIn) -> None:
    (folder / f"{ways.code}.txt").write_text(note(invitation, ways), encoding="utf-8")
    if ways.telegram is not None:
        segno.make(ways.telegram, error="m").save(str(folder / ways.qr_file), scale=QR_SCALE, border=4)


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    # UTF-8 with a byte-order mark: Excel then reads accented names right. Cells were checked on import
    # (none starts like a formula), so nothing here can run in a spreadsheet.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MAIL_MERGE_COLUMNS)
        writer.writerows(rows)
