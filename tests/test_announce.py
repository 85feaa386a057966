"""Announcements: `consult announce` in the terminal, and admins' /announce (Telegram) and /consult announce (Slack).

Each gives a preview and asks for confirmation; the report counts sent, blocked and failed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bots import bootstrap
from bots.config import Settings
from core import announcements
from core.announcements import Announcement, AnnouncementError, Audience
from core.outbound import Delivery, Outcome
from core.reply import Reply
from core.service import ConsultService
from questionnaire.loader import parse
from storage.memory import MemoryRepository
from storage.send_log import MemorySendLog
from tests.support.chat import SMALL, Clock, Respondent
from tests.support.telegram_api import BotApiStandIn
from tests.test_cli import _env, consult

TOKEN = "123456:TEST-TOKEN"
EXTENDED = "The deadline is extended to 31 August."
T0 = datetime(2013, 8, 10, 9, 0, tzinfo=UTC)


class Recording:
    """A sender that reaches Telegram respondents and records what it sends; `blocked` blocked the bot."""

    def __init__(self, blocked: set[str]) -> None:
        self.blocked = blocked
        self.sent: list[tuple[str, str]] = []

    def reaches(self, respondent_id: str) -> bool:
        return respondent_id.startswith("telegram:")

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        if respondent_id in self.blocked:
            return Outcome(Delivery.BLOCKED, "Forbidden: bot was blocked by the user")
        self.sent.append((respondent_id, reply.text))
        return Outcome(Delivery.SENT)


async def consultation() -> ConsultService:
    """ana submitted; ben is half-way; cem withdrew; dan answers in the terminal."""
    service = ConsultService(parse(SMALL), MemoryRepository(), Clock(T0))
    await Respondent(service, "ana", "telegram").says("start", "yes", "Ana", "skip", "ana@example.org", "1", "1",
                                                       "done", "Motto", "More.", "done", "skip", "submit", "submit")
    await Respondent(service, "ben", "telegram").says("start", "yes")
    await Respondent(service, "cem", "telegram").says("start", "withdraw", "yes")
    await Respondent(service, "dan", "console").says("start")
    return service


@pytest.mark.parametrize(("audience", "expected"), [
    (Audience.EVERYONE, ["console:dan", "telegram:ana", "telegram:ben"]),
    (Audience.UNFINISHED, ["console:dan", "telegram:ben"]),
    (Audience.SUBMITTED, ["telegram:ana"]),
])
async def test_the_audiences_and_never_those_who_withdrew(audience: Audience, expected: list[str]) -> None:
    service = await consultation()
    assert await announcements.recipients(service.repository.each(), audience) == expected


async def test_preview_send_and_report_pass_by_the_blocked() -> None:
    service = await consultation()
    who = await announcements.recipients(service.repository.each(), Audience.EVERYONE)
    sender, log = Recording(blocked={"telegram:ben"}), MemorySendLog()
    announcement = Announcement(Audience.EVERYONE, EXTENDED)
    assert announcements.preview(announcement, who, sender).splitlines() == [
        "This goes to 2 respondents (everyone): telegram 2.",
        "1 more cannot be reached from here (the terminal has no chat).", "", EXTENDED]
    report = await announcements.send(announcement, who, sender, log, T0)
    assert report.text() == ("Sent: 1. Blocked (they blocked the bot or left): 1. Failed: 0. "
                             "Not reachable from here: 1.")
    assert sender.sent == [("telegram:ana", EXTENDED)]
    again = await announcements.send(announcement, who, sender, log, T0)  # ben is known blocked: not tried
    assert again.counts[Delivery.BLOCKED] == 1 and sender.sent[-1] == ("telegram:ana", EXTENDED)
    assert len(sender.sent) == 2



class Unplugged(Recording):
    """A sender whose network gives way for `broken`: its send raises, as a library's bug or fault would."""

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        if respondent_id in self.blocked:
            raise ConnectionResetError("Connection reset by peer")
        return await super().send(respondent_id, reply)


