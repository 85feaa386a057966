"""`consult run telegram` and `consult serve` (Slack) as real processes against stand-ins; `consult progress` counts."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from tests.support.chat import SMALL
from tests.support.slack_api import SlackStandIn, dm_of
from tests.support.telegram_api import BotApiStandIn
from tests.test_cli import consult
from tests.test_serve import free_port, listening
from tests.test_slack_e2e import signature

TOKEN = "123456:TEST-TOKEN"


async def test_consult_run_telegram_serves_a_respondent_to_submission(tmp_path: Path) -> None:
    (tmp_path / "small.toml").write_text(SMALL, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
    async with BotApiStandIn(TOKEN) as api:
        env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=f"{api.url}/bot",
                   CONSULT_QUESTIONNAIRE="small.toml", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bots.cli", "run", "telegram", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            await api.wait_for(lambda c: c.method == "getUpdates", timeout=30)
            ana = api.user(42)

            async def say(text: str, expect: str) -> None:
                mark = api.mark()
                await ana.say(text)
                await api.wait_for(lambda c: c.chat_id == 42 and expect in (c.text or ""), since=mark, timeout=10)

            for text, expect in [("/start", "Question 1 of"), ("yes", "Name"), ("Ana", "Phone"), ("skip", "E-mail"),
                                 ("ana@example.org", "Your sector?"), ("1", "Which topics?"), ("1, 3", "Your motto?"),
                                 ("Open", "Tell us more."), ("More.", "so far"), ("done", "Anything else?"),
                                 ("skip", "last question"), ("submit", "Thank you")]:
                await say(text, expect)
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "Stopped. Every answer received is saved." in stderr.decode()
    for secret in (TOKEN, "ana@example.org", "More."):
        assert secret not in stderr.decode()  # no token and no answer in the logs

    shown = consult(tmp_path, "progress", "--json", env={"CONSULT_QUESTIONNAIRE": "small.toml"})
    report = json.loads(shown.stdout)
    assert (report["started"], report["submitted"]) == (1, 1)
    assert report["by_channel"]["telegram"]["submitted"] == 1


def test_consult_run_without_any_front_end_says_what_to_set(tmp_path: Path) -> None:
    done = consult(tmp_path, "run")
    assert done.returncode == 2
    assert "no chat front end is configured" in done.stderr and "TELEGRAM_BOT_TOKEN" in done.stderr
    done = consult(tmp_path, "run", "slack")
    assert done.returncode == 2 and "SLACK_BOT_TOKEN is not set" in done.stderr
    done = consult(tmp_path, "serve", env={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert done.returncode == 2 and "TELEGRAM_WEBHOOK_URL is not set" in done.stderr
    done = consult(tmp_path, "serve", env={"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "web"})
    assert done.returncode == 2 and "PORT: 'web' is not a port number" in done.stderr
    done = consult(tmp_path, "run", env={"TELEGRAM_ADMIN_IDS": "alice"})
    assert done.returncode == 2 and "TELEGRAM_ADMIN_IDS" in done.stderr and "alice" in done.stderr


async def test_consult_serve_slack_serves_a_respondent_to_submission(tmp_path: Path) -> None:
    (tmp_path / "small.toml").write_text(SMALL, encoding="utf-8")
    secret, port = "signing-secret-for-tests", free_port()
    api = SlackStandIn("xoxb-test-token")
    await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-test-token", SLACK_SIGNING_SECRET=secret, SLACK_API_BASE_URL=api.url,
               CONSULT_QUESTIONNAIRE="small.toml", PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port), cwd=tmp_path,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    dm = dm_of("U0ANA")
    try:
        await listening(port)
        async with aiohttp.ClientSession() as http:
            for n, (text, expect) in enumerate([
                ("hello", "Question 1 of"), ("yes", "Name"), ("Ana", "Phone"), ("skip", "E-mail"),
                ("<mailto:ana@example.org|ana@example.org>", "Your sector?"), ("1", "Which topics?"),
                ("1, 3", "Your motto?"), ("Open", "Tell us more."), ("More.", "so far"),
                ("done", "Anything else?"), ("skip", "last question"), ("submit", "Thank you"),
            ]):
                seen = len(api.in_channel(dm))
                event = {"type": "message", "channel": dm, "channel_type": "im", "user": "U0ANA", "text": text,
                         "ts": f"18000000{n:02d}.000100", "client_msg_id": f"cm-{n}"}
                body = json.dumps({"type": "event_callback", "team_id": "T0TEST", "event": event,
                                   "event_id": f"Ev{n}"})
                now = str(int(time.time()))
                headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
                           "X-Slack-Signature": signature(now, body, secret)}
                async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body, headers=headers) as sent:
                    assert sent.status == 200
                await api.wait_for(lambda seen=seen, expect=expect: any(  # type: ignore[misc]
                    expect in posted.shown() for posted in api.in_channel(dm)[seen:]), timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        await api.stop()
    assert process.returncode == 0, stderr.decode()
    for secret_text in ("xoxb-test-token", secret, "ana@example.org", "More."):
        assert secret_text not in stderr.decode()
    report = json.loads(consult(tmp_path, "progress", "--json", env={"CONSULT_QUESTIONNAIRE": "small.toml"}).stdout)
    assert (report["started"], report["submitted"]) == (1, 1)
    assert report["by_channel"]["slack"]["submitted"] == 1


async def test_a_refused_telegram_token_is_named_and_never_printed(tmp_path: Path) -> None:
    revoked = "123456:REVOKED-SECRET-abc"
    async with BotApiStandIn(TOKEN) as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSULT_", "TELEGRAM_", "SLACK_"))}
        env.update(TELEGRAM_BOT_TOKEN=revoked, TELEGRAM_API_BASE_URL=f"{api.url}/bot",
                   PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bots.cli", "run", "telegram", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "TELEGRAM_BOT_TOKEN: Telegram refused this token" in stderr.decode()
    assert "REVOKED" not in stderr.decode()
