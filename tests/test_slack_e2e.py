"""The Slack front end end to end: the real bolt AsyncApp over HTTP, signed requests, a stand-in Web API.

Slack's side is played by the test: it signs each request as Slack does and posts it to /slack/events;
the front end answers through the Web API stand-in on 127.0.0.1, where the test reads what the user sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bots import bootstrap
from bots.bootstrap import App
from bots.config import ConfigError, Settings, SlackSettings
from bots.slack.app import SlackFrontEnd
from core import progress
from core.inputs import Start, parse_text
from core.session import Session, Status
from tests.support.chat import SMALL
from tests.support.disk import busy_disk
from tests.support.slack_api import BOT_ID, BOT_USER, TEAM, Posted, SlackStandIn, dm_of
from tests.test_cli import WALK

SECRET = "test-signing-secret-0123456789abcdef"
TOKEN = "xoxb-test-token"
ADMIN = "U0ADMIN"


def signature(timestamp: str, body: str, secret: str = SECRET) -> str:
    """Slack's v0 request signature."""
    return "v0=" + hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()


def slack_markup(text: str) -> str:
    """A typed text as Slack delivers it: &, < and > escaped, e-mail addresses turned into links."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    words = [f"<mailto:{w}|{w}>" if "@" in w and "." in w.split("@")[-1] else w for w in escaped.split(" ")]
    return " ".join(words)


class Slack:
    """Slack's side: signs requests and delivers them to the front end's /slack/events."""

    def __init__(self, app: App, api: SlackStandIn, client: TestClient[web.Request, web.Application]) -> None:
        self.app, self.api, self.client = app, api, client
        self.numbers = itertools.count(1)

    def user(self, user_id: str) -> User:
        return User(self, user_id)

    async def deliver(self, body: str, content_type: str, *, signed: bool = True, age: int = 0,
                      retry: int | None = None, secret: str = SECRET) -> int:
        timestamp = str(int(time.time()) - age)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
        if signed:
            headers["X-Slack-Signature"] = signature(timestamp, body, secret)
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        response = await self.client.post("/slack/events", data=body.encode(), headers=headers)
        return response.status

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> tuple[str, str]:
        event_id = event_id or f"Ev{next(self.numbers):08d}"
        body = {"token": "legacy", "team_id": TEAM, "api_app_id": "A0TEST", "type": "event_callback",
                "event": event, "event_id": event_id, "event_time": int(time.time())}
        return json.dumps(body), event_id

    def ts(self) -> str:
        return f"{1_800_000_000 + next(self.numbers)}.000200"


class User:
    """One person in Slack: opens the app, types, edits, presses buttons; reads what comes back."""

    def __init__(self, slack: Slack, user_id: str) -> None:
        self.slack, self.id, self.dm = slack, user_id, dm_of(user_id)
        self.events: dict[str, str] = {}  # message ts -> the body that delivered it (for retries)

    @property
    def respondent_id(self) -> str:
        return f"slack:{TEAM}:{self.id}"

    async def session(self) -> Session | None:
        return await self.slack.app.service.session(self.respondent_id)

    async def open_app(self, expect: str | None) -> list[str]:
        event = {"type": "app_home_opened", "user": self.id, "channel": self.dm, "tab": "messages"}
        return await self._event(event, expect)

    async def say(self, text: str, expect: str | None, files: bool = False) -> str:
        """Type a message in the DM; returns its ts."""
        ts = self.slack.ts()
        event: dict[str, Any] = {"type": "message", "channel": self.dm, "channel_type": "im", "user": self.id,
                                 "text": slack_markup(text), "ts": ts, "client_msg_id": f"cm-{ts}", "team": TEAM}
        if files:
            event.update(subtype="file_share", files=[{"id": "F0SNIPPET", "name": "answer.txt"}])
        self.seen = await self._event(event, expect, ts)
        return ts

    async def edit(self, ts: str, old: str, new: str, expect: str | None) -> list[str]:
        event = {"type": "message", "subtype": "message_changed", "channel": self.dm, "channel_type": "im",
                 "hidden": True, "ts": self.slack.ts(),
                 "message": {"type": "message", "user": self.id, "text": slack_markup(new), "ts": ts,
                             "client_msg_id": f"cm-{ts}", "edited": {"user": self.id, "ts": self.slack.ts()}},
                 "previous_message": {"type": "message", "user": self.id, "text": slack_markup(old), "ts": ts}}
        return await self._event(event, expect)

    async def redeliver(self, ts: str) -> list[str]:
        """Slack's retry of the event that carried message `ts`: same body, X-Slack-Retry-Num: 1."""
        return await self._after(self.slack.deliver(self.events[ts], "application/json", retry=1), None)

    async def press(self, label: str, expect: str | None, message: Posted | None = None) -> list[str]:
        message = message or self.message_with(label)
        element = dict(message.buttons()[label])
        element["action_ts"] = f"{time.time():.6f}"
        return await self._act(message, element, expect)

    async def press_value(self, value: str, expect: str | None) -> list[str]:
        """A button payload nobody rendered (a forged or corrupted value)."""
        message = self.slack.api.in_channel(self.dm)[-1]
        element = {"type": "button", "action_id": "consult:opt:0", "value": value, "action_ts": f"{time.time():.6f}"}
        return await self._act(message, element, expect)

    async def slash(self, text: str, expect: str | None, channel: str | None = None) -> list[str]:
        n = next(self.slack.numbers)
        body = {"token": "legacy", "team_id": TEAM, "channel_id": channel or self.dm, "user_id": self.id,
                "command": "/consult", "text": text, "api_app_id": "A0TEST", "trigger_id": f"trigger-{n}",
                "response_url": f"{self.slack.api.root}/respond/{n}"}
        return await self._after(self.slack.deliver(urlencode(body), "application/x-www-form-urlencoded"), expect)

    def message_with(self, label: str) -> Posted:
        """The newest message in the DM with a button (or menu option) labelled `label`."""
        return next(m for m in reversed(self.slack.api.in_channel(self.dm)) if label in m.buttons())

    def last_buttons(self) -> list[str]:
        return list(next(m for m in reversed(self.slack.api.in_channel(self.dm)) if m.buttons()).buttons())

    async def _act(self, message: Posted, element: dict[str, Any], expect: str | None) -> list[str]:
        payload = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": self.id, "team_id": TEAM},
                   "api_app_id": "A0TEST", "token": "legacy", "trigger_id": f"trigger-{self.slack.ts()}",
                   "container": {"type": "message", "message_ts": message.ts, "channel_id": self.dm},
                   "channel": {"id": self.dm, "name": "directmessage"},
                   "message": {"ts": message.ts, "text": message.text, "blocks": message.blocks},
                   "response_url": f"{self.slack.api.root}/respond/0", "actions": [element]}
        body = urlencode({"payload": json.dumps(payload)})
        return await self._after(self.slack.deliver(body, "application/x-www-form-urlencoded"), expect)

    async def _event(self, event: dict[str, Any], expect: str | None, ts: str | None = None) -> list[str]:
        body, _ = self.slack.event_body(event)
        if ts is not None:
            self.events[ts] = body
        return await self._after(self.slack.deliver(body, "application/json"), expect)

    async def _after(self, delivery: Any, expect: str | None) -> list[str]:
        """Deliver, then wait for the reply the user should see (or make sure none comes)."""
        api = self.slack.api
        mark = len(api.calls)
        assert await delivery == 200
        if expect is None:
            await asyncio.sleep(0.3)  # time enough for a wrong answer to arrive
        else:
            await api.wait_for(lambda: any(expect in text for text in self._shown(mark)))
        await api.quiet()
        return self._shown(mark)

    def _shown(self, since: int) -> list[str]:
        """What appeared in the DM since call number `since`: new and updated messages, buttons last."""
        texts = []
        for call in self.slack.api.calls[since:]:
            if call.method in ("chat.postMessage", "chat.update") and call.args.get("channel") == self.dm:
                shown = Posted(self.dm, "", call.args.get("text", ""), call.args.get("blocks", []))
                buttons = " ".join(f"[{label}]" for label in shown.buttons())
                texts.append("\n\n".join(filter(None, [shown.shown(), buttons])))
        return texts


