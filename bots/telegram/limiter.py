"""The bot's rate limiter: Telegram's ~30 messages a second, counted over the last second; a 429's pause kept by all.

A reply goes at once while fewer than the limit went in the last second, and waits only when the bot is
at its limit. A bucket refilled evenly (aiolimiter's, three deep) held the fourth of four replies sent in
the same moment back by 1/28 s with no limit near; a bucket deep enough not to do so lets twice the limit
through in a second that follows a quiet one.

PTB's AIORateLimiter takes a slot before it looks at a 429's retry_after, and any request that ends
clears the pause: after one 429, requests queued meanwhile went out together (89 in one second in a
review's test), drawing more 429s until retries ran out and replies were lost. Here a request with a chat
waits for the pause first, then for a slot, and looks at the pause again once it has one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

Result = bool | dict[str, Any] | list[dict[str, Any]]


class Window:
    """At most `limit` acquisitions in any `period` seconds; none waits while fewer went in the last period.

    Waiters go in the order they came (the lock is fair).
    """

    def __init__(self, limit: int, period: float = 1.0) -> None:
        self.limit, self.period = limit, period
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._sent and self._sent[0] <= now - self.period:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + self.period - now)


class BotLimiter(BaseRateLimiter[int]):
    """At most `per_second` requests to chats in any second; 429s waited out and retried."""

    def __init__(self, per_second: int, max_retries: int) -> None:
        self._slots = Window(per_second)
        self._max_retries = max_retries
        self._resume_at = 0.0  # time.monotonic() before which nothing goes to a chat (a 429's retry_after)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Send when allowed; on a 429, everyone waits its retry_after, then this one tries again."""
        to_chat = data.get("chat_id") is not None
        for attempt in range(self._max_retries + 1):
            if to_chat:
                await self._slot()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                pause = _seconds(exc.retry_after)
                self._resume_at = max(self._resume_at, time.monotonic() + pause)
                if attempt == self._max_retries:
                    raise
                if not to_chat:
                    await asyncio.sleep(pause)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _slot(self) -> None:
        while True:
            if (wait := self._resume_at - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            await self._slots.acquire()
            if self._resume_at <= time.monotonic():
                return  # a slot, and no pause began while waiting for it


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
