"""Slack: bolt's echo app and `consult serve` answering signed DM events, both posting to one Web API stand-in.

A round trip runs from POSTing the signed event to the app to the stand-in receiving its chat.postMessage.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from bench.roundtrip import children
from bench.roundtrip.rounds import Bots
from bench.serve_children import serving
from bench.serve_processes import dm_event
from bench.slack_ack import SECRET, TOKEN, signed
from tests.support.slack_api import Call, SlackStandIn, dm_of

FIRST_REPLY_SECONDS = 60.0
REPLY_SECONDS = 15.0
QUIET_SECONDS = 0.1


class Chats:
    """People writing to one app in their DMs; `send` is a rounds.Send."""

    def __init__(self, api: SlackStandIn, url: str, http: aiohttp.ClientSession, prefix: str) -> None:
        self.api, self.url, self.http, self.prefix = api, url, http, prefix
        self._numbers = itertools.count()
        self._waited = False
        self.spacing: list[tuple[float, float]] = []  # measured: (seconds since this app's last reply, round trip)
        self._last_reply: float | None = None

    async def send(self, respondent: int, text: str, settle: bool) -> float:
        user = f"U{self.prefix}{respondent:05d}"
        body = dm_event(user, next(self._numbers), text)
        mark = len(self.api.calls)
        began = time.monotonic()
        async with self.http.post(self.url, data=body.encode(), headers=signed(body, "application/json")) as answer:
            await answer.read()
            assert answer.status == 200, f"the app answered the event with HTTP {answer.status}"
        await self.api.wait_for(lambda: self._reply(mark, dm_of(user)),
                                REPLY_SECONDS if self._waited else FIRST_REPLY_SECONDS)
        self._waited = True
        reply = self._reply(mark, dm_of(user))
        assert reply is not None
        if not settle and self._last_reply is not None:
            self.spacing.append((began - self._last_reply, reply.at - began))
        if settle:
            await self.api.quiet(QUIET_SECONDS)
        self._last_reply = max(call.at for call in self.api.called("chat.postMessage", mark))
        return reply.at - began

    def _reply(self, mark: int, channel: str) -> Call | None:
        return next((call for call in self.api.called("chat.postMessage", mark) if call.args["channel"] == channel),
                    None)


@contextlib.asynccontextmanager
async def running(folder: Path, database: str) -> AsyncIterator[Bots]:
    """The Web API stand-in, the bare echo app and `consult serve` (its database at `database`)."""
    api = SlackStandIn(TOKEN)
    await api.start()
    bare = children.child(folder, "slack-echo", "-m", "bench.roundtrip.bare", "slack", api.url, TOKEN, SECRET,
                          env=children.environment())
    try:
        async with bare as echo, serving(1, folder, database, api.url) as [server], aiohttp.ClientSession() as http:
            echo_url = f"http://127.0.0.1:{await children.port_printed(echo)}/slack/events"
            chats = Chats(api, f"http://127.0.0.1:{server.port}/slack/events", http, "C")
            yield Bots(Chats(api, echo_url, http, "E").send, chats.send, server.process.pid, "hello", chats.spacing)
    finally:
        await api.stop()
