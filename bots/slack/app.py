"""The Slack front end: bolt listeners that map the payload and store it, then post the reply once acknowledged."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from pydantic import SecretStr
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bots.bootstrap import App
from bots.config import ConfigError, SlackSettings
from bots.slack import blocks, http, mapping
from bots.slack.mapping import Notice, Person, Route, ToSecretariat, ToService
from bots.slack.sender import SlackSender
from core import announcements
from core.announcements import Drafts
from core.chat import actions, copy, present, secretariat
from core.chat.present import Part, View
from core.export.options import ExportError
from core.i18n import N_, Translator, translator
from core.outbound import Senders
from core.reply import Reply

logger = logging.getLogger(__name__)

RATE_LIMITS = 3  # 429 answers retried after their Retry-After
BASE_URL = AsyncWebClient.BASE_URL
SEEN_KEPT = 1_000
ANSWERED_IN_DM = N_("I have answered you in our direct message.")
# Users whose locale was asked of Slack (users.info), remembered per process: asked once per person.
LOCALES_KEPT = 10_000

# Sends what a stored input calls for: (client, DM channel, the message whose button was pressed).
Send = Callable[[AsyncWebClient, str, "str | None"], Awaitable[None]]


class SlackFrontEnd:
    """Respondents in direct messages and the secretariat's commands, over Socket Mode or HTTP."""

    def __init__(self, app: App, settings: SlackSettings) -> None:
        actions.check_fits(app.questionnaire)
        self.app = app
        self.settings = settings
        token = _required(settings.bot_token, "SLACK_BOT_TOKEN: is not set; copy the Bot User OAuth Token (xoxb-...)")
        retries = [AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMITS)]
        client = AsyncWebClient(token, base_url=settings.api_base_url or BASE_URL, retry_handlers=retries)
        secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
        # Listeners run before the acknowledgement: Slack never resends what was acknowledged, so an input is
        # stored first (milliseconds, well inside Slack's 3 seconds); the reply is sent after, in a task.
        # bolt's loggers copy the root logger's level unless given a base logger: ours keeps them at its level.
        self.bolt = AsyncApp(client=client, signing_secret=secret, process_before_response=True,
                             logger=logging.getLogger("slack_bolt"))
        self._replies: set[asyncio.Task[None]] = set()
        self._sender = SlackSender(client, app.questionnaire)  # one budget for all we send first
        self.senders = Senders([self._sender])
        self.drafts = Drafts()
        # Ids of inputs that store nothing (notices, secretariat): the core cannot spot their redeliveries.
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._locales: OrderedDict[str, str | None] = OrderedDict()
        self.bolt.event("message")(self._on_message)
        self.bolt.event("app_home_opened")(self._on_home)
        self.bolt.event("app_mention")(self._on_mention)
        self.bolt.command("/consult")(self._on_command)
        self.bolt.action(re.compile("^" + re.escape(blocks.ACTION_PREFIX)))(self._on_action)
        self.bolt.error(self._on_error)

    async def open(self) -> None:
        """Keep the Web API's connections open between calls: without a session of its own, slack_sdk opens a
        new connection (on slack.com, a TLS handshake too) for every reply it posts."""
        client = self.bolt.client
        if client.session is None or client.session.closed:
            client.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=client.timeout))

    async def close(self) -> None:
        """Close the Web API's connections (after the last reply was sent)."""
        session, self.bolt.client.session = self.bolt.client.session, None
        if session is not None:
            await session.close()

    async def run_socket_mode(self) -> None:
        """Take events over Socket Mode (no public address needed) until cancelled."""
        token = _required(self.settings.app_token, "SLACK_APP_TOKEN: is not set; Socket Mode needs an app-level "
                                                   "token (xapp-...) with the connections:write scope")
        await self._check(self.bolt.client.auth_test(), "SLACK_BOT_TOKEN")
        await self._check(self.bolt.client.apps_connections_open(app_token=token), "SLACK_APP_TOKEN")
        handler = AsyncSocketModeHandler(self.bolt, token)
        # bolt's Socket Mode handler has no annotations, hence the ignores.
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]

    @staticmethod
    async def _check(call: Awaitable[Any], variable: str) -> None:
        # Fail at start, naming the variable: the Socket Mode client would only log a refusal and wait.
        try:
            await call
        except SlackApiError as exc:
            raise ConfigError(f"{variable}: Slack refused it ({_error_code(exc)})") from None

    def sender(self) -> SlackSender:
        """Messages we send first (reminders, announcements), through this app's client (it retries 429s)."""
        return self._sender

    def share_senders(self, senders: Senders) -> None:
        """Announcements go through every front end of the process (the runner gives them all)."""
        self.senders = senders

    def http_handler(self) -> http.Handler:
        """The aiohttp handler of POST /slack/events: each request's signature checked before its body is read."""
        secret = _required(self.settings.signing_secret, "SLACK_SIGNING_SECRET: is not set; HTTP mode needs it to "
                                                         "check that requests come from Slack")
        return http.handler(self.bolt, secret)

    # Listeners: each stores what is to be stored and returns; bolt acknowledges then; replies follow.

    async def _on_message(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient,
                          context: AsyncBoltContext) -> None:
        person = mapping.event_person(body, event)
        if person is None:
            return
        route = mapping.message(event, str(body.get("event_id")), self._admin(person), context.bot_user_id)
        if isinstance(route, Notice) and event.get("channel_type") != "im":
            if self._first_time(route.inbound_id):
                self._later(client.chat_postEphemeral(channel=event["channel"], user=person.user_id, text=route.text))
        elif route is not None and (send := await self._take(person, route)) is not None:
            self._later(send(client, str(event["channel"]), None))

    async def _on_home(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        person, route = mapping.event_person(body, event), mapping.home_opened(event, str(body.get("event_id")))
        # Only the first visit starts; later visits show the conversation as it is, without a new message.
        if person is None or route is None or await self.app.service.session(person.respondent_id) is not None:
            return
        if (send := await self._take(person, route)) is not None:
            self._later(send(client, str(event["channel"]), None))

    async def _on_mention(self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        notice = mapping.mention(str(body.get("event_id")))
        if self._first_time(notice.inbound_id):
            thread = event.get("thread_ts") or event.get("ts")
            self._later(client.chat_postMessage(channel=event["channel"], thread_ts=thread, text=notice.text))

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                          respond: AsyncRespond) -> None:
        await ack()  # reaches Slack when this listener returns, once the command is stored
        person = mapping.command_person(body)
        send = await self._take(person, mapping.command(body, self._admin(person)))

        async def answer() -> None:
            dm = await self._dm(client, person)
            if send is not None:
                await send(client, dm, None)
            if body.get("channel_id") != dm:
                t = await self.app.service.translator_for(person.respondent_id, lambda: self._locale(person))
                await respond(text=t.gettext(ANSWERED_IN_DM), response_type="ephemeral")

        self._later(answer())

    async def _on_action(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                         client: AsyncWebClient) -> None:
        await ack()  # reaches Slack when this listener returns, once the press is stored
        container = body.get("container") or {}
        route = mapping.action(self.app.questionnaire, body, action)
        if (send := await self._take(mapping.action_person(body), route)) is not None:
            self._later(send(client, str(container.get("channel_id")), container.get("message_ts")))

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        _log_failure(error, f"while handling a {body.get('type') or 'command'}")

    def _later(self, reply: Awaitable[Any]) -> None:
        """Send a reply once Slack has its acknowledgement; a failure is logged (the input is stored)."""

        async def sending() -> None:
            try:
                await reply
            except Exception as error:  # logged; the input is stored whatever happens here
                _log_failure(error, "while replying")

        task = asyncio.create_task(sending(), name="slack-reply")
        self._replies.add(task)
        task.add_done_callback(self._replies.discard)

    # What a route does.

    async def _take(self, person: Person, route: Route) -> Send | None:
        """Store the input if it is one to store (before the acknowledgement); what to send after it, if anything."""
        logger.info("slack: %s %s", type(route).__name__, route.inbound_id)
        if isinstance(route, ToService):
            # A failed write is a reply too (saved=False: "please send it again"): acknowledged, since they are told.
            reply = await self.app.service.handle(person.respondent_id, mapping.CHANNEL, route.command,
                                                  route.inbound_id, locale=lambda: self._locale(person))
            if reply.duplicate:
                return None  # Slack retried something already answered
            return lambda client, dm, on_message: self._serve(client, person, dm, route, reply, on_message)
        if not self._first_time(route.inbound_id):
            return None
        # Told in their language: a respondent's choice, else their Slack locale.
        t = await self.app.service.translator_for(person.respondent_id, lambda: self._locale(person))
        if isinstance(route, ToSecretariat):
            return lambda client, dm, _: self._secretariat(client, dm, route.text, person.user_id, t)
        said = "\n\n".join(t.gettext(paragraph) for paragraph in route.text.split("\n\n"))
        return lambda client, dm, _: self._say(client, dm, said)

    async def _locale(self, person: Person) -> str | None:
        """The user's locale as Slack knows it (users.info); asked while their session has no language, and
        remembered here too (a locale that is none of ours leaves the session without one)."""
        if person.user_id in self._locales:
            return self._locales[person.user_id]
        try:
            info = await self.bolt.client.users_info(user=person.user_id, include_locale=True)
            locale = (info.get("user") or {}).get("locale")
        except SlackApiError as exc:  # no language is no reason to lose an answer: the default one then
            logger.warning("slack: users.info failed: %s", _error_code(exc))
            locale = None
        self._locales[person.user_id] = str(locale) if locale else None
        while len(self._locales) > LOCALES_KEPT:
            self._locales.popitem(last=False)
        return self._locales[person.user_id]

    async def _serve(self, client: AsyncWebClient, person: Person, dm: str, route: ToService, reply: Reply,
                     on_message: str | None) -> None:
        shown = blocks.messages(present.view(self.app.questionnaire, reply))
        if on_message and len(shown) == 1 and present.redraws(route.command, reply):
            # A tick on a multiple choice redraws the same question: update it rather than repeat it.
            await client.chat_update(channel=dm, ts=on_message, text=shown[0].text, blocks=shown[0].blocks)
        else:
            await self._post(client, dm, shown)
        if reply.submitted:
            await self._send_copy(client, person, dm, translator(reply.language))

    async def _secretariat(self, client: AsyncWebClient, dm: str, text: str, admin: str, t: Translator) -> None:
        try:
            request = secretariat.parse(text)
            if isinstance(request, secretariat.AnnounceRequest | secretariat.AnnounceConfirm):
                await self._announce(client, dm, admin, request, t)
            elif isinstance(request, secretariat.ExportRequest):
                await self._export(client, dm, request, t)
            elif isinstance(request, secretariat.RemindRequest):
                await self.app.service.refresh_window()
                sources = (self.app.questionnaire, self.app.repository, self.app.send_log,
                           self.app.service.questionnaire_for)
                due = await secretariat.remind_message(sources, self.app.service.now(), self.senders.reaches, t)
                await self._say(client, dm, due)
            else:
                await self.app.service.refresh_window()
                now, dated = self.app.service.now(), self.app.service.questionnaire_for(None)
                text = await secretariat.progress_message(self.app.questionnaire, self.app.repository, now,
                                                          self.app.invitations, self.app.decisions,
                                                          self.app.read_arrivals, dated, t)
                await self._say(client, dm, text)
        except ExportError as exc:
            await self._say(client, dm, f"{exc}\n\n{secretariat.export_usage(t)}")

    async def _announce(self, client: AsyncWebClient, dm: str, admin: str,
                        request: secretariat.AnnounceRequest | secretariat.AnnounceConfirm, t: Translator) -> None:
        """A preview first; on 'announce yes' the sending (after the acknowledgement: this runs in a task)."""
        if isinstance(request, secretariat.AnnounceRequest):
            shown = await self.drafts.preview(admin, request.words, self.app.repository.each(), self.senders, t)
            await self._say(client, dm, shown)
            return
        announcement = self.drafts.take(admin)
        if announcement is None or not request.send:
            said = announcements.NOTHING_WAITING if announcement is None else announcements.DROPPED
            await self._say(client, dm, t.gettext(said))
            return
        await self._say(client, dm, t.gettext(announcements.SENDING))
        text = await announcements.deliver(announcement, self.app.repository.each(), self.senders, self.app.send_log,
                                           self.app.service.now(), t)
        await self._say(client, dm, text)

    async def _export(self, client: AsyncWebClient, dm: str, request: secretariat.ExportRequest,
                      t: Translator) -> None:
        with tempfile.TemporaryDirectory(prefix="consult-slack-") as folder:
            files, summary = await secretariat.export_files(
                self.app.questionnaire, self.app.repository, Path(folder), request, self.app.service.now(),
                self.app.decisions, t,
            )
            for path in files:
                await client.files_upload_v2(channel=dm, file=str(path), filename=path.name)
        await self._say(client, dm, summary)

    async def _send_copy(self, client: AsyncWebClient, person: Person, dm: str, t: Translator) -> None:
        session = await self.app.service.session(person.respondent_id)
        if session is not None:
            q = self.app.questionnaire
            # Translators: the title of the file with the respondent's answers (Slack).
            await client.files_upload_v2(channel=dm, content=copy.answers_copy(q, session, t),
                                         filename=copy.file_name(q), title=t.gettext("Your answers"))

    async def _say(self, client: AsyncWebClient, channel: str, text: str) -> None:
        await self._post(client, channel, blocks.messages(View([Part(text)])))

    async def _post(self, client: AsyncWebClient, channel: str, shown: list[blocks.Message]) -> None:
        for message in shown:
            # No previews: a link in an answer should not unfold into someone else's page.
            await client.chat_postMessage(channel=channel, text=message.text, blocks=message.blocks,
                                          unfurl_links=False, unfurl_media=False)

    async def _dm(self, client: AsyncWebClient, person: Person) -> str:
        opened = await client.conversations_open(users=person.user_id)
        return str(opened["channel"]["id"])

    def _admin(self, person: Person) -> bool:
        return secretariat.is_admin(person.user_id, self.settings.admins)

    def _first_time(self, inbound_id: str) -> bool:
        if inbound_id in self._seen:
            return False
        self._seen[inbound_id] = None
        while len(self._seen) > SEEN_KEPT:
            self._seen.popitem(last=False)
        return True


def _log_failure(error: Exception, when: str) -> None:
    # Kinds, codes and code lines only: a payload or an exception's message may hold an answer.
    code = _error_code(error) if isinstance(error, SlackApiError) else None
    where = "".join(traceback.format_tb(error.__traceback__))
    logger.error("slack: %s %s %s\n%s", type(error).__name__, code or "", when, where)


def _error_code(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the answer was no JSON (a proxy's 500 page, say)."""
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"


def _required(secret: SecretStr | None, missing: str) -> str:
    if secret is None or not secret.get_secret_value():
        raise ConfigError(missing)
    return secret.get_secret_value()