async def test_a_fault_for_one_respondent_is_a_failure_and_the_others_still_get_it() -> None:
    service = await consultation()
    who = await announcements.recipients(service.repository.each(), Audience.EVERYONE)
    sender, log = Unplugged(blocked={"telegram:ana"}), MemorySendLog()
    report = await announcements.send(Announcement(Audience.EVERYONE, EXTENDED), who, sender, log, T0)
    assert report.text().splitlines() == [
        "Sent: 1. Blocked (they blocked the bot or left): 0. Failed: 1. Not reachable from here: 1.",
        "ConnectionResetError: 1"]
    assert sender.sent == [("telegram:ben", EXTENDED)]
    assert [(e.respondent_id, e.state) for e in await log.entries()][:2] == [
        ("telegram:ana", "claimed"), ("telegram:ana", Delivery.FAILED)]


@pytest.mark.parametrize("words", ["everyone", "everyone    ", "", "unfinished \n "])
def test_an_announcement_with_no_text_is_refused(words: str) -> None:
    with pytest.raises(AnnouncementError, match="An announcement needs a text"):
        announcements.parse(words)


def test_an_unknown_audience_is_refused() -> None:
    with pytest.raises(AnnouncementError, match="everyone, unfinished or submitted"):
        announcements.parse("members The deadline is extended")


def test_the_terminal_refuses_an_empty_announcement(tmp_path: Path) -> None:
    done = consult(tmp_path, "announce", "--to", "everyone", "  ")
    assert done.returncode == 2 and "An announcement needs a text" in done.stderr


async def stopped_respondents(tmp_path: Path, ids: list[int]) -> None:
    app = bootstrap.build(Settings(_env_file=None, db=tmp_path / "data" / "consult.json"))
    service = ConsultService(app.questionnaire, app.repository, Clock(T0))
    for n in ids:
        await Respondent(service, str(n), "telegram").says("start")
    await Respondent(service, "dan", "console").says("start")
    await app.repository.close()


async def terminal(tmp_path: Path, api: BotApiStandIn, *args: str, stdin: str) -> tuple[int, str, str]:
    env = _env(tmp_path, {"CONSULT_DB": "data/consult.json", "TELEGRAM_BOT_TOKEN": TOKEN,
                          "TELEGRAM_API_BASE_URL": f"{api.url}/bot"})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "announce", *args, cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(stdin.encode()), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_consult_announce_previews_confirms_sends_and_reports(tmp_path: Path) -> None:
    await stopped_respondents(tmp_path, [1001, 1002, 1003])
    async with BotApiStandIn(TOKEN) as api:
        code, out, _ = await terminal(tmp_path, api, "--to", "unfinished", EXTENDED, stdin="no\n")
        assert code == 1 and "This goes to 3 respondents (unfinished): telegram 3." in out
        assert "Nothing was sent." in out and not [c for c in api.calls if c.method == "sendMessage"]

        api.fail_next("sendMessage", status=403)  # 1001 blocked the bot
        code, out, err = await terminal(tmp_path, api, "--to", "unfinished", EXTENDED, stdin="yes\n")
        assert code == 0, err
        assert "1 more cannot be reached from here" in out
        assert out.rstrip().endswith("Sent: 2. Blocked (they blocked the bot or left): 1. Failed: 0. "
                                     "Not reachable from here: 1.")
        assert [m["text"] for m in api.messages(1002)] == [EXTENDED]
        assert [m["text"] for m in api.messages(1003)] == [EXTENDED]


async def test_consult_announce_with_no_answer_sends_nothing(tmp_path: Path) -> None:
    await stopped_respondents(tmp_path, [1004])
    async with BotApiStandIn(TOKEN) as api:
        code, out, err = await terminal(tmp_path, api, "--to", "everyone", EXTENDED, stdin="")  # stdin closed: EOF
        assert code == 1 and "Nothing was sent." in out and "Traceback" not in err
        assert not [c for c in api.calls if c.method == "sendMessage"]
