"""The ways in of one invitation: Telegram deep link, Slack, the terminal; and the mail-merge rows."""

from __future__ import annotations

from dataclasses import dataclass

from core.invitations.model import Invitation

MAIL_MERGE_COLUMNS = (
    "organisation", "name", "e-mail", "language", "category", "sub-category", "code",
    "telegram link", "slack link", "slack command", "terminal command", "qr code file",
)


@dataclass(frozen=True)
class WaysIn:
    """Where the invited respondent can start, each carrying the code."""

    code: str
    telegram: str | None  # None when the bot's user name is unknown
    slack_link: str | None  # the app's link, when configured
    slack_command: str
    terminal: str

    @property
    def qr_file(self) -> str:
        return f"{self.code}.png"


def ways_in(invitation: Invitation, bot_username: str | None, slack_link: str | None) -> WaysIn:
    """The links and commands for one invitation."""
    code = invitation.code
    telegram = f"https://t.me/{bot_username}?start={code}" if bot_username else None
    return WaysIn(code, telegram, slack_link, f"/consult start {code}", f"consult chat --invite {code}")


def mail_merge_row(invitation: Invitation, ways: WaysIn) -> list[str]:
    """One row of the mail-merge file, in MAIL_MERGE_COLUMNS order."""
    return [
        invitation.organisation, invitation.name or "", invitation.email or "", invitation.language or "",
        invitation.category or "", invitation.subcategory or "", ways.code, ways.telegram or "",
        ways.slack_link or "", ways.slack_command, ways.terminal, ways.qr_file if ways.telegram else "",
    ]


def note(invitation: Invitation, ways: WaysIn) -> str:
    """The short text file written beside each QR code: every way in, one a line."""
    lines = [f"Invitation for {invitation.organisation} (code {ways.code})"]
    if ways.telegram:
        lines.append(f"Telegram: {ways.telegram}")
    lines.append(f"Slack: {ways.slack_link + ' then ' if ways.slack_link else ''}{ways.slack_command}")
    lines.append(f"Terminal: {ways.terminal}")
    return "\n".join(lines) + "\n"
