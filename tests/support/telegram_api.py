"""A local stand-in for the Telegram Bot API, for end-to-end tests with the real python-telegram-bot.

Point PTB at it and it speaks HTTP to a server on 127.0.0.1 that answers like Telegram does::

    async with BotApiStandIn(TOKEN) as api:
        app = (
            ApplicationBuilder().token(TOKEN)
            .base_url(f"{api.url}/bot").base_file_url(f"{api.url}/file/bot").build()
        )
        ...
        ana = api.user(42)
        await ana.say("/start")
        reply = await api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 42)
        await ana.press(api.last_message(42), "yes")

What it does, and how close to Telegram it is:

* Parameters arrive as PTB sends them: form fields (or multipart when files are uploaded), each value JSON-encoded
  except plain strings. They are decoded back, so ``Call.params["reply_markup"]`` is a dict and
  ``Call.params["chat_id"]`` an int; free-text fields (text, caption, parse_mode, ...) stay strings.
* ``getUpdates`` long-polls: ``offset`` confirms every delivered update with a smaller ``update_id`` (listed in
  ``confirmed``; ``on_confirm`` is called as the request arrives, e.g. to kill the bot right then), ``timeout``
  waits up to that many seconds and returns as soon as something is pushed; a newer ``getUpdates`` ends an older
  one still waiting with 409 Conflict, as Telegram does. Updates are returned sorted by ``update_id``.
* Message ids increase per chat, shared by the user's and the bot's messages. Sending to a chat no user has
  written from is allowed (a private or group chat is made up from the sign of the id).
* Real errors the bot can provoke: editing a message so that nothing changes (400 "message is not modified"),
  editing or deleting an unknown message, answering an unknown or already answered callback query, empty or
  over-long text, callback_data over 64 bytes, ``getUpdates`` while a webhook is set (409), wrong token (401),
  unknown method (404). ``fail_next`` injects 429 / 500 / other failures.
* As on Telegram, ``editMessageText`` / ``editMessageReplyMarkup`` without ``reply_markup`` remove the inline
  keyboard, and only inline keyboards are echoed back in the returned Message. The stored messages
  (``messages`` / ``last_message``) keep any keyboard plus the ``parse_mode`` the bot used.

Waiting for the bot (all on the test's event loop):

* ``mark()`` is ``len(calls)``; ``sent_since(mark, chat_id)`` lists the successful sending/editing calls after it.
* ``wait_for(predicate, timeout, since=0)`` returns the earliest recorded call at index >= ``since`` that matches
  and that no earlier ``wait_for`` returned ("consumed"), waiting for it up to ``timeout`` seconds; it raises
  ``TimeoutError`` listing the recent calls otherwise. So two ``wait_for`` calls with the same predicate return
  two different calls, in order, whatever happened in between.

Calls are recorded when answered (so a long poll shows up when it returns), failed ones included (``Call.status``).
``handed[update_id]`` is when getUpdates last handed that update over (for round trips: bench.roundtrip), and
``FakeUser.last_update_id`` the update the user's last doing pushed. ``SharedBotApi`` serves several bots' stand-ins
on one server, the token in the path choosing the bot (two bots polling one Bot API side by side).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

BOT_USERNAME = "consult_test_bot"
BOT_FIRST_NAME = "Consult"
GROUP_TITLE = "Consultation group"

# Methods whose successful calls count as the bot "sending" something (see ``sent_since``).
SENT_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup"})

# Form fields that are plain strings: PTB sends strings unencoded, so they must not be JSON-decoded ("123" stays
# a string in a text). Every other field is JSON-decoded when it parses (ints, bools, objects, lists).
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "ip_address",
        "callback_query_id",
        "inline_message_id",
        "action",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "title",
        "description",
        "short_description",
        "name",
        "file_id",
        "document",
        "photo",
        "sticker",
        "audio",
        "video",
        "voice",
        "animation",
        "thumbnail",
    }
)

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_FAILURE_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    403: "Forbidden: bot was blocked by the user",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_COMMAND = re.compile(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")


@dataclass
class Call:
    """One request the bot made, as the stand-in understood it."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)
    status: int = 200  # the HTTP status answered: 200, or the error code
    result: Any = None  # the "result" answered when ok
    at: float = field(default_factory=time.monotonic)  # when it arrived (to measure sends per second)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> Any:
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The text, or else the caption, the bot sent."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        value = self.params.get("reply_markup")
        return value if isinstance(value, dict) else None

    def callback_data(self) -> list[str]:
        """The callback_data of every inline button sent with this call, row by row."""
        return callback_data_of(self.reply_markup)


