"""Rounds that alternate the bare echo and consult on one stand-in, with the disk's floor probed between rounds."""

from __future__ import annotations

import asyncio
import functools
import os
import platform
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.roundtrip import script
from bench.roundtrip.script import Turn
from bench.storage import durable_appends, durable_writes, filesystem_of, floor_document
from core import engine
from core.inputs import parse_text
from core.session import Session
from questionnaire.loader import load

# (respondent number, text, wait until the bot goes quiet) -> seconds from the platform handing the message
# over to the reply reaching the platform. Unmeasured messages wait for quiet: their replies may be several.
Send = Callable[[int, str, bool], Awaitable[float]]
FLOOR_PER_ROUND = 3  # durable writes timed after each round, while both bots are idle
# A round (one message to each bot) starts at most this often. Unpaced, rounds of ~5 ms sent consult about 100
# messages a second, far above the ~30 a second Telegram lets a bot send, so consult's rate limiter (which the
# bare echo bot does not have) held its replies back: what was measured was the limit, not the bot. No real
# chat sends that fast; at 15 rounds a second, with the unmeasured 'done's, consult gets ~19 messages a second.
ROUNDS_PER_SECOND = 15
ANSWER_BYTES = 2048  # one long-answer part (1,500 characters) as a journal would log it
TARGET_P50 = 1.3  # issue 14: consult's p50 at most this many times the echo's
Step = Callable[[], Awaitable[float]]
TELEGRAM_SPACING = 1 / 28  # bots/telegram/sender.py OVERALL_PER_SECOND, as one reply's share of a second


@dataclass
class Bots:
    """Both bots running against one stand-in: what to send to each, and consult's process (to profile it)."""

    echo: Send
    consult: Send
    consult_pid: int
    first_message: str  # what starts the conversation with consult: "/start" on Telegram
    # Of each measured message to consult: (seconds since consult's previous reply left, its round trip).
    spacing: list[tuple[float, float]]


def steps(bots: Bots) -> tuple[Step, Step]:
    """One message to the echo (a long-answer part), and consult's next long-answer part (set-up sent first)."""
    text = script.part()
    turns = script.turns(bots.first_message, text)
    return functools.partial(bots.echo, 0, text, False), functools.partial(consult_part, bots.consult, turns)


async def consult_part(send: Send, turns: Iterator[Turn]) -> float:
    """Send consult's next messages up to and including a long-answer part: the part's round trip."""
    for turn in turns:
        took = await send(turn.respondent, turn.text, not turn.measured)
        if turn.measured:
            return took
    raise RuntimeError("the script ended")  # it never does: a new respondent begins


class Counted:
    """A Send that counts the messages it sent (set-up and 'done' too)."""

    def __init__(self, send: Send) -> None:
        self._send, self.sent = send, 0

    async def __call__(self, respondent: int, text: str, settle: bool) -> float:
        self.sent += 1
        return await self._send(respondent, text, settle)


