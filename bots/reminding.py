"""The reminder loop in the bot process: started beside the front ends, under the run-once lock.

On files one process owns the database, so the lock is always held; on PostgreSQL, of several bot
processes only the one holding the advisory lock "reminders" sends, and another takes over if it dies.
"""

from __future__ import annotations

import asyncio
import contextlib

from bots.bootstrap import App
from core import leadership
from core.outbound import Senders
from core.reminders.loop import ReminderLoop

LOCK = "reminders"


def start(app: App, senders: Senders) -> tuple[asyncio.Task[None], asyncio.Event] | None:
    """Start the loop if the questionnaire has reminders and a front end can send them; its task and stopper."""
    if not app.questionnaire.reminders or not senders.senders:
        return None
    stop = asyncio.Event()

    def loop() -> ReminderLoop:
        return ReminderLoop(app.repository, app.send_log, senders, app.service.questionnaire_for,
                            clock=app.service.now, zone=senders.time_zone, refresh=app.service.refresh_window,
                            translations=app.service.translations)

    task = asyncio.create_task(leadership.lead(app.run_once(LOCK), loop, stop, name="reminders"), name="reminders")
    return task, stop


async def stop(running: tuple[asyncio.Task[None], asyncio.Event]) -> None:
    """Stop sending: the send in hand finishes (its outcome stored)."""
    task, stopping = running
    stopping.set()
    with contextlib.suppress(Exception):
        await task
