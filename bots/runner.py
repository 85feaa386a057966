"""`consult run` and `consult serve`: every configured front end, in one process and one event loop.

One process owns the TinyDB files, so the front ends share it instead of each opening the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from aiohttp import web

from bots import reminding
from bots.bootstrap import App
from bots.config import FRONT_ENDS, ConfigError
from core.outbound import Sender, Senders
from core.ports import StorageError

log = logging.getLogger("consult")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOTHING_CONFIGURED = (
    "no chat front end is configured. Set TELEGRAM_BOT_TOKEN for Telegram, or SLACK_BOT_TOKEN with "
    "SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET for 'consult serve') for Slack. "
    "'consult chat' answers in this terminal without either."
)

Stopper = Callable[[], Awaitable[None]]
# Libraries logged only when something is wrong (httpx logs URLs that hold the bot token; bolt, bodies).
NOISY = ("httpx", "httpcore", "telegram", "slack_bolt", "slack_sdk", "aiohttp.access")


def quiet_logs() -> None:
    """Our logs at INFO; libraries' only when something is wrong (httpx logs URLs that hold the bot token)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)


def wanted(app: App, only: str | None, *, serving: bool = False) -> list[str]:
    """The front ends to start: the one asked for, or every one whose token is set.

    Of these, a front end whose settings make it come in the other way (by webhook to `consult serve`,
    or fetched by `consult run`) is left to the other command, so that web and worker processes can
    run side by side on one set of settings. Left with none, all are kept: the checks then say what to set.
    """
    settings = app.settings
    configured = {"telegram": settings.telegram.configured, "slack": settings.slack.configured}
    if only is not None:
        if not configured[only]:
            raise ConfigError(f"{only.upper()}_BOT_TOKEN is not set, so the {only.title()} front end cannot start")
        return [only]
    chosen = [name for name in FRONT_ENDS if configured[name]]
    if not chosen:
        raise ConfigError(NOTHING_CONFIGURED)
    mine = [name for name in chosen if _comes_in(app, name, serving)]
    for name in chosen:
        if mine and name not in mine:
            log.info("%s is left to 'consult %s', as its settings say", name.title(), "run" if serving else "serve")
    return mine or chosen


def _comes_in(app: App, name: str, serving: bool) -> bool:
    """True if the front end's settings make it come in by HTTP (serving) or be fetched (not serving)."""
    if name == "telegram":
        return (app.settings.telegram.webhook_url is not None) == serving
    slack = app.settings.slack
    return (slack.signing_secret if serving else slack.app_token) is not None


async def run(app: App, only: str | None, stop: asyncio.Event) -> None:
    """Long polling for Telegram, Socket Mode for Slack: no public address needed."""
    names = wanted(app, only)
    if "telegram" in names and app.settings.telegram.webhook_url is not None:
        # Polling would delete the webhook that 'consult serve' relies on.
        raise ConfigError("TELEGRAM_WEBHOOK_URL is set, so Telegram posts to 'consult serve'. To poll with "
                          "'consult run' instead, remove TELEGRAM_WEBHOOK_URL.")
    if "slack" in names and app.settings.slack.app_token is None:
        raise ConfigError("SLACK_APP_TOKEN is not set: 'consult run' reaches Slack through Socket Mode, which "
                          "needs an app-level token (xapp-...). Or use 'consult serve' with SLACK_SIGNING_SECRET.")
    async with _started(app, names, serving=False, webhook=None) as started:
        log.info("consult is running: %s. Stop with Ctrl-C.", ", ".join(names))
        await _until(stop, started.background)


async def serve(app: App, host: str, port: int, stop: asyncio.Event) -> None:
    """Webhooks over HTTP: Telegram at TELEGRAM_WEBHOOK_URL's path, Slack's Events API at /slack/events."""
    names = wanted(app, None, serving=True)
    web_app = web.Application()
    web_app.router.add_get("/", _alive)
    web_app.router.add_get("/healthz", _health(app))
    webhook = _check_serve_settings(app, names)
    async with _started(app, names, serving=True, webhook=webhook) as started:
        for path, handler in started.routes:
            web_app.router.add_post(path, handler)
        runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            for announce in started.listening:  # e.g. the Telegram webhook: once we can take its first post
                await announce()
            log.info("consult is serving %s on %s:%s", ", ".join(names), host, port)
            await _until(stop, started.background)
        finally:
            await runner.cleanup()


async def _until(stop: asyncio.Event, background: list[asyncio.Task[None]]) -> None:
    """Wait for the stop signal; a front end that fails (e.g. Slack refuses a token) ends the run with its error."""
    stopped = asyncio.create_task(stop.wait())
    try:
        done, _ = await asyncio.wait([stopped, *background], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    for task in done - {stopped}:
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error


def _check_serve_settings(app: App, names: list[str]) -> tuple[str, str] | None:
    if "slack" in names and app.settings.slack.signing_secret is None:
        raise ConfigError("SLACK_SIGNING_SECRET is not set: 'consult serve' checks every Slack request with it")
    if "telegram" not in names:
        return None
    url = app.settings.telegram.webhook_url
    if url is None:
        raise ConfigError("TELEGRAM_WEBHOOK_URL is not set: give the public https address Telegram should post to, "
                          "e.g. https://consult.example.org/telegram")
    return url, app.settings.telegram.secret()


Route = tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]


