"""Messages the consultation sends first (reminders, announcements) to Slack respondents.

chat.postMessage with the user's id as the channel posts in the app's direct message with them (its
Messages tab). Slack limits each method by tier: chat.postMessage about one message a second per channel
(short bursts allowed) and several hundred a minute per workspace; users.info is Tier 4 (100+ a minute).
slack_sdk has no limiter of its own that waits before a call, so aiolimiter keeps us under those;
the client's RateLimitErrorRetryHandler waits out a 429's Retry-After and tries again.
"""

from __future__ import annotations

import aiohttp
from aiolimiter import AsyncLimiter
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import blocks
from core.chat import present
from core.outbound import Delivery, Outcome
from core.reply import Reply
from questionnaire.model import Questionnaire

PREFIX = "slack:"
POSTS_PER_MINUTE = 300  # chat.postMessage, for the workspace ("several hundred a minute")
LOOKUPS_PER_MINUTE = 100  # users.info, Tier 4
RATE_LIMITS = 3  # 429 answers retried after their Retry-After
# Errors that say the person cannot be reached any more: never retried.
GONE = frozenset({"account_inactive", "user_not_found", "channel_not_found", "user_disabled", "cannot_dm_bot",
                  "is_archived", "not_in_channel"})
UNKNOWN = "timed out, delivery unknown"


def client(token: str, base_url: str | None) -> AsyncWebClient:
    """A Web API client that retries connection errors and 429s (after their Retry-After)."""
    retries = [AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMITS)]
    return AsyncWebClient(token, base_url=base_url or AsyncWebClient.BASE_URL, retry_handlers=retries)


class SlackSender:
    """The outbound port (core.outbound.Sender) for respondent ids "slack:TEAM:USER"."""

    def __init__(self, web: AsyncWebClient, questionnaire: Questionnaire, *,
                 posts_per_minute: float = POSTS_PER_MINUTE) -> None:
        self.web, self.questionnaire = web, questionnaire
        self._posts = AsyncLimiter(posts_per_minute, 60)
        self._lookups = AsyncLimiter(LOOKUPS_PER_MINUTE, 60)
        self._zones: dict[str, str | None] = {}

    def reaches(self, respondent_id: str) -> bool:
        """Slack respondents."""
        return respondent_id.startswith(PREFIX) and respondent_id.count(":") == 2

    async def send(self, respondent_id: str, reply: Reply) -> Outcome:
        """The reply as the front end renders it (blocks), in the app's DM with the user."""
        user = respondent_id.rsplit(":", 1)[1]
        try:
            for message in blocks.messages(present.view(self.questionnaire, reply)):
                await self._posts.acquire()
                await self.web.chat_postMessage(channel=user, text=message.text, blocks=message.blocks,
                                                unfurl_links=False, unfurl_media=False)
        except SlackApiError as exc:
            code = _code(exc)
            return Outcome(Delivery.BLOCKED if code in GONE else Delivery.FAILED, code)
        except TimeoutError:  # Slack may have posted it: counted as sent, so never sent twice (at worst missed)
            return Outcome(Delivery.SENT, UNKNOWN)
        except aiohttp.ClientError as exc:  # the network, after the client's own retry
            return Outcome(Delivery.FAILED, f"{type(exc).__name__}: {exc}")
        return Outcome(Delivery.SENT)

    async def time_zone(self, respondent_id: str) -> str | None:
        """The user's time zone as Slack knows it (users.info), e.g. "Europe/Geneva"; None if unknown."""
        if respondent_id not in self._zones:
            user = respondent_id.rsplit(":", 1)[1]
            await self._lookups.acquire()
            try:
                info = await self.web.users_info(user=user)
                zone = (info.get("user") or {}).get("tz")
            except SlackApiError:
                zone = None  # unknown: working hours in UTC
            self._zones[respondent_id] = str(zone) if zone else None
        return self._zones[respondent_id]


def _code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"
