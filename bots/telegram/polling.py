"""Long polling that confirms an update to Telegram only once it is stored.

Telegram takes an update as handed over for good when getUpdates is called with an offset above its id.
python-telegram-bot's Updater puts a fetched batch in a queue and at once asks for the next one with such an
offset, before the batch is processed: a process killed then loses updates Telegram will never send again.
This poller asks for the next batch only once every update of the one before is processed (stored, answered).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, Update
from telegram.error import InvalidToken, RetryAfter, TelegramError

log = logging.getLogger(__name__)

# Seconds to wait after a failed getUpdates: 1, 2, 4 ... up to a minute.
FIRST_PAUSE, LONGEST_PAUSE = 1.0, 60.0

Process = Callable[[Update], Awaitable[None]]


class Poller:
    """Fetch a batch, process it whole, then confirm it with the next fetch; until stopped."""

    def __init__(self, bot: Bot, process: Process, timeout: int) -> None:
        self.bot, self.process, self.timeout = bot, process, timeout
        self._stopping = asyncio.Event()
        self._offset = 0

    async def run(self) -> None:
        """Poll until `stop()`; the batch being processed is finished first, then confirmed."""
        pause = FIRST_PAUSE
        while not self._stopping.is_set():
            try:
                updates = await self._fetch()
            except InvalidToken:
                raise
            except TelegramError as exc:
                wait = _seconds(exc.retry_after) if isinstance(exc, RetryAfter) else pause
                log.warning("telegram: getUpdates failed (%s); trying again in %.0f s", type(exc).__name__, wait)
                pause = min(pause * 2, LONGEST_PAUSE)
                await self._sleep(wait)
                continue
            pause = FIRST_PAUSE
            if updates:
                await asyncio.gather(*(self.process(update) for update in updates))
                self._offset = updates[-1].update_id + 1  # the next getUpdates confirms them: stored by now
        await self._confirm()

    def stop(self) -> None:
        """Stop polling once the batch in hand (if any) is processed."""
        self._stopping.set()

    async def _fetch(self) -> tuple[Update, ...]:
        """One getUpdates, given up (nothing fetched) if stop() comes while it waits."""
        fetch = asyncio.ensure_future(self.bot.get_updates(
            offset=self._offset, timeout=self.timeout, allowed_updates=Update.ALL_TYPES))
        stopping = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait([fetch, stopping], return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return ()
        return fetch.result()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _confirm(self) -> None:
        """Confirm what was processed, so that a restart does not get it again (it would change nothing)."""
        if self._offset:
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(offset=self._offset, limit=1, timeout=0)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
