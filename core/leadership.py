"""Work that must run in one process only (Telegram's poller): whoever holds a shared lock does it.

Every process may start the same work; a lock they all share (on PostgreSQL, an advisory lock held by a
connection of its own) names the one that does it. The others try for the lock every `every` seconds,
so one of them takes over soon after the leader dies (its connection dies with it, and the lock goes).
The leader checks as often that it still holds the lock, and stops the work at once when it does not:
another process may already be taking over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

log = logging.getLogger("consult")

# Seconds between two tries for the lock (standby) or two checks that it is still held (leader). With
# the few seconds the database takes to drop a dead leader's lock, a standby takes over within 10 s.
EVERY_SECONDS = 3.0

Sleep = Callable[[float], Awaitable[None]]


class RunOnceLock(Protocol):
    """A lock shared by every process that may do the work."""

    async def acquire(self) -> bool:
        """Take the lock if it is free: False when another process holds it (or it cannot be reached)."""
        ...

    async def held(self) -> bool:
        """Whether this process still holds the lock it acquired (False once its connection is gone)."""
        ...

    async def release(self) -> None:
        """Let the lock go (harmless when not held)."""
        ...


class Work(Protocol):
    """Work that runs until told to stop (e.g. `bots.telegram.polling.Poller`)."""

    async def run(self) -> None:
        """Do the work until `stop()`."""
        ...

    def stop(self) -> None:
        """Stop soon: no new work; what is in hand is finished."""
        ...


class OnlyProcess:
    """The lock when one process owns the database anyway (files): always held."""

    async def acquire(self) -> bool:
        """Always ours."""
        return True

    async def held(self) -> bool:
        """Always ours."""
        return True

    async def release(self) -> None:
        """Nothing to let go."""


async def lead(lock: RunOnceLock, work: Callable[[], Work], stop: asyncio.Event, *, name: str,
               sleep: Sleep = asyncio.sleep, every: float = EVERY_SECONDS) -> None:
    """Until `stop` is set: wait for the lock, do a fresh `work()` while it is held, wait again if it is lost.

    A failure of the work ends this with its error; the lock is let go on the way out.
    """
    try:
        waiting_said = False
        while not stop.is_set():
            if await lock.acquire():
                log.info("%s: this process does it now", name)
                waiting_said = False
                if await _while_held(lock, work(), stop, sleep, every, name):
                    return
                # Lost: give the others a turn before trying again.
            elif not waiting_said:
                log.info("%s: another process does it; this one stands by to take over", name)
                waiting_said = True
            await _pause(sleep, every, stop)
    finally:
        await lock.release()


async def _while_held(lock: RunOnceLock, work: Work, stop: asyncio.Event, sleep: Sleep, every: float,
                      name: str) -> bool:
    """Run the work while the lock is held; True if the work ended by itself (then leading ends too)."""
    running = asyncio.create_task(work.run(), name=f"{name} (leader)")
    ended = False
    try:
        while not stop.is_set():
            await _pause(sleep, every, stop, running)
            if running.done():
                ended = True
                break
            if stop.is_set():
                break
            if not await lock.held():
                log.warning("%s: this process lost the lock; it stops so that another can take over", name)
                break
    finally:
        work.stop()
        await asyncio.wait([running])  # what is in hand is finished (a Telegram batch: stored, answered)
    running.result()  # a failure (e.g. a refused token) ends the leading with its error
    return ended


async def _pause(sleep: Sleep, seconds: float, stop: asyncio.Event, *also: asyncio.Task[Any]) -> None:
    """Sleep `seconds`, less if `stop` is set or a task in `also` ends meanwhile."""
    waits = [asyncio.ensure_future(sleep(seconds)), asyncio.ensure_future(stop.wait())]
    try:
        await asyncio.wait([*waits, *also], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await wait
