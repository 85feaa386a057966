"""`consult serve`'s front doors: bad requests refused cleanly, no answer text in the logs, a prompt stop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from slack_bolt.request.async_request import AsyncBoltRequest

from bots import bootstrap, runner
from bots.config import Settings, SlackSettings
from bots.slack.app import SlackFrontEnd
from tests.support.process import consult, environment, stored
from tests.support.slack_api import SlackStandIn
from tests.test_delivery import SIGNING_SECRET, SLACK_TOKEN, slack_dm
from tests.test_serve import free_port, listening
from tests.test_slack_e2e import signature

SECRET_ANSWER = "Nobody-may-read-this-answer-7731"


def signed(body: str, timestamp: str | None = None) -> dict[str, str]:
    now = timestamp or str(int(time.time()))
    return {"Content-Type": "application/json", "X-Slack-Request-Timestamp": now,
            "X-Slack-Signature": signature(now, body, SIGNING_SECRET)}


@asynccontextmanager
async def serving_slack(folder: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """A real `consult serve` for Slack, against the Web API stand-in: the process and its base address.

    Stop it within the block (process.terminate()) to read what it logged; it is killed if still running.
    """
    api = SlackStandIn(SLACK_TOKEN)
    await api.start()
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=SLACK_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_BASE_URL=api.url)
    process = await consult(folder, "serve", "--host", "127.0.0.1", "--port", str(port), env=env)
    try:
        await listening(port)
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
        await api.stop()


async def test_slack_requests_not_from_slack_or_not_readable_are_refused_without_a_trace(tmp_path: Path) -> None:
    body, headers = slack_dm(1, SECRET_ANSWER)
    now = headers["X-Slack-Request-Timestamp"]
    form = "Content-Type", "application/x-www-form-urlencoded"
    refusals = [
        ({"Content-Type": "application/json", "X-Slack-Request-Timestamp": now}, body, 401),  # unsigned
        ({**headers, "X-Slack-Signature": signature(now, body, "a-guess")}, body, 401),  # forged
        ({**headers, "X-Slack-Request-Timestamp": "yesterday"}, body, 400),  # not a number
        (signed(body[:40]), body[:40], 400),  # signed, but cut short
        (signed("[1, 2]"), "[1, 2]", 400),  # signed JSON, not a payload
        (signed(SECRET_ANSWER), SECRET_ANSWER, 400),
        ({**signed("payload=%7Bnot+json"), form[0]: form[1]}, "payload=%7Bnot+json", 400),
    ]
    async with serving_slack(tmp_path) as (process, address), aiohttp.ClientSession() as http:
        for sent_headers, sent_body, status in refusals:
            async with http.post(f"{address}/slack/events", data=sent_body.encode(), headers=sent_headers) as refused:
                assert refused.status == status, sent_body
        assert await stored(tmp_path, "slack:T0TEST:U0ANA") is None
        async with http.post(f"{address}/slack/events", data=body, headers=headers) as accepted:
            assert accepted.status == 200
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log and SECRET_ANSWER not in log
    assert log.count("slack: refused") == len(refusals)
    assert await stored(tmp_path, "slack:T0TEST:U0ANA") is not None  # the signed request was taken


async def test_bolt_logs_nothing_of_a_refused_body_at_the_levels_serve_sets(tmp_path: Path,
                                                                             caplog: pytest.LogCaptureFixture) -> None:
    # bolt's request checker logs a refused body at INFO, on a logger whose level bolt copies from the root
    # logger when the app is built, unless the app is given a base logger: slack_bolt's WARNING must hold.
    libraries = {name: logging.getLogger(name).level for name in runner.NOISY}
    caplog.set_level(logging.INFO)  # the root logger as `consult serve` sets it
    runner.quiet_logs()
    app = bootstrap.build(Settings(db=tmp_path / "db.json"))
    try:
        settings = SlackSettings(bot_token=SecretStr(SLACK_TOKEN), signing_secret=SecretStr(SIGNING_SECRET))
        bolt = SlackFrontEnd(app, settings).bolt
        body, headers = slack_dm(1, SECRET_ANSWER)
        forged = {**headers, "X-Slack-Signature": signature(headers["X-Slack-Request-Timestamp"], body, "a-guess")}
        refused = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers=forged))  # type: ignore[arg-type]
        assert refused.status == 401
        assert not [r for r in caplog.records if SECRET_ANSWER in r.getMessage()]
    finally:
        await app.repository.close()
        for name, level in libraries.items():
            logging.getLogger(name).setLevel(level)


async def test_sigterm_stops_serve_within_10_s_though_clients_hold_half_sent_requests(tmp_path: Path) -> None:
    held = []
    async with serving_slack(tmp_path) as (process, address):
        body, headers = slack_dm(1, "hello")
        async with aiohttp.ClientSession() as http, http.post(
                f"{address}/slack/events", data=body, headers=headers) as acknowledged:
            assert acknowledged.status == 200
        for half in (b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 500\r\n\r\n{\"type\": \"event_",  # headers, and part of the body
                     b"POST /slack/events HTTP/1.1\r\nHost: 127"):  # part of the headers
            _, writer = await asyncio.open_connection(*address.removeprefix("http://").split(":"))
            writer.write(half)
            await writer.drain()
            held.append(writer)
        await asyncio.sleep(0.3)
        started = time.monotonic()
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
        took = time.monotonic() - started
        for writer in held:
            writer.close()
    assert process.returncode == 0, stderr.decode()
    assert took < 10, f"stopping took {took:.1f} s"
    assert "Stopped. Every answer received is saved." in stderr.decode()
    session = await stored(tmp_path, "slack:T0TEST:U0ANA")
    assert session is not None and "slack:msg:cm-1" in session.recent_inputs
