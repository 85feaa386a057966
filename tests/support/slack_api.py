"""A local stand-in of the Slack Web API: an aiohttp server on 127.0.0.1 that records every call.

It answers what the Slack front end uses (auth.test, conversations.open, chat.postMessage, chat.update,
chat.postEphemeral, the three steps of files_upload_v2, a command's response_url), keeps each channel's
messages as Slack would show them, and refuses blocks that break Slack's limits, as Slack does.

Socket Mode too: apps.connections.open (with the app token) gives a ws:// address on the same server;
a client that connects gets Slack's "hello", then the envelopes the test sends with `envelope()`, and
its acknowledgements are recorded in `acks`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEAM = "T0TEST"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"


@dataclass
class Call:
    """One Web API call as received."""

    method: str
    args: dict[str, Any]
    token: str | None
    limited: bool = False  # answered with 429
    peer: Any = None  # the caller's address and port: one per connection
    at: float = field(default_factory=time.monotonic)  # when it arrived (its arguments read)


@dataclass
class Posted:
    """A message in a channel, as the user sees it now (after any chat.update)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None

    def shown(self) -> str:
        """The message's visible text: its sections (mrkdwn as sent), else its text."""
        sections = [b["text"]["text"] for b in self.blocks if b.get("type") == "section"]
        return "\n\n".join(sections) if sections else self.text

    def buttons(self) -> dict[str, dict[str, Any]]:
        """Label -> element, for every button and menu option under the message."""
        found: dict[str, dict[str, Any]] = {}
        for block in self.blocks:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                if element["type"] == "button":
                    found[element["text"]["text"]] = element
                for option in element.get("options", []):
                    found[option["text"]["text"]] = {**element, "selected_option": option}
        return found


@dataclass
class Upload:
    """A file sent through files.getUploadURLExternal, the upload URL and files.completeUploadExternal."""

    file_id: str
    filename: str
    data: bytes = b""
    channel: str | None = None