class Floor:
    """What no bot that stores answers can skip, probed in the same run: the disk's floor under one durable
    answer (an atomic ~29 KB write with two fsyncs, as consult's store makes; and the cheapest durable write
    the disk offers, a 2 KB append and one fdatasync), and the engine applying the same long-answer part to a
    session of the same size, in this process (no store, no platform)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.document = folder, floor_document()
        self.durations_ns: list[int] = []
        self.appends_ns: list[int] = []
        self.engine_ns: list[int] = []
        self._questionnaire = load()
        self._turns = script.turns("/start", script.part())
        self._session: Session | None = None
        self._inputs = 0

    def probe(self, samples: int = FLOOR_PER_ROUND) -> None:
        self.durations_ns += durable_writes(self.folder, self.document, samples)
        self.appends_ns += durable_appends(self.folder, ANSWER_BYTES, samples)
        self.engine_ns.append(self._engine_step())

    def _engine_step(self) -> int:
        """Nanoseconds `engine.apply` took for the next long-answer part (the turns before it applied untimed)."""
        for turn in self._turns:
            if self._session is None or self._session.respondent_id != f"bench:{turn.respondent}":
                self._session = engine.new_session(f"bench:{turn.respondent}", "telegram")
            self._inputs += 1
            command = parse_text(turn.text)
            started = time.perf_counter_ns()
            outcome = engine.apply(self._questionnaire, self._session, command, datetime.now(UTC), str(self._inputs))
            took = time.perf_counter_ns() - started
            self._session = outcome.session
            if turn.measured:
                return took
        raise AssertionError("the turns never end")


async def alternate(echo: Step, consult: Step, floor: Floor,
                    rounds: int, warm_up: int) -> dict[str, list[float]]:
    """`warm_up` + `rounds` rounds of one message to each bot (who goes first alternates); warm-up dropped."""
    times: dict[str, list[float]] = {"echo": [], "consult": []}
    next_round = time.monotonic()
    for number in range(warm_up + rounds):
        await asyncio.sleep(max(0.0, next_round - time.monotonic()))
        next_round = time.monotonic() + 1 / ROUNDS_PER_SECOND
        steps = [("echo", echo), ("consult", consult)]
        for name, step in steps if number % 2 else reversed(steps):
            took = await step()
            if number >= warm_up:
                times[name].append(took)
        if number >= warm_up:
            floor.probe()
    return times


def stats(seconds: list[float]) -> dict[str, float]:
    """p50, p90, min, max in milliseconds, and the count."""
    ordered = sorted(seconds)
    cut = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else ordered * 99
    return {"count": len(ordered), "p50_ms": round(cut[49] * 1000, 2), "p90_ms": round(cut[89] * 1000, 2),
            "min_ms": round(ordered[0] * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2)}


def by_spacing(spacing: list[tuple[float, float]]) -> dict[str, dict[str, float] | None]:
    """consult's round trips split by how soon after its previous reply the message came (within 1/28 s, or
    later): with the bucket the Telegram limiter had until 2026-12-04, a reply that soon after another waited
    for it; with its window of 28 requests a second, none waits at the rounds' pace."""
    close = [trip for gap, trip in spacing if gap < TELEGRAM_SPACING]
    apart = [trip for gap, trip in spacing if gap >= TELEGRAM_SPACING]
    return {"within_36_ms_of_its_last_reply": stats(close) if close else None,
            "later": stats(apart) if apart else None}


def compare(times: dict[str, list[float]], floor: Floor, spacing: list[tuple[float, float]]) -> dict[str, Any]:
    """Each bot's figures, consult's ratio to the echo's, the extra milliseconds, and the floor beside them."""
    echo, consult = stats(times["echo"]), stats(times["consult"])
    below = stats([ns / 1e9 for ns in floor.durations_ns])
    append = stats([ns / 1e9 for ns in floor.appends_ns])
    engine_step = stats([ns / 1e9 for ns in floor.engine_ns])
    return {"echo": echo, "consult": consult, "consult_by_spacing": by_spacing(spacing[-len(times["consult"]):]),
            "ratio": {q: round(consult[f"{q}_ms"] / echo[f"{q}_ms"], 2) for q in ("p50", "p90")},
            "extra_ms": {q: round(consult[f"{q}_ms"] - echo[f"{q}_ms"], 2) for q in ("p50", "p90")},
            "storage_floor": below, "append_floor": append, "engine": engine_step,
            "least_ratio": least_ratio(echo["p50_ms"], below["p50_ms"], append["p50_ms"], engine_step["p50_ms"])}


def least_ratio(echo_ms: float, floor_ms: float, append_ms: float, engine_ms: float) -> dict[str, float]:
    """About the p50 ratio a reply would have if consult added nothing to the echo but the engine and its
    durable write (the sum of the three p50s): with the file replaced as today (the floor), and with a
    journal's append instead; and the milliseconds the target allows over the echo."""
    return {"with_the_file_replaced": round((echo_ms + engine_ms + floor_ms) / echo_ms, 2),
            "with_a_journal_append": round((echo_ms + engine_ms + append_ms) / echo_ms, 2),
            "target_allows_ms": round((TARGET_P50 - 1) * echo_ms, 2)}


def machine(folder: Path) -> dict[str, Any]:
    """What the figures were measured on; the load average says how busy the shared machine was."""
    return {"python": platform.python_version(), "cores": os.cpu_count(), "cpu": _cpu_model(),
            "load_average": [round(value, 2) for value in os.getloadavg()],
            "filesystem": filesystem_of(folder),
            "libraries": {name: metadata.version(name) for name in
                          ("python-telegram-bot", "slack-bolt", "slack-sdk", "aiohttp", "httpx", "tinydb", "pydantic")}}


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")
