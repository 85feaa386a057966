"""Slack acknowledgement benchmark: how fast the Slack front end answers Slack's HTTP requests under load.

    python -m bench.slack_ack --respondents 1000 --users 50 --rounds 20 --json

Slack wants every command and button press acknowledged within 3 seconds (events: an HTTP 200 within
3 seconds), or it shows the user an error and retries. The front end stores each input before it
acknowledges it (Slack never resends what was acknowledged), and replies after; this measures it.
A TinyDB database is filled with `--respondents` people who have started; then `--users` of them at
once each send `--rounds` rounds of three signed requests to /slack/events
over HTTP on 127.0.0.1: a DM message, a `/consult status` command, and a button press. Each request's
time to its HTTP response (the acknowledgement) is recorded, and for DM messages also the time until
the reply reached a minimal local Web API. The front end runs in a child process, as `consult serve`
would, so that the load and the server do not share one core. Nothing leaves this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from bots import bootstrap
from bots.config import Settings, SlackSettings
from bots.runner import drain
from bots.slack.app import SlackFrontEnd
from core.chat import actions
from core.inputs import Start

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEAM = "T0BENCH"
ACK_LIMIT_SECONDS = 3.0


class WebApi:
    """The least of the Slack Web API the front end calls; it notes when each DM got a message."""

    def __init__(self) -> None:
        self.posted: dict[str, list[float]] = defaultdict(list)
        self.texts: dict[str, list[str]] = defaultdict(list)  # beside `posted`: each message's text
        self._arrived: dict[str, asyncio.Event] = {}
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/api/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def posted_after(self, channel: str, seen: int) -> None:
        """Wait until the channel has more than `seen` messages (woken by the post, not by polling)."""
        while len(self.posted[channel]) <= seen:
            await self._arrived.setdefault(channel, asyncio.Event()).wait()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form: dict[str, Any] = dict(request.query)  # slack_sdk sends some arguments in the query string
        form.update(await request.json() if request.content_type == "application/json" else await request.post())
        if method == "auth.test":
            return web.json_response({"ok": True, "user_id": "U0BOT", "bot_id": "B0BOT", "team_id": TEAM})
        if method == "conversations.open":
            return web.json_response({"ok": True, "channel": {"id": f"D{form['users']}"}})
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
            channel = str(form.get("channel"))
            self.posted[channel].append(time.monotonic())
            self.texts[channel].append(str(form.get("text", "")))
            if (arrived := self._arrived.pop(channel, None)) is not None:
                arrived.set()
            return web.json_response({"ok": True, "channel": form.get("channel"), "ts": f"{time.time():.6f}"})
        return web.json_response({"ok": True})


def signed(body: str, content_type: str) -> dict[str, str]:
    timestamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def requests(user: str, round_number: int, button: str) -> list[tuple[str, str, str]]:
    """One round of one user: a DM message, /consult status, a button press (kind, body, content type)."""
    stamp = f"{1_800_000_000 + round_number}.{abs(hash(user)) % 1_000_000:06d}"
    event = {"type": "message", "channel": f"D{user}", "channel_type": "im", "user": user, "text": "status",
             "ts": stamp, "client_msg_id": f"{user}-{round_number}"}
    message = json.dumps({"type": "event_callback", "team_id": TEAM, "event": event,
                          "event_id": f"Ev{user}{round_number}", "event_time": int(time.time())})
    command = urlencode({"command": "/consult", "text": "status", "team_id": TEAM, "user_id": user,
                         "channel_id": f"D{user}", "trigger_id": f"tr-{user}-{round_number}",
                         "response_url": "http://127.0.0.1:9/unused"})
    action = {"type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "team_id": TEAM},
              "container": {"type": "message", "channel_id": f"D{user}", "message_ts": stamp},
              "channel": {"id": f"D{user}"}, "trigger_id": f"tra-{user}-{round_number}",
              "actions": [{"type": "button", "action_id": "consult:b", "value": button, "action_ts": stamp}]}
    return [("event", message, "application/json"),
            ("command", command, "application/x-www-form-urlencoded"),
            ("action", urlencode({"payload": json.dumps(action)}), "application/x-www-form-urlencoded")]


async def fill(app: bootstrap.App, respondents: int) -> None:
    for n in range(respondents):
        await app.service.handle(f"slack:{TEAM}:U{n:07d}", "slack", Start(), f"fill-{n}")


async def serve(folder: Path, respondents: int, api_url: str) -> None:
    """The front end's side, in its own process: fill the database, listen, stop when stdin closes."""
    app = bootstrap.build(Settings(_env_file=None, db=folder / "db.json"))
    await fill(app, respondents)
    before = asyncio.all_tasks()
    settings = SlackSettings(_env_file=None, bot_token=SecretStr(TOKEN), signing_secret=SecretStr(SECRET),
                             api_base_url=api_url)
    web_app = web.Application()
    web_app.router.add_post("/slack/events", SlackFrontEnd(app, settings).http_handler())
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(runner.addresses[0][1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()
    await drain(before)  # acknowledged requests still being stored and answered
    await app.repository.close()


async def run(respondents: int, users: int, rounds: int) -> dict[str, Any]:
    """Start the front end in a child process (so load and server do not share a core), then load it."""
    api = WebApi()
    await api.start()
    with tempfile.TemporaryDirectory(prefix="consult-bench-") as folder:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.slack_ack", "--serve", folder, "--respondents", str(respondents),
            "--api", api.url, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            port = int((await child.stdout.readline()).decode())
            return await _measure(f"http://127.0.0.1:{port}/slack/events", api, users, rounds)
        finally:
            child.stdin.close()
            await child.wait()
            await api.stop()


async def _measure(url: str, api: WebApi, users: int, rounds: int) -> dict[str, Any]:
    acks: dict[str, list[float]] = defaultdict(list)
    replies: list[float] = []
    button = actions.word("review")
    started = time.monotonic()
    async with aiohttp.ClientSession() as http:
        post = _poster(http, url, acks)
        await asyncio.gather(*(_user(post, api, f"U{n:07d}", rounds, button, replies) for n in range(users)))
    return _summary(acks, replies, time.monotonic() - started)


Poster = Callable[[str, str, str], Awaitable[None]]


def _poster(http: aiohttp.ClientSession, url: str, acks: dict[str, list[float]]) -> Poster:
    async def post(kind: str, body: str, content_type: str) -> None:
        began = time.monotonic()
        async with http.post(url, data=body.encode(), headers=signed(body, content_type)) as response:
            await response.read()
            if response.status != 200:
                raise RuntimeError(f"{kind}: HTTP {response.status}")
        acks[kind].append(time.monotonic() - began)

    return post


async def _user(post: Poster, api: WebApi, user: str, rounds: int, button: str, replies: list[float]) -> None:
    for number in range(rounds):
        for kind, body, content_type in requests(user, number, button):
            seen = len(api.posted[f"D{user}"])
            began = time.monotonic()
            await post(kind, body, content_type)
            if kind == "event":  # the reply: posted once the answer is stored
                while len(api.posted[f"D{user}"]) <= seen:
                    await asyncio.sleep(0.001)
                replies.append(api.posted[f"D{user}"][seen] - began)


def stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"count": len(ordered), "p50_ms": round(cut[49] * 1000, 2), "p99_ms": round(cut[98] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2)}


def _summary(acks: dict[str, list[float]], replies: list[float], seconds: float) -> dict[str, Any]:
    everything = [value for values in acks.values() for value in values]
    return {"acknowledgement": {kind: stats(values) for kind, values in acks.items()},
            "all_acknowledgements": stats(everything),
            "over_3_seconds": sum(value > ACK_LIMIT_SECONDS for value in everything),
            "reply_after_dm_message": stats(replies),
            "requests_per_second": round(len(everything) / seconds, 1)}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=1000, help="people already in the database")
    parser.add_argument("--users", type=int, default=50, help="people sending at the same time")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of three requests per user")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)  # the child process's side
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        asyncio.run(serve(args.serve, args.respondents, args.api))
        return
    result = asyncio.run(run(args.respondents, args.users, args.rounds))
    result["setup"] = {"respondents": args.respondents, "users": args.users, "rounds": args.rounds,
                       "python": platform.python_version(), "cores": os.cpu_count()}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    table = Table("Request", "Count", "p50 ms", "p99 ms", "max ms", title="Slack: time to acknowledge")
    for kind, row in [*result["acknowledgement"].items(), ("reply to a DM", result["reply_after_dm_message"])]:
        table.add_row(kind, str(row["count"]), str(row["p50_ms"]), str(row["p99_ms"]), str(row["max_ms"]))
    Console().print(table)
    print(f"Over 3 seconds: {result['over_3_seconds']}. Requests per second: {result['requests_per_second']}.")


if __name__ == "__main__":
    main()
