"""The bare bots, as a new user writes them from the libraries' first examples: each echoes a text message.

    python -m bench.roundtrip.bare telegram BASE_URL TOKEN     (polls until stopped)
    python -m bench.roundtrip.bare slack API_URL TOKEN SECRET  (prints its port, serves until stdin closes)

Library defaults throughout: PTB's Updater long-polling (timeout 10 s), bolt's AsyncApp acknowledging
an event before its listener runs, and its Web API client without a session of its own.
"""

from __future__ import annotations

import asyncio
import sys

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def _echo_telegram(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def telegram(base_url: str, token: str) -> None:
    """PTB's echo bot, pointed at `base_url` (the Bot API stand-in's .../bot)."""
    application = Application.builder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo_telegram))
    application.run_polling(allowed_updates=Update.ALL_TYPES)


async def slack(api_url: str, token: str, secret: str) -> None:
    """bolt's echo app over HTTP on 127.0.0.1 (a free port, printed); the Web API at `api_url`."""
    app = AsyncApp(client=AsyncWebClient(token=token, base_url=api_url), signing_secret=secret)

    @app.event("message")
    async def echo(event: dict[str, str], client: AsyncWebClient) -> None:
        await client.chat_postMessage(channel=event["channel"], text=event["text"])

    runner = web.AppRunner(app.web_app(), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(runner.addresses[0][1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


if __name__ == "__main__":
    if sys.argv[1] == "telegram":
        telegram(*sys.argv[2:4])
    else:
        asyncio.run(slack(*sys.argv[2:5]))