def callback_data_of(reply_markup: dict[str, Any] | None) -> list[str]:
    """The callback_data of every inline button of a reply_markup dict, row by row."""
    if not reply_markup:
        return []
    rows = reply_markup.get("inline_keyboard") or []
    return [button["callback_data"] for row in rows for button in row if "callback_data" in button]


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class _Pending:
    update: dict[str, Any]
    delivered: bool = False


_Handler = Callable[[Call], Awaitable[Any]]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _public(message: dict[str, Any]) -> dict[str, Any]:
    """A stored message as Telegram returns it: no parse_mode, and only an inline keyboard as reply_markup."""
    out = copy.deepcopy(message)
    out.pop("parse_mode", None)
    markup = out.get("reply_markup")
    if not (isinstance(markup, dict) and "inline_keyboard" in markup):
        out.pop("reply_markup", None)
    if isinstance(out.get("reply_to_message"), dict):
        out["reply_to_message"] = _public(out["reply_to_message"])
    return out


class BotApiStandIn:
    """A Bot API server on 127.0.0.1 that records calls and serves queued updates."""

    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: dict[str, Any] = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        }
        self._runner: web.AppRunner | None = None
        self._closing = False
        # updates
        self._pending: list[_Pending] = []
        # Updates the bot has confirmed (a getUpdates offset above them), in order, and who to tell at once.
        self.confirmed: list[dict[str, Any]] = []
        # When each update was last handed to the bot (time.monotonic() as getUpdates answered), by update_id.
        self.handed: dict[int, float] = {}
        self.on_confirm: Callable[[list[dict[str, Any]]], None] | None = None
        self._updates: dict[int, dict[str, Any]] = {}
        self._next_update_id = 1
        self._poll_generation = 0
        self._update_event = asyncio.Event()
        # calls
        self._call_event = asyncio.Event()
        self._consumed: set[int] = set()
        self._failures: dict[str, list[tuple[int, int]]] = {}
        # Users who blocked the bot: every message to their chat is refused with 403, as Telegram does.
        self.blocked: set[int] = set()
        # chats, messages, files, callback queries, commands
        self._chats: dict[int, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._bot_messages: dict[int, list[int]] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self.callback_queries: dict[str, dict[str, Any]] = {}  # every press, by callback query id
        self.answered_callback_queries: dict[str, Call] = {}  # the answerCallbackQuery call, by id
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "setWebhook": self._set_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendDocument": self._send_document,
                "sendPhoto": self._send_photo,
                "sendChatAction": self._send_chat_action,
                "getFile": self._get_file,
            }.items()
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        await self._listen(app)

    async def _listen(self, app: web.Application) -> None:
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def stop(self) -> None:
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------------ the scripted side

    def user(
        self,
        user_id: int,
        first_name: str = "Ana",
        chat_id: int | None = None,
        chat_type: str = "private",
        *,
        language_code: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """A person who writes to the bot, in a private chat (default: chat id = user id) or in a group."""
        chat_id = user_id if chat_id is None else chat_id
        if chat_type == "private":
            chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
            if username:
                chat["username"] = username
        else:
            chat = {"id": chat_id, "type": chat_type, "title": GROUP_TITLE}
        self._chats.setdefault(chat_id, chat)
        sender: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            sender["username"] = username
        if language_code:
            sender["language_code"] = language_code
        return FakeUser(self, sender, self._chats[chat_id])

    def fail_next(self, method: str, status: int = 429, retry_after: int = 1) -> None:
        """Make the next call of ``method`` fail once (calls stack: two fail_next fail the next two calls).

        429 answers "Too Many Requests: retry after N" with parameters.retry_after (PTB raises RetryAfter);
        500 answers "Internal Server Error"; 403 "Forbidden: bot was blocked by the user"; others a generic error.
        """
        self._failures.setdefault(method.lower(), []).append((status, retry_after))

    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update for getUpdates (update_id assigned if missing); returns its update_id."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates[update_id] = update
        self._pending.append(_Pending(update))
        self._wake_pollers()
        return update_id

    def push_again(self, update_id: int) -> None:
        """Deliver an already pushed update once more, with the same update_id (as after a lost confirmation)."""
        if update_id not in self._updates:
            raise KeyError(f"no update {update_id} was ever pushed")
        self._pending.append(_Pending(copy.deepcopy(self._updates[update_id])))
        self._wake_pollers()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates pushed but not yet confirmed by the bot (through getUpdates' offset)."""
        return [copy.deepcopy(entry.update) for entry in self._pending]

    # ------------------------------------------------------------------ looking at what the bot did

    def mark(self) -> int:
        """The number of calls so far: pass it to ``sent_since`` or ``wait_for(since=...)``."""
        return len(self.calls)

    def sent_since(self, mark: int, chat_id: int | None = None) -> list[Call]:
        """Successful sendMessage/sendDocument/sendPhoto/editMessageText/editMessageReplyMarkup calls after mark."""
        return [
            call
            for call in self.calls[mark:]
            if call.method in SENT_METHODS and call.ok and (chat_id is None or call.chat_id == chat_id)
        ]

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0) -> Call:
        """The earliest call at index >= since matching predicate that no earlier wait_for returned.

        Waits up to ``timeout`` seconds for it to be made; raises TimeoutError otherwise.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index in range(since, len(self.calls)):
                if index not in self._consumed and predicate(self.calls[index]):
                    self._consumed.add(index)
                    return self.calls[index]
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{c.method}({c.status})" for c in self.calls[-10:] if c.method != "getUpdates")
                raise TimeoutError(f"no matching Bot API call within {timeout}s; recent calls: {recent or 'none'}")
            event = self._call_event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message the bot sent to the chat (and has not deleted), as stored: current text and keyboard."""
        return [copy.deepcopy(self._messages[(chat_id, mid)]) for mid in self._bot_messages.get(chat_id, [])]

    def last_message(self, chat_id: int) -> dict[str, Any]:
        """The last message the bot sent to the chat, as stored (with reply_markup and parse_mode if any)."""
        ids = self._bot_messages.get(chat_id)
        if not ids:
            raise LookupError(f"the bot has sent nothing to chat {chat_id}")
        return copy.deepcopy(self._messages[(chat_id, ids[-1])])

    def unanswered_callback_queries(self) -> list[str]:
        """Ids of the button presses the bot has not answered with answerCallbackQuery."""
        return [qid for qid in self.callback_queries if qid not in self.answered_callback_queries]

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """The command list set with setMyCommands for that scope and language."""
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    def file_bytes(self, file_id: str) -> bytes:
        """The content of a file known by file_id (uploaded by the bot or sent by a user)."""
        return self._files[file_id][0]

    # ------------------------------------------------------------------ internals used by FakeUser

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if chat_id is None or chat_id == "":
            raise _ApiError(400, "Bad Request: chat_id is empty")
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise _ApiError(400, "Bad Request: chat not found") from None
        if isinstance(chat_id, bool) or not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        if chat_id not in self._chats:
            if chat_id > 0:
                self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "User"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                self._chats[chat_id] = {"id": chat_id, "type": kind, "title": GROUP_TITLE}
        return self._chats[chat_id]

    def _new_message(self, chat: dict[str, Any], sender: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(chat["id"])
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        message = {"message_id": message_id, "date": int(time.time()), "chat": dict(chat), "from": dict(sender)}
        message.update(fields)
        self._messages[(chat_id, message_id)] = message
        if sender.get("id") == self.bot_id:
            self._bot_messages.setdefault(chat_id, []).append(message_id)
        return message

    def _stored(self, chat_id: Any, message_id: Any) -> dict[str, Any]:
        chat = self._chat(chat_id)
        message = self._messages.get((int(chat["id"]), int(message_id or 0)))
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return message

    def _store_file(self, content: bytes, kind: str, filename: str) -> dict[str, Any]:
        number = next(self._file_ids)
        file_id = f"{kind}-{number}"
        self._files[file_id] = (content, f"{kind}s/file_{number}_{filename}")
        return {"file_id": file_id, "file_unique_id": f"u{kind}{number}", "file_size": len(content)}

    def _press(self, user: FakeUser, message: dict[str, Any], data: str, check: bool) -> str:
        chat_id, message_id = int(message["chat"]["id"]), int(message["message_id"])
        current = self._messages.get((chat_id, message_id), message)
        if check and data not in callback_data_of(current.get("reply_markup")):
            raise ValueError(
                f"message {message_id} in chat {chat_id} has no button with callback_data {data!r}; "
                f"it has {callback_data_of(current.get('reply_markup'))}"
            )
        query_id = str(next(self._callback_ids))
        query = {
            "id": query_id,
            "from": dict(user.sender),
            "message": _public(current),
            "chat_instance": str(abs(chat_id)),
            "data": data,
        }
        self.callback_queries[query_id] = query
        self.push({"callback_query": query})
        return query_id

    def _wake_pollers(self) -> None:
        event, self._update_event = self._update_event, asyncio.Event()
        event.set()

    def _record(self, call: Call) -> None:
        self.calls.append(call)
        event, self._call_event = self._call_event, asyncio.Event()
        event.set()

    # ------------------------------------------------------------------ HTTP

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes], dict[str, str]]:
        params: dict[str, Any] = {key: _decode(key, value) for key, value in request.query.items()}
        files: dict[str, bytes] = {}
        filenames: dict[str, str] = {}
        if not request.can_read_body:
            return params, files, filenames
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params, files, filenames
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = value.file.read()
                filenames[key] = value.filename
            else:
                text = value if isinstance(value, str) else bytes(value).decode()
                params[key] = _decode(key, text)
        return params, files, filenames

    async def _handle(self, request: web.Request) -> web.Response:
        token, raw_method = request.match_info["token"], request.match_info["method"]
        params, files, filenames = await self._read_params(request)
        name, handler = self._methods.get(raw_method.lower(), (raw_method, None))
        call = Call(name, params, files, filenames)
        try:
            if token != self.token:
                raise _ApiError(401, "Unauthorized")
            failures = self._failures.get(name.lower())
            if failures:
                status, retry_after = failures.pop(0)
                if status == 429:
                    raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
                raise _ApiError(status, _FAILURE_DESCRIPTIONS.get(status, HTTPStatus(status).phrase))
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            call.result = await handler(call)
        except _ApiError as error:
            call.status = error.status
            self._record(call)
            return web.json_response(error.body(), status=error.status)
        self._record(call)
        return web.json_response({"ok": True, "result": call.result})

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        path = request.match_info["path"]
        for content, file_path in self._files.values():
            if file_path == path:
                return web.Response(body=content, content_type="application/octet-stream")
        return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, call: Call) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, call: Call) -> Any:
        if self.webhook_url:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                "the webhook first",
            )
        self._poll_generation += 1
        generation = self._poll_generation
        # A newer poll ends an older one still waiting (its client may have given up on it).
        self._wake_pollers()
        offset = call.params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._confirm([e for e in self._pending if e.delivered and int(e.update["update_id"]) < offset])
        limit = call.params.get("limit")
        limit = limit if isinstance(limit, int) and 0 < limit <= 100 else 100
        timeout = call.params.get("timeout")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (float(timeout) if isinstance(timeout, int | float) and timeout > 0 else 0.0)
        while not self._pending and not self._closing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            event = self._update_event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                break
            if generation != self._poll_generation:
                raise _ApiError(409, _FAILURE_DESCRIPTIONS[409])
        if generation != self._poll_generation:
            raise _ApiError(409, _FAILURE_DESCRIPTIONS[409])
        batch = sorted(self._pending, key=lambda e: int(e.update["update_id"]))[:limit]
        handed = time.monotonic()
        for entry in batch:
            entry.delivered = True
            self.handed[int(entry.update["update_id"])] = handed
        return [copy.deepcopy(entry.update) for entry in batch]

    def _confirm(self, entries: list[_Pending]) -> None:
        if not entries:
            return
        gone = {id(e) for e in entries}
        self._pending = [e for e in self._pending if id(e) not in gone]
        updates = [copy.deepcopy(e.update) for e in entries]
        self.confirmed.extend(updates)
        if self.on_confirm is not None:
            self.on_confirm(updates)  # as the request arrives, before it is answered

    async def _delete_webhook(self, call: Call) -> Any:
        self.webhook_url, self.webhook_secret = "", None
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _set_webhook(self, call: Call) -> Any:
        url = call.params.get("url")
        self.webhook_url = url if isinstance(url, str) else ""
        secret = call.params.get("secret_token")
        self.webhook_secret = secret if isinstance(secret, str) else None
        if call.params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    async def _get_webhook_info(self, call: Call) -> Any:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": len(self._pending)}

    @staticmethod
    def _commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        scope = scope if isinstance(scope, dict) else {"type": "default"}
        return json.dumps(scope, sort_keys=True), language_code if isinstance(language_code, str) else ""

    async def _set_my_commands(self, call: Call) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, 'Bad Request: parameter "commands" is required')
        key = self._commands_key(call.params.get("scope"), call.params.get("language_code"))
        self._commands[key] = commands
        return True

    async def _get_my_commands(self, call: Call) -> Any:
        key = self._commands_key(call.params.get("scope"), call.params.get("language_code"))
        return self._commands.get(key, [])

    async def _delete_my_commands(self, call: Call) -> Any:
        self._commands.pop(self._commands_key(call.params.get("scope"), call.params.get("language_code")), None)
        return True

    @staticmethod
    def _check_markup(markup: Any) -> None:
        if markup is None:
            return
        if not isinstance(markup, dict):
            raise _ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _ApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any]:
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        original = self._messages.get((chat_id, int(reply_id))) if isinstance(reply_id, int) else None
        if original is None:
            return {}
        original = copy.deepcopy(original)
        original.pop("reply_to_message", None)
        return {"reply_to_message": original}

    def _outgoing(self, call: Call, fields: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(call.chat_id)
        self._check_markup(call.params.get("reply_markup"))
        fields.update(self._reply_to(int(chat["id"]), call.params))
        for key in ("parse_mode", "reply_markup"):
            if key in call.params:
                fields[key] = call.params[key]
        return _public(self._new_message(chat, self.bot_user, fields))

    async def _send_message(self, call: Call) -> Any:
        if call.chat_id in self.blocked:
            raise _ApiError(403, _FAILURE_DESCRIPTIONS[403])
        text = call.params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._outgoing(call, {"text": text})

    def _edit(self, call: Call, changes: dict[str, Any]) -> Any:
        if call.params.get("inline_message_id"):
            return True
        message = self._stored(call.chat_id, call.params.get("message_id"))
        if message["from"].get("id") != self.bot_id:
            raise _ApiError(400, "Bad Request: message can't be edited")
        self._check_markup(changes.get("reply_markup"))
        if all(message.get(key) == value for key, value in changes.items()):
            raise _ApiError(400, _NOT_MODIFIED)
        for key, value in changes.items():
            if value is None:
                message.pop(key, None)
            else:
                message[key] = value
        message["edit_date"] = int(time.time())
        return _public(message)

    async def _edit_message_text(self, call: Call) -> Any:
        text = call.params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        return self._edit(
            call,
            {
                "text": text,
                "parse_mode": call.params.get("parse_mode"),
                "reply_markup": call.params.get("reply_markup"),
            },
        )

    async def _edit_message_reply_markup(self, call: Call) -> Any:
        return self._edit(call, {"reply_markup": call.params.get("reply_markup")})

    async def _delete_message(self, call: Call) -> Any:
        chat = self._chat(call.chat_id)
        chat_id, message_id = int(chat["id"]), call.params.get("message_id")
        if not isinstance(message_id, int) or self._messages.pop((chat_id, message_id), None) is None:
            raise _ApiError(400, "Bad Request: message to delete not found")
        if message_id in self._bot_messages.get(chat_id, []):
            self._bot_messages[chat_id].remove(message_id)
        return True

    async def _answer_callback_query(self, call: Call) -> Any:
        query_id = call.params.get("callback_query_id")
        if query_id not in self.callback_queries or query_id in self.answered_callback_queries:
            raise _ApiError(400, _QUERY_INVALID)
        self.answered_callback_queries[query_id] = call
        return True

    def _upload(self, call: Call, field_name: str, kind: str) -> tuple[dict[str, Any], str]:
        """The stored file for a file parameter: uploaded in the multipart body, or referred to by file_id/URL."""
        part = field_name
        value = call.params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = value.removeprefix("attach://")
        if part in call.files:
            filename = call.filenames.get(part) or field_name
            return self._store_file(call.files[part], kind, filename), filename
        if isinstance(value, str) and value:
            if value in self._files:
                content, _ = self._files[value]
                return {"file_id": value, "file_unique_id": f"u{value}", "file_size": len(content)}, value
            return self._store_file(b"", kind, "remote"), value.rsplit("/", 1)[-1]
        raise _ApiError(400, f"Bad Request: there is no {field_name} in the request")

    def _caption(self, call: Call) -> dict[str, Any]:
        caption = call.params.get("caption")
        return {"caption": caption} if isinstance(caption, str) and caption else {}

    async def _send_document(self, call: Call) -> Any:
        self._chat(call.chat_id)
        info, filename = self._upload(call, "document", "document")
        mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        document = {**info, "file_name": filename, "mime_type": mime_type}
        return self._outgoing(call, {"document": document, **self._caption(call)})

    async def _send_photo(self, call: Call) -> Any:
        self._chat(call.chat_id)
        info, _ = self._upload(call, "photo", "photo")
        small = {**info, "file_id": f"{info['file_id']}-s", "width": 90, "height": 90}
        photo = [small, {**info, "width": 800, "height": 600}]
        return self._outgoing(call, {"photo": photo, **self._caption(call)})

    async def _send_chat_action(self, call: Call) -> Any:
        self._chat(call.chat_id)
        if not isinstance(call.params.get("action"), str):
            raise _ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    async def _get_file(self, call: Call) -> Any:
        file_id = call.params.get("file_id")
        if not isinstance(file_id, str) or file_id not in self._files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        content, path = self._files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}


