"""POST /slack/events: the signature checked on the raw body first, then the body read, then bolt.

A request that is not from Slack, or not a Slack payload, is refused with 401 or 400 and one log line that
names neither the body nor its text (an answer may be in it).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.Response]]
# What a body that parses as JSON or a form but is no Slack payload (a list, a number...) makes bolt raise.
NOT_A_PAYLOAD = (ValueError, TypeError, AttributeError, KeyError, IndexError)


def handler(bolt: AsyncApp, signing_secret: str) -> Handler:
    """The aiohttp handler that gives bolt only signed, readable requests."""
    verifier = SignatureVerifier(signing_secret)

    async def handle(request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if timestamp and not timestamp.isdecimal():
            return _refuse(400, "the request's timestamp is not a number")
        if not verifier.is_valid(body, timestamp or None, request.headers.get("X-Slack-Signature")):
            return _refuse(401, "the request is not signed with our signing secret, or is too old")
        try:
            bolt_request = AsyncBoltRequest(body=body.decode(), query=request.query_string,
                                            headers=request.headers)  # type: ignore[arg-type]
        except NOT_A_PAYLOAD:
            return _refuse(400, "a signed request whose body is not a Slack payload")
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    return handle


def _refuse(status: int, why: str) -> web.Response:
    logger.warning("slack: refused (%d): %s", status, why)
    return web.Response(status=status, text="unauthorised" if status == 401 else "bad request")
