"""Admins' /announce and /remind (Telegram), /consult announce and remind (Slack), end to end over the stand-ins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bots import bootstrap
from bots.config import Settings
from core.reminders.log import ANNOUNCEMENT, Entry
from core.service import ConsultService
from tests.support.chat import SMALL, Clock, Respondent
from tests.support.slack_api import TEAM, dm_of
from tests.test_slack_e2e import ADMIN as SLACK_ADMIN
from tests.test_slack_e2e import workspace
from tests.test_telegram_e2e import ADMIN, Person, running

EXTENDED = "The deadline is extended to 31 August."


def with_reminders(tmp_path: Path) -> Path:
    """SMALL, closing in 3 days, a reminder 7 days before closing, at any hour."""
    now = datetime.now(UTC)
    head, items = SMALL.split("[[items]]", 1)
    dates = f"closes = {(now + timedelta(days=3)):%Y-%m-%dT%H:%M:%SZ}\nreminder_hours = [0, 24]\n"
    path = tmp_path / "q.toml"
    path.write_text(head + dates + "[[items]]" + items + '[[reminders]]\nbefore_closing = "7d"\n', encoding="utf-8")
    return path


async def stopped(tmp_path: Path, questionnaire: Path, respondent_ids: list[str], db: str = "db.json") -> None:
    """Respondents who began five days ago and stopped at question 2."""
    app = bootstrap.build(Settings(_env_file=None, db=tmp_path / db, questionnaire=questionnaire))
    service = ConsultService(app.questionnaire, app.repository, Clock(datetime.now(UTC) - timedelta(days=5)))
    for respondent_id in respondent_ids:
        channel, name = respondent_id.split(":", 1)
        await Respondent(service, name, channel).says("start", "yes")
    await app.repository.close()


async def test_telegram_admin_previews_confirms_and_gets_the_report(tmp_path: Path) -> None:
    questionnaire = with_reminders(tmp_path)
    await stopped(tmp_path, questionnaire, ["telegram:501", "telegram:502", "console:cem"])
    async with running(tmp_path, questionnaire) as world:
        api = world.api
        admin = Person(api, api.user(ADMIN, "Secretariat"))
        stranger = Person(api, api.user(77, "Bob"))
        await stranger.say(f"/announce everyone {EXTENDED}", expect="are for the secretariat")

        await admin.say("/announce everyone", expect="An announcement needs a text")
        await admin.say("/announce yes", expect="No announcement is waiting")
        seen = await admin.say(f"/announce unfinished {EXTENDED}", expect="announce yes")
        assert "This goes to 2 respondents (unfinished): telegram 2." in seen[-1].text
        assert api.messages(501) == []  # nothing before the confirmation
        await admin.say("/announce no", expect="nothing was sent")
        await admin.say(f"/announce unfinished {EXTENDED}", expect="announce yes")
        api.blocked.add(501)  # 501 blocked the bot
        await admin.say("/announce yes", expect="Sent: 1. Blocked (they blocked the bot or left): 1. Failed: 0.")
        assert [m["text"] for m in api.messages(502)] == [EXTENDED]

        seen = await admin.say("/remind", expect="due now (sent by the running bot")
        assert "telegram:502: before_closing:7d" in seen[-1].text and "telegram:501" not in seen[-1].text
        assert "console:cem" not in seen[-1].text  # in the terminal: no reminder can reach them
        assert [m["text"] for m in api.messages(502)] == [EXTENDED]  # a preview sends nothing
    entries = await world.app.send_log.entries()
    assert {e.rule.startswith(ANNOUNCEMENT) for e in entries} == {True}


async def test_slack_admin_announces_with_consult_announce(tmp_path: Path) -> None:
    questionnaire = with_reminders(tmp_path)
    await stopped(tmp_path, questionnaire, [f"slack:{TEAM}:U0ANA", f"slack:{TEAM}:U0BEN"])
    async with workspace(tmp_path, questionnaire.read_text()) as slack:
        admin, ana = slack.user(SLACK_ADMIN), slack.user("U0ANA")
        await ana.say(f"Announce {EXTENDED}", expect="Phone")  # a respondent's answer that begins with the word
        assert not any("for the secretariat" in shown for shown in ana.seen)
        seen = await admin.slash(f"announce submitted {EXTENDED}", expect="announce yes")
        assert "This goes to 0 respondents (submitted): nobody." in seen[0]
        seen = await admin.slash(f"announce everyone {EXTENDED}", expect="announce yes")
        assert "This goes to 2 respondents (everyone): slack 2." in seen[0]
        slack.api.rate_limit_once("chat.postMessage")  # waited out (Retry-After) and tried again
        await admin.slash("announce yes", expect="Sent: 2.")
        assert [m.shown() for m in slack.api.in_channel(dm_of("U0BEN"))][-1] == EXTENDED
        seen = await admin.slash("remind", expect="due now (sent by the running bot")
        assert f"slack:{TEAM}:U0BEN: before_closing:7d" in seen[0]


async def test_telegram_admin_gets_a_report_even_when_sending_stops(tmp_path: Path) -> None:
    questionnaire = with_reminders(tmp_path)
    await stopped(tmp_path, questionnaire, ["telegram:501"])
    async with running(tmp_path, questionnaire) as world:
        admin = Person(world.api, world.api.user(ADMIN, "Secretariat"))

        async def disk_full(entry: Entry) -> None:
            raise OSError(28, "No space left on device")

        world.app.send_log.add = disk_full  # type: ignore[method-assign]
        await admin.say(f"/announce unfinished {EXTENDED}", expect="announce yes")
        await admin.say("/announce yes", expect="The announcement stopped before the end (OSError)")


async def test_slack_admin_gets_a_report_even_when_sending_stops(tmp_path: Path) -> None:
    questionnaire = with_reminders(tmp_path)
    await stopped(tmp_path, questionnaire, [f"slack:{TEAM}:U0ANA"])
    async with workspace(tmp_path, questionnaire.read_text()) as slack:
        admin = slack.user(SLACK_ADMIN)

        async def disk_full(entry: Entry) -> None:
            raise OSError(28, "No space left on device")

        slack.app.send_log.add = disk_full  # type: ignore[method-assign]
        await admin.slash(f"announce everyone {EXTENDED}", expect="announce yes")
        await admin.slash("announce yes", expect="The announcement stopped before the end (OSError)")