@dataclass
class SlackStandIn:
    """The Web API on 127.0.0.1, a random port. `url` is the base URL to give the client."""

    token: str
    calls: list[Call] = field(default_factory=list)
    messages: list[Posted] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    responses: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""
    root: str = ""
    app_token: str = "xapp-1-test"
    acks: list[str] = field(default_factory=list)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _limited: dict[str, int] = field(default_factory=dict)
    _broken: dict[str, int] = field(default_factory=dict)
    _refused: dict[str, list[str]] = field(default_factory=dict)
    # users.info's tz, by user id (a user not here has none)
    time_zones: dict[str, str] = field(default_factory=dict)
    # users.info's locale (given only when asked with include_locale, as Slack does), by user id
    locales: dict[str, str] = field(default_factory=dict)
    _slow: dict[str, float] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen on 127.0.0.1, on a free port."""
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # users.info and other reads
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/respond/{n}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.root = f"http://127.0.0.1:{port}"
        self.url = f"{self.root}/api/"

    async def stop(self) -> None:
        """Close the server."""
        for socket in self._sockets:
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def rate_limit_once(self, method: str) -> None:
        """Answer the next call of `method` with HTTP 429 and Retry-After: 1."""
        self._limited[method] = self._limited.get(method, 0) + 1

    def refuse_once(self, method: str, error: str) -> None:
        """Answer the next call of `method` with ok=false and `error` (e.g. account_inactive)."""
        self._refused.setdefault(method, []).append(error)

    def break_once(self, method: str) -> None:
        """The next call of `method` gets an HTTP 500 with a plain-text body."""
        self._broken[method] = self._broken.get(method, 0) + 1

    def slow_down(self, method: str, seconds: float) -> None:
        """Every later call of `method` is answered `seconds` late (a slow Slack; 0 ends it)."""
        self._slow[method] = seconds

    def called(self, method: str, since: int = 0) -> list[Call]:
        """The calls of one method (from call number `since`)."""
        return [call for call in self.calls[since:] if call.method == method]

    def in_channel(self, channel: str) -> list[Posted]:
        """The messages of a channel, oldest first."""
        return [m for m in self.messages if m.channel == channel]

    def files_in(self, channel: str) -> list[Upload]:
        """The files shared to a channel."""
        return [u for u in self.uploads.values() if u.channel == channel]

    async def wait_for(self, done: Callable[[], object], timeout: float = 5.0) -> None:
        """Poll until `done()` is true: the front end answers after acknowledging, asynchronously."""
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError("the Slack stand-in did not receive what was expected in time")
            await asyncio.sleep(0.01)

    async def quiet(self, period: float = 0.08, timeout: float = 5.0) -> None:
        """Wait until no call has come for `period` seconds (a reply may take several messages)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = len(self.calls)
            await asyncio.sleep(period)
            if len(self.calls) == before:
                return
        raise AssertionError("the Slack stand-in never went quiet")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await _arguments(request)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        peer = request.transport.get_extra_info("peername") if request.transport else None
        call = Call(method, args, token, peer=peer)
        self.calls.append(call)
        await asyncio.sleep(self._slow.get(method, 0))
        if self._limited.get(method):
            self._limited[method] -= 1
            call.limited = True
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"})
        if self._refused.get(method):
            return web.json_response({"ok": False, "error": self._refused[method].pop(0)})
        if self._broken.get(method):
            self._broken[method] -= 1
            return web.Response(status=500, text="Server got itself in trouble")  # not JSON, as a proxy answers
        expected = self.app_token if method == "apps.connections.open" else self.token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(answer(args))

    def _auth_test(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://test.slack.example/", "team": "Test", "user": "consult",
                "team_id": TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _apps_connections_open(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.root.replace("http://", "ws://") + "/socket"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0TEST"}})
        async for message in socket:
            if message.type == web.WSMsgType.TEXT and "envelope_id" in (answer := json.loads(message.data)):
                self.acks.append(answer["envelope_id"])
        return socket

    async def envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send one Socket Mode envelope (events_api, slash_commands, interactive); returns its id."""
        await self.wait_for(lambda: self._sockets)
        envelope_id = f"env-{next(self._numbers)}"
        await self._sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                           "accepts_response_payload": False})
        return envelope_id

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": dm_of(str(args["users"]))}}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user: dict[str, Any] = {"id": args["user"], "team_id": TEAM}
        if args["user"] in self.time_zones:
            user["tz"] = self.time_zones[args["user"]]
        if args["user"] in self.locales and str(args.get("include_locale")).lower() in ("true", "1"):
            user["locale"] = self.locales[args["user"]]
        return {"ok": True, "user": user}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if str(args["channel"]).startswith("U"):  # a user's id: the app's DM with them, as Slack does
            args = {**args, "channel": dm_of(str(args["channel"]))}
        if (error := _invalid_blocks(args.get("blocks") or [])) is not None:
            return {"ok": False, "error": "invalid_blocks", "errors": [error]}
        ts = self._ts()
        self.messages.append(Posted(args["channel"], ts, args.get("text", ""), args.get("blocks") or [],
                                    args.get("thread_ts")))
        return {"ok": True, "channel": args["channel"], "ts": ts}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if (error := _invalid_blocks(args.get("blocks") or [])) is not None:
            return {"ok": False, "error": "invalid_blocks", "errors": [error]}
        found = [m for m in self.messages if m.channel == args["channel"] and m.ts == args["ts"]]
        if not found:
            return {"ok": False, "error": "message_not_found"}
        found[0].text, found[0].blocks = args.get("text", ""), args.get("blocks") or []
        return {"ok": True, "channel": args["channel"], "ts": args["ts"]}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self._ts()}

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._numbers):06d}"
        self.uploads[file_id] = Upload(file_id, str(args["filename"]))
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = [self.uploads[f["id"]] for f in args["files"]]
        for upload in files:
            upload.channel = args.get("channel_id")
        return {"ok": True, "files": [{"id": u.file_id, "name": u.filename, "title": u.filename} for u in files]}

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]].data = await request.read()
        return web.Response(text="OK - uploaded")

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    def _ts(self) -> str:
        return f"{1_700_000_000 + next(self._numbers)}.000100"


def dm_of(user_id: str) -> str:
    """The id of the app's direct message with a user (what conversations.open returns)."""
    return "D" + user_id


async def _arguments(request: web.Request) -> dict[str, Any]:
    """Query, JSON body or form fields; fields holding JSON (blocks, files) decoded."""
    args: dict[str, Any] = dict(request.query)  # slack_sdk's `params` travel in the query string
    if request.content_type == "application/json":
        return {**args, **await request.json()}
    form = await request.post()
    args.update({key: str(value) for key, value in form.items()})
    for key in ("blocks", "files"):
        if key in args:
            args[key] = json.loads(args[key])
    return args


def _invalid_blocks(blocks: list[dict[str, Any]]) -> str | None:
    """Slack's rules for blocks (api.slack.com/reference/block-kit), as chat.postMessage enforces them."""
    if len(blocks) > 50:
        return "more than 50 blocks"
    for block in blocks:
        if block["type"] == "section" and not 0 < len(block["text"]["text"]) <= 3000:
            return "section text must be 1 to 3000 characters"
        elements = block.get("elements", []) if block["type"] == "actions" else []
        if len(elements) > 25:
            return "more than 25 elements in an actions block"
        labels = [e["text"]["text"] for e in elements if e["type"] == "button"]
        labels += [o["text"]["text"] for e in elements for o in e.get("options", [])]
        if any(len(label) > 75 for label in labels):
            return "a button or option label over 75 characters"
        if any(len(e.get("options", [])) > 100 for e in elements):
            return "more than 100 options in a menu"
    ids = [e["action_id"] for b in blocks for e in b.get("elements", [])]
    return "action_id values must be unique in a message" if len(ids) != len(set(ids)) else None
