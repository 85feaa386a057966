"""Reminders from a real `consult run` process against the Bot API stand-in, killed with SIGKILL mid-round.

Every send is claimed in the log before it goes: after the kill and a restart, nobody gets a reminder twice.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bots import bootstrap
from bots.config import Settings
from core.reminders.log import CLAIMED
from core.service import ConsultService
from storage.send_log import FileSendLog, file_beside
from tests.support.chat import SMALL, Clock, Respondent
from tests.support.telegram_api import BotApiStandIn
from tests.test_cli import consult

TOKEN = "123456:TEST-TOKEN"
PEOPLE = 200  # at 20 reminders a second, ten seconds of sending: time to kill it mid-round
REMINDER = "A reminder: your answers"


def questionnaire(now: datetime) -> str:
    """SMALL, closing in 3 days (so the 7-day reminder is due now), reminders at any hour (tests run at night too)."""
    head, items = SMALL.split("[[items]]", 1)
    dates = (f"opens = {(now - timedelta(days=30)):%Y-%m-%dT%H:%M:%SZ}\n"
             f"closes = {(now + timedelta(days=3)):%Y-%m-%dT%H:%M:%SZ}\nreminder_hours = [0, 24]\n")
    return head + dates + "[[items]]" + items + '[[reminders]]\nbefore_closing = "7d"\n'


async def people_who_stopped(tmp_path: Path, now: datetime, also: Sequence[str] = ()) -> None:
    """PEOPLE respondents on Telegram (and `also` these) who began five days ago and stopped at question 2."""
    app = bootstrap.build(Settings(_env_file=None, db=tmp_path / "data" / "consult.json",
                                   questionnaire=tmp_path / "q.toml"))
    service = ConsultService(app.questionnaire, app.repository, Clock(now - timedelta(days=5)))
    for n in range(PEOPLE):
        await Respondent(service, str(1000 + n), "telegram").says("start", "yes")
    for channel, name in (respondent_id.split(":", 1) for respondent_id in also):
        await Respondent(service, name, channel).says("start", "yes")
    await app.repository.close()


def reminders_by_chat(api: BotApiStandIn) -> Counter[int]:
    return Counter(int(c.chat_id) for c in api.calls if c.method == "sendMessage" and REMINDER in (c.text or ""))


async def test_a_killed_process_never_sends_a_reminder_twice(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    (tmp_path / "q.toml").write_text(questionnaire(now), encoding="utf-8")
    await people_who_stopped(tmp_path, now)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
    async with BotApiStandIn(TOKEN) as api:
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot", CONSULT_QUESTIONNAIRE="q.toml",
                   CONSULT_DB="data/consult.json", PYTHONPATH=str(Path(__file__).resolve().parents[1]))

        async def start() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bots.cli", "run", "telegram", cwd=tmp_path, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)

        first = await start()
        await until(lambda: sum(reminders_by_chat(api).values()) >= PEOPLE // 5, 30)
        first.kill()  # SIGKILL: no chance to finish anything
        await first.wait()
        killed_at = sum(reminders_by_chat(api).values())
        second = await start()
        try:
            await until(lambda: sum(reminders_by_chat(api).values()) >= killed_at + 1, 30)
            await quiet(api, 3.0)
        finally:
            second.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(second.communicate(), 30)
    assert second.returncode == 0, stderr.decode()

    got = reminders_by_chat(api)
    assert killed_at < PEOPLE and max(got.values()) == 1, got  # killed mid-round; nobody twice
    entries = await FileSendLog(file_beside(tmp_path / "data" / "consult.json")).entries()
    claims = Counter(e.respondent_id for e in entries if e.state == CLAIMED)
    assert set(claims) == {f"telegram:{1000 + n}" for n in range(PEOPLE)} and set(claims.values()) == {1}
    # Those claimed when the process died may have been cut off before the message went: missed, never repeated.
    orphans = {e.respondent_id for e in entries} - {e.respondent_id for e in entries if e.state != CLAIMED}
    missed = {f"telegram:{1000 + n}" for n in range(PEOPLE)} - {f"telegram:{chat}" for chat in got}
    assert missed <= orphans


async def until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def quiet(api: BotApiStandIn, period: float) -> None:
    """Until no sendMessage has come for `period` seconds."""
    while True:
        before = len(api.calls)
        await asyncio.sleep(period)
        if len(api.calls) == before:
            return


async def test_consult_remind_dry_run_lists_who_would_get_what_and_sends_nothing(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    (tmp_path / "q.toml").write_text(questionnaire(now), encoding="utf-8")
    await people_who_stopped(tmp_path, now, also=["console:cem"])  # in the terminal: no reminder can reach them
    env = {"CONSULT_QUESTIONNAIRE": "q.toml", "CONSULT_DB": "data/consult.json"}
    shown = consult(tmp_path, "remind", "--dry-run", env=env)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == f"{PEOPLE} reminders are due now (sent by the running bot, at most one each):"
    assert lines[1:PEOPLE + 1] == [f"telegram:{1000 + n}: before_closing:7d" for n in range(PEOPLE)]
    assert "You stopped at question 2 of 7." in shown.stdout and "console:cem" not in shown.stdout
    assert not file_beside(tmp_path / "data" / "consult.json").exists()  # nothing sent, nothing claimed
    refused = consult(tmp_path, "remind", env=env)
    assert refused.returncode == 2 and "--dry-run" in refused.stderr