@dataclass
class Started:
    """What the running front ends need from the process."""

    routes: list[Route] = field(default_factory=list)  # HTTP endpoints (serve)
    listening: list[Stopper] = field(default_factory=list)  # to do once the server listens (serve)
    background: list[asyncio.Task[None]] = field(default_factory=list)  # connections that run on their own
    stoppers: list[Stopper] = field(default_factory=list)
    senders: list[Sender] = field(default_factory=list)  # for what we send first (reminders)


@contextlib.asynccontextmanager
async def _started(
    app: App, names: list[str], *, serving: bool, webhook: tuple[str, str] | None
) -> AsyncIterator[Started]:
    """Start the front ends: over HTTP when `serving` (Telegram's webhook is (url, secret)), else by polling.

    Each front end is imported only when used: each pulls in its platform's library.
    """
    started = Started()
    shared = Senders(started.senders)  # every front end's sender, as they start: for announcements and reminders
    already = asyncio.all_tasks()
    try:
        if "telegram" in names:
            await _start_telegram(app, webhook, started, shared)
        if "slack" in names:
            await _start_slack(app, serving, started, shared)
        if app.upkeep is not None:
            upkeep = asyncio.create_task(_upkeep(app.upkeep), name="upkeep")
            started.stoppers.append(lambda: _cancelled(upkeep))
        if (reminders := reminding.start(app, shared)) is not None:
            started.stoppers.append(lambda: reminding.stop(reminders))  # stopped first: it sends through them
        yield started
    finally:
        for stopper in reversed(started.stoppers):
            with contextlib.suppress(Exception):  # stop the others even if one fails to stop
                await stopper()
        await drain(already)  # before the database closes: what was acknowledged gets stored


async def _upkeep(work: Callable[[], Awaitable[int]]) -> None:
    # Beside the front ends, never in their way: a failure is logged and the bots go on.
    try:
        if done := await work():
            log.info("progress: recounted %d respondents counted with an earlier questionnaire", done)
    except StorageError as error:
        log.warning("progress: could not recount the respondents counted with an earlier questionnaire: %s", error)


async def _cancelled(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _start_telegram(app: App, webhook: tuple[str, str] | None, started: Started, shared: Senders) -> None:
    from bots.telegram.app import TelegramFrontEnd

    telegram = TelegramFrontEnd(app, app.settings.telegram)
    started.stoppers.append(telegram.stop)
    started.senders.append(telegram.sender())
    telegram.share_senders(shared)
    if webhook is None:
        started.background.append(await telegram.start_polling())
        return
    url, secret = webhook
    await telegram.start()
    started.listening.append(lambda: telegram.set_webhook(url, secret))
    started.routes.append((urlparse(url).path or "/", telegram_webhook(telegram.process, secret)))


async def _start_slack(app: App, http: bool, started: Started, shared: Senders) -> None:
    from bots.slack.app import SlackFrontEnd

    slack = SlackFrontEnd(app, app.settings.slack)
    await slack.open()
    started.stoppers.append(slack.close)  # appended first: closed last, after the replies in flight
    started.senders.append(slack.sender())
    slack.share_senders(shared)
    if http:
        started.routes.append(("/slack/events", slack.http_handler()))
        return
    task = asyncio.create_task(slack.run_socket_mode(), name="slack-socket-mode")

    async def stop_slack() -> None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    started.background.append(task)
    started.stoppers.append(stop_slack)


def telegram_webhook(process: Callable[[dict[str, object]], Awaitable[None]], secret: str) -> Callable[
        [web.Request], Awaitable[web.StreamResponse]]:
    """The webhook endpoint: only requests that carry our secret token are processed."""

    async def handle(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("telegram webhook: request without the secret token refused")
            return web.Response(status=401, text="unauthorised")
        try:
            data = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(data, dict):
            return web.Response(status=400, text="not an update")
        try:
            await process(data)  # stored before the 200: Telegram resends until it has one
        except ValueError as exc:  # NotAnUpdate: its message names no content
            log.warning("telegram webhook: refused: %s", exc)
            return web.Response(status=400, text="not an update")
        return web.Response(text="ok")

    return handle


async def _alive(_: web.Request) -> web.Response:
    return web.Response(text="consult is running")


def _health(app: App) -> Callable[[web.Request], Awaitable[web.Response]]:
    """GET /healthz for the platform's health checks: 200 only while the database answers; no details either way."""

    async def health(_: web.Request) -> web.Response:
        if await app.repository.healthy():
            return web.Response(text="ok")
        return web.Response(status=503, text="unavailable")

    return health


# A platform kills a stopping process after 10-30 s. On SIGTERM the server closes idle connections at once
# and gives a request in progress SHUTDOWN_SECONDS to finish (then as long again once cancelled: a client
# that sent half a request waits for nothing); replies to what was stored get DRAIN_SECONDS more.
SHUTDOWN_SECONDS = 2.0
DRAIN_SECONDS = 5.0


async def drain(before: set[asyncio.Task[Any]], timeout: float = DRAIN_SECONDS) -> None:
    """Let work already acknowledged finish: replies to what was stored, a Telegram update being processed.

    Waits for the tasks started since `before` was taken (not for whoever runs us).
    """
    others = asyncio.all_tasks() - before - {asyncio.current_task()}
    if others:
        _, late = await asyncio.wait(others, timeout=timeout)
        if late:
            log.warning("%d tasks still running at shutdown", len(late))


def stop_on_signals(stop: asyncio.Event) -> None:
    """Ctrl-C and the platform's SIGTERM end the loop cleanly: running updates finish first."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