class FakeUser:
    """The person on the other side of the chat: everything they do is pushed as an update for getUpdates.

    The methods are async (they only yield once to the event loop) so that tests read like a conversation.
    """

    def __init__(self, api: BotApiStandIn, sender: dict[str, Any], chat: dict[str, Any]) -> None:
        self.api = api
        self.sender = sender
        self.chat = chat
        self.id = int(sender["id"])
        self.chat_id = int(chat["id"])
        self.last_update_id: int | None = None  # of the last update this user's doing pushed

    async def _send(self, fields: dict[str, Any]) -> int:
        message = self.api._new_message(self.chat, self.sender, fields)
        self.last_update_id = self.api.push({"message": copy.deepcopy(message)})
        await asyncio.sleep(0)
        return int(message["message_id"])

    @staticmethod
    def _text_fields(text: str) -> dict[str, Any]:
        fields: dict[str, Any] = {"text": text}
        command = _COMMAND.match(text)
        if command and (command.end() == len(text) or text[command.end()].isspace()):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}]
        return fields

    async def say(self, text: str) -> int:
        """Send a text message (a leading /command gets its bot_command entity); returns its message_id."""
        return await self._send(self._text_fields(text))

    async def edit(self, message_id: int, text: str) -> None:
        """Edit one of this user's messages: pushes an edited_message update."""
        message = self.api._messages.get((self.chat_id, message_id))
        if message is None or message["from"].get("id") != self.id:
            raise LookupError(f"user {self.id} has no message {message_id} in chat {self.chat_id}")
        message.pop("entities", None)
        message.update(self._text_fields(text))
        message["edit_date"] = int(time.time())
        self.api.push({"edited_message": copy.deepcopy(message)})
        await asyncio.sleep(0)

    async def press(self, message: dict[str, Any], data: str, *, check: bool = True) -> str:
        """Press the inline button with that callback_data on a bot message; returns the callback query id.

        The query carries the message as currently stored (after the bot's edits). With ``check`` (default), a
        button with that data must be on the message's current keyboard, else ValueError.
        """
        query_id = self.api._press(self, message, data, check)
        await asyncio.sleep(0)
        return query_id

    async def send_photo(self, caption: str | None = None) -> int:
        info = self.api._store_file(b"\x89PNG fake", "photo", "photo.png")
        small = {**info, "file_id": f"{info['file_id']}-s", "width": 90, "height": 90}
        photo = [small, {**info, "width": 800, "height": 600}]
        return await self._send({"photo": photo, **({"caption": caption} if caption else {})})

    async def send_sticker(self, emoji: str = "👍") -> int:
        info = self.api._store_file(b"RIFF fake webp", "sticker", "sticker.webp")
        sticker = {**info, "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False}
        return await self._send({"sticker": {**sticker, "emoji": emoji}})

    async def send_document(
        self, content: bytes = b"hello", file_name: str = "notes.txt", mime_type: str = "text/plain"
    ) -> int:
        info = self.api._store_file(content, "document", file_name)
        return await self._send({"document": {**info, "file_name": file_name, "mime_type": mime_type}})

    async def send_location(self, latitude: float = 38.7223, longitude: float = -9.1393) -> int:
        return await self._send({"location": {"latitude": latitude, "longitude": longitude}})

    async def send_voice(self, duration: int = 3) -> int:
        info = self.api._store_file(b"OggS fake", "voice", "voice.ogg")
        return await self._send({"voice": {**info, "duration": duration, "mime_type": "audio/ogg"}})


class SharedBotApi:
    """Several bots on one Bot API server (one address): the token in each request's path picks the bot's stand-in.

    For side-by-side measurements: bots polling one server share its event loop, as they would share Telegram::

        async with SharedBotApi(BotApiStandIn(ECHO_TOKEN), BotApiStandIn(CONSULT_TOKEN)) as api:
            echo, consult = api.bots.values()   # each with its own updates, chats and calls; api.url for both
    """

    def __init__(self, *stand_ins: BotApiStandIn) -> None:
        self.bots = {stand_in.token: stand_in for stand_in in stand_ins}
        self._owner = stand_ins[0]  # its server is the one; an unknown token is refused by it (401)
        self.url = ""

    async def __aenter__(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        await self._owner._listen(app)
        self.url = self._owner.url
        for stand_in in self.bots.values():
            stand_in._closing, stand_in.url = False, self.url
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        for stand_in in self.bots.values():
            stand_in._closing = True
            stand_in._wake_pollers()
        await self._owner.stop()

    def _bot(self, request: web.Request) -> BotApiStandIn:
        return self.bots.get(request.match_info["token"], self._owner)

    async def _handle(self, request: web.Request) -> web.Response:
        return await self._bot(request)._handle(request)

    async def _download(self, request: web.Request) -> web.Response:
        return await self._bot(request)._download(request)