@asynccontextmanager
async def workspace(tmp_path: Path, questionnaire: str | None = None) -> AsyncIterator[Slack]:
    """The stand-in Web API, the front end in HTTP mode over TinyDB in tmp_path, and Slack's side."""
    path = None
    if questionnaire is not None:
        path = tmp_path / "questionnaire.toml"
        path.write_text(questionnaire, encoding="utf-8")
    api = SlackStandIn(TOKEN)
    await api.start()
    app = bootstrap.build(Settings(db=tmp_path / "db.json", questionnaire=path))
    settings = SlackSettings(bot_token=SecretStr(TOKEN), signing_secret=SecretStr(SECRET), admin_ids=ADMIN,
                             app_token=None, api_base_url=api.url)
    web_app = web.Application()
    web_app.router.add_post("/slack/events", SlackFrontEnd(app, settings).http_handler())
    client = TestClient(TestServer(web_app, host="127.0.0.1"))
    await client.start_server()
    try:
        yield Slack(app, api, client)
    finally:
        await client.close()
        await api.stop()
        await app.repository.close()


def answer(session: Session | None, item_id: str) -> Any:
    assert session is not None
    return session.answers[item_id].value if item_id in session.answers else None


async def test_a_respondent_answers_the_whole_questionnaire_in_a_dm(tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with workspace(tmp_path) as slack:
        ana = slack.user("U0ANA")
        first = await ana.open_app(expect="Question 1 of 15")
        assert len(first) == 1 and first[0].startswith("WGEC questionnaire on enhanced cooperation (2013)\n\n")
        assert ana.last_buttons() == ["Yes", "No"]  # no Back on the first question
        assert slack.api.called("auth.test") and {c.token for c in slack.api.calls} == {TOKEN}
        assert await ana.open_app(expect=None) == []  # coming back to the tab posts nothing new

        await ana.press("Yes", expect="Your name (1 of 4)")
        await ana.say("Ana Silva", expect="Your organisation (2 of 4)")
        await ana.say("Open Net Initiative", expect="Your country (3 of 4)")
        await ana.say("Kneya", expect="Did you mean Kenya?")  # misspelt: the country is offered as a button
        await ana.press("Kenya", expect="Your e-mail address (4 of 4)")
        await ana.press("« Back", expect="Your country (3 of 4)")
        await ana.say("Kenya", expect="Your e-mail address (4 of 4)")
        await ana.say("ana@example.org", expect="Question 3 of 15")  # arrives as a mailto: link
        category = ana.message_with("Non-Government")
        await ana.press("Non-Government", expect="Question 4 of 17")
        await ana.press("Civil society", expect="Question 5 of 17")
        await ana.press("With ECOSOC consultative status", expect="Question 6 of 17")

        # A long answer over three messages, with a running count and Done / Cancel.
        await ana.say("Enhanced cooperation matters.", expect="Received: 29 characters so far")
        second = await ana.say("It is about process.", expect="Received: 50 characters so far")
        await ana.say("Even <!channel> & <@U0BEN> agree.", expect="Received: 84 characters so far")
        assert ana.last_buttons() == ["Done", "Cancel"]
        await ana.press("Done", expect="Question 7 of 17")
        await ana.edit(second, "It is about process.", "It is about process and people.",
                       expect="Your answer to question 6 is updated.")
        assert answer(await ana.session(), "q2") == (
            "Enhanced cooperation matters.\nIt is about process and people.\nEven <!channel> & <@U0BEN> agree."
        )
        await ana.say("show 6", expect="Question 6:")
        assert "Even &lt;!channel&gt; &amp; &lt;@U0BEN&gt; agree." in ana.seen[-1] and "<!channel>" not in ana.seen[-1]

        # A button from an earlier question, a forged button, a file: explained, nothing stored.
        before = await ana.session()
        seen = await ana.press("Government", message=category, expect="belongs to an earlier question")
        assert "Question 7 of 17" in seen[-1]
        assert answer(await ana.session(), "q1") == "Non-Government"
        await ana.press_value("c:2:7", expect="That button is not one of ours")
        await ana.say("", files=True, expect="Files cannot be read here")
        assert ana.seen == [ana.seen[0]] and "paste your text as messages" in ana.seen[0]
        after = await ana.session()
        assert after is not None and before is not None and after.answers == before.answers

        await ana.press("Skip", expect="Question 8 of 17")
        await ana.say("Security; access; human rights.", expect="Received: 31 characters")
        await ana.say("done", expect="Question 9 of 17")
        await ana.say("n/a", expect="Received: 3 characters")
        await ana.press("Done", expect="Question 10 of 17")
        for number in range(11, 18):
            await ana.press("Skip", expect=f"Question {number} of 17")
        last = await ana.say("Capacity building.", expect="Received: 18 characters")

        # Slack retries the last event: nothing is posted, nothing is stored twice.
        before = await ana.session()
        assert await ana.redeliver(last) == []
        assert await ana.session() == before
        await ana.press("Done", expect="That was the last question")

        await ana.slash("edit 7", expect="Question 7 of 17")
        await ana.say("Partly implemented.", expect="Received: 19 characters")
        await ana.press("Done", expect="That was the last question")

        # chat.postMessage answers 429 once: the client waits Retry-After and the reply still arrives.
        slack.api.rate_limit_once("chat.postMessage")
        seen = await ana.press("Submit my answers", expect="Your answers are submitted.")
        assert seen[0].startswith("Thank you for your contribution.")
        assert [c.limited for c in slack.api.called("chat.postMessage")].count(True) == 1
        await slack.api.wait_for(lambda: any(f.data for f in slack.api.files_in(ana.dm)))
        [copy] = slack.api.files_in(ana.dm)
        assert copy.filename == "wgec2013-my-answers.txt"
        text = copy.data.decode()
        assert "Ana Silva" in text and "Partly implemented." in text and "It is about process and people." in text

        stored = await ana.session()
        assert stored is not None and stored.status is Status.SUBMITTED and stored.channel == "slack"
        assert answer(stored, "contact") == {"name": "Ana Silva", "organisation": "Open Net Initiative",
                                             "country": "KE", "email": "ana@example.org"}  # the ISO code
        assert answer(stored, "q3") == "Partly implemented." and answer(stored, "q1_group") == "Civil society"
        report = progress.report(slack.app.questionnaire, await slack.app.repository.all(), slack.app.service.now())
        assert (report.started, report.submitted, report.by_channel["slack"].submitted) == (1, 1, 1)
    assert "slack: ToService slack:msg:" in caplog.text  # kinds and ids are logged...
    for secret in (TOKEN, SECRET, "Ana Silva", "Kenya", "process and people"):
        assert secret not in caplog.text  # ...never tokens or answers


async def test_multiple_choice_ticks_redraw_the_same_message(tmp_path: Path) -> None:
    async with workspace(tmp_path, SMALL) as slack:
        ana = slack.user("U0ANA")
        await ana.slash("", expect="Question 1 of")
        await ana.press("Yes", expect="Name (1 of 3)")
        await ana.say("Ana", expect="Phone (2 of 3)")
        await ana.press("Skip", expect="E-mail (3 of 3)")
        await ana.say("ana@example.org", expect="Your sector?")
        await ana.press("Government", expect="Which topics?")
        topics = ana.message_with("Access")
        posted = len(slack.api.called("chat.postMessage"))

        seen = await ana.press("Access", expect="[✓ Access]")
        assert len(seen) == 1 and len(slack.api.called("chat.postMessage")) == posted  # updated, not reposted
        [update] = slack.api.called("chat.update")
        assert update.args["ts"] == topics.ts
        await ana.press("Security", expect="[✓ Security]")
        assert set(ana.message_with("Done").buttons()) >= {"✓ Access", "✓ Security", "Rights", "Done"}
        assert ana.message_with("Done").ts == topics.ts
        await ana.press("Done", expect="Your motto?")
        assert answer(await ana.session(), "topics") == ["Access", "Security"]

        seen = await ana.press("Rights", message=topics, expect="belongs to an earlier question")
        assert answer(await ana.session(), "topics") == ["Access", "Security"]
        assert len(slack.api.called("chat.update")) == 2  # the stale press posted a new message instead


async def test_secretariat_progress_and_export_and_everyone_else_refused(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        service = slack.app.service
        await service.handle(f"slack:{TEAM}:U0ANA", "slack", Start())
        for line in WALK:
            await service.handle(f"slack:{TEAM}:U0ANA", "slack", parse_text(line))
        admin, ben = slack.user(ADMIN), slack.user("U0BEN")

        seen = await admin.slash("progress", expect="Progress of wgec2013")
        assert "Started: 1. Submitted: 1." in seen[0]
        assert slack.api.responses == []  # typed in the DM: no "see the DM" note
        await admin.say("export csv,json", expect="1 respondents")
        shared = {f.filename: f.data for f in slack.api.files_in(admin.dm)}
        assert any(name.endswith(".csv") for name in shared) and any(name.endswith(".json") for name in shared)
        assert all(shared.values()) and b"Enhanced cooperation matters." in b"".join(shared.values())
        seen = await admin.slash("export everything", expect="Formats:")
        assert "xlsx" in seen[0]
        assert await service.session(admin.respondent_id) is None  # the secretariat is not a respondent

        for ask in (ben.slash("progress", expect="are for the secretariat"),
                    ben.slash("export internal", expect="are for the secretariat")):
            seen = await ask
            assert "Started" not in seen[0] and "edit 3 - change your answer" in seen[0]
        await ben.say("export", expect="are for the secretariat")
        assert await service.session(ben.respondent_id) is None
        assert slack.api.files_in(ben.dm) == []


async def test_outside_the_dm_nothing_is_stored(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        ben = slack.user("U0BEN")
        mention = {"type": "app_mention", "user": ben.id, "channel": "C0GENERAL", "ts": slack.ts(),
                   "text": f"<@{BOT_USER}> can I answer here?"}
        body, _ = slack.event_body(mention)
        assert await slack.deliver(body, "application/json") == 200
        await slack.api.wait_for(lambda: slack.api.in_channel("C0GENERAL"))
        [reply] = slack.api.in_channel("C0GENERAL")
        assert reply.thread_ts == mention["ts"] and "only taken in a direct message" in reply.text
        assert await ben.session() is None

        # Our own message echoed back as an event is not an answer.
        own = {"type": "message", "channel": ben.dm, "channel_type": "im", "user": BOT_USER, "bot_id": BOT_ID,
               "text": "Question 1 of 15", "ts": slack.ts()}
        body, _ = slack.event_body(own)
        assert await slack.deliver(body, "application/json") == 200
        await asyncio.sleep(0.2)
        assert slack.api.in_channel(ben.dm) == [] and await ben.session() is None

        # /consult typed in a channel: the conversation goes to the DM, with a note where it is.
        await ben.slash("", expect="Question 1 of 15", channel="C0GENERAL")
        await slack.api.wait_for(lambda: slack.api.responses)
        assert slack.api.responses[0]["text"] == "I have answered you in our direct message."


async def test_unsigned_stale_or_forged_requests_are_refused(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        ana = slack.user("U0ANA")
        event = {"type": "message", "channel": ana.dm, "channel_type": "im", "user": ana.id, "text": "start",
                 "ts": slack.ts(), "client_msg_id": "cm-1"}
        body, _ = slack.event_body(event)
        assert await slack.deliver(body, "application/json", signed=False) == 401
        assert await slack.deliver(body, "application/json", age=301) == 401
        assert await slack.deliver(body, "application/json", secret="not-the-secret") == 401
        command = urlencode({"team_id": TEAM, "user_id": ana.id, "command": "/consult", "text": "",
                             "trigger_id": "t1", "channel_id": ana.dm})
        assert await slack.deliver(command, "application/x-www-form-urlencoded", age=600) == 401
        await asyncio.sleep(0.2)
        assert await ana.session() is None
        assert [c for c in slack.api.calls if c.method.startswith("chat.")] == []
        assert await slack.deliver(body, "application/json") == 200  # the same request, signed now
        await slack.api.wait_for(lambda: slack.api.in_channel(ana.dm))
        assert await ana.session() is not None


async def test_missing_secrets_are_named(tmp_path: Path) -> None:
    app = bootstrap.build(Settings(db=tmp_path / "db.json"))
    try:
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
            SlackFrontEnd(app, SlackSettings(bot_token=None, signing_secret=None, app_token=None, admin_ids=""))
        front = SlackFrontEnd(app, SlackSettings(bot_token=SecretStr(TOKEN), signing_secret=None, app_token=None))
        with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
            front.http_handler()
        with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
            await front.run_socket_mode()
    finally:
        await app.repository.close()


async def test_socket_mode_names_a_refused_token(tmp_path: Path) -> None:
    api = SlackStandIn(TOKEN)
    await api.start()
    app = bootstrap.build(Settings(db=tmp_path / "db.json"))
    try:
        for bot, variable in ((TOKEN, "SLACK_APP_TOKEN"), ("xoxb-revoked", "SLACK_BOT_TOKEN")):
            settings = SlackSettings(bot_token=SecretStr(bot), app_token=SecretStr("xapp-wrong"), api_base_url=api.url)
            with pytest.raises(ConfigError, match=f"{variable}: Slack refused it \\(invalid_auth\\)"):
                await SlackFrontEnd(app, settings).run_socket_mode()
    finally:
        await api.stop()
        await app.repository.close()


async def test_socket_mode_connects_with_the_app_token_and_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    api = SlackStandIn(TOKEN)
    await api.start()
    app = bootstrap.build(Settings(db=tmp_path / "db.json"))
    busy_disk(monkeypatch)
    settings = SlackSettings(bot_token=SecretStr(TOKEN), app_token=SecretStr(api.app_token), api_base_url=api.url)
    running = asyncio.create_task(SlackFrontEnd(app, settings).run_socket_mode())
    try:
        ana = dm_of("U0ANA")
        event = {"type": "message", "channel": ana, "channel_type": "im", "user": "U0ANA", "text": "hello",
                 "ts": "1800000001.000100", "client_msg_id": "cm-socket-1"}
        envelope = await api.envelope("events_api", {"type": "event_callback", "team_id": TEAM, "event": event,
                                                     "event_id": "EvSocket1", "event_time": int(time.time())})
        await api.wait_for(lambda: envelope in api.acks)  # acknowledged over the socket, as Slack requires...
        assert await app.service.session(f"slack:{TEAM}:U0ANA") is not None  # ...once the answer is stored
        await api.wait_for(lambda: api.in_channel(ana))
        assert "Question 1 of" in api.in_channel(ana)[-1].shown()
        assert {c.token for c in api.called("apps.connections.open")} == {api.app_token}
        session = await app.service.session(f"slack:{TEAM}:U0ANA")
        assert session is not None and session.status is Status.IN_PROGRESS
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await api.stop()
        await app.repository.close()


async def test_a_reply_lost_to_a_server_error_loses_no_answer(tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    async with workspace(tmp_path) as slack:
        ana = slack.user("U0ANA")
        await ana.open_app(expect="Question 1 of 15")
        await ana.press("Yes", expect="Your name (1 of 4)")
        slack.api.break_once("chat.postMessage")
        await ana.say("Ana Silva", expect=None)
        await slack.api.wait_for(lambda: "SlackApiError HTTP 500" in caplog.text)
        assert answer(await ana.session(), "contact") == {"name": "Ana Silva"}
        await ana.slash("status", expect="Your organisation (2 of 4)")  # the respondent carries on
