"""Where one answer's time goes in consult, by layer: py-spy samples every thread of consult, waiting or not.

consult alone answers back to back (4 long-answer parts, then 'done') while py-spy samples it at RATE per
second. Each sample is put in the first layer whose frames it holds (LAYERS, most specific first); the
storage thread's samples apart from the event loop's. Per message, a layer's time is its samples / RATE /
messages sent; what the event loop spends waiting (for the stand-in, for the storage thread, for the next
message) is its idle samples.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import spy
from bench.roundtrip.rounds import stats

RATE = 500  # samples a second: ~10 in a 20 ms answer
ATTACH_SECONDS = 1.0  # py-spy starting and attaching, before the messages begin (and as long after them)

Frames = list[tuple[str, str]]
STORAGE_THREAD = ("_worker", "concurrent/futures/thread.py")
WAITING = frozenset({"storage thread: waiting for work", "event loop: waiting (select)"})
# (layer, [(function, file)] that must all be on the stack). Function "" matches any function of the file.
LAYERS: list[tuple[str, list[tuple[str, str]]]] = [
    ("storage: write + fsync of the temp file", [("_write_durably", "storage/atomic_json.py")]),
    ("storage: fsync of the folder", [("fsync_directory", "storage/atomic_json.py")]),
    ("storage: JSON encode", [("_encode", "storage/atomic_json.py")]),
    ("storage: file read again before the write (TinyDB update)", [("write_session", "storage/tinydb_files.py"),
                                                                   ("read", "storage/atomic_json.py")]),
    ("storage: rest of the write (TinyDB, os.replace)", [("write_session", "storage/tinydb_files.py")]),
    ("storage: session validated after reading (get)", [("read_session", "storage/tinydb_files.py"),
                                                        ("model_validate", "pydantic/main.py")]),
    ("storage: session file read (get)", [("read_session", "storage/tinydb_files.py")]),
    ("storage hop back: the event loop woken (call_soon_threadsafe)", [("call_soon_threadsafe", "asyncio/")]),
    ("storage thread: waiting for work", [STORAGE_THREAD]),
    ("storage hop: work handed to the thread, the GIL handed over (submit)", [("submit",
                                                                              "concurrent/futures/thread.py")]),
    ("session dumped before the put (model_dump)", [("put", "storage/embedded.py")]),
    ("PostgreSQL: queries", [("", "psycopg/")]),
    ("engine: deep copy of the session", [("apply", "core/engine.py"), ("model_copy", "pydantic/main.py")]),
    ("engine.apply, the rest", [("apply", "core/engine.py")]),
    ("service: the rest of handle (lock, hops, progress)", [("handle", "core/service.py")]),
    ("rendering: core view (present.view)", [("view", "core/chat/present.py")]),
    ("rendering: Telegram messages", [("", "bots/telegram/render.py")]),
    ("rendering: Slack blocks", [("", "bots/slack/blocks.py")]),
    ("Telegram in: update read (Update.de_json)", [("de_json", "telegram/")]),
    ("Telegram in: getUpdates, HTTP client (httpx)", [("get_updates", "telegram/"), ("", "http")]),
    ("Telegram in: getUpdates, PTB", [("get_updates", "telegram/")]),
    ("Telegram out: sendMessage, HTTP client (httpx)", [("_send", "bots/telegram/app.py"), ("", "http")]),
    ("Telegram out: sendMessage, PTB (request, rate limiter, Message read)", [("_send", "bots/telegram/app.py")]),
    ("Telegram: PTB Application, handlers", [("", "telegram/")]),
    ("Slack out: chat.postMessage, HTTP client (aiohttp)", [("_serve", "bots/slack/app.py"), ("", "aiohttp/")]),
    ("Slack out: chat.postMessage, slack_sdk", [("_serve", "bots/slack/app.py")]),
    ("Slack in: signature, bolt dispatch and listener", [("", "slack_bolt/")]),
    ("Slack in: aiohttp server (request in, response out)", [("", "aiohttp/")]),
    ("logging", [("", "logging/")]),
    ("event loop: waiting (select)", [("select", "selectors.py")]),
    ("asyncio: the rest (tasks, callbacks, futures)", [("", "asyncio/")]),
]


def _has(frames: Frames, wanted: tuple[str, str]) -> bool:
    function, file = wanted
    return any(file in where and (not function or name == function or name.endswith("." + function))
               for name, where in frames)


def layer(frames: Frames) -> str:
    """The first layer whose frames are all on the stack; 'other' if none."""
    return next((name for name, needs in LAYERS if all(_has(frames, need) for need in needs)), "other")


def breakdown(profile: Path, messages: int) -> dict[str, dict[str, float]]:
    """Milliseconds per message of each layer, for the event loop's thread and the storage thread."""
    counts: dict[str, Counter[str]] = {"event_loop": Counter(), "storage_thread": Counter(), "other_threads": Counter()}
    for line in profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        thread, *frames = spy.frames(stack)
        kind = "storage_thread" if _has(frames, STORAGE_THREAD) else "event_loop" if "MainThread" in thread[0] \
            else "other_threads"
        counts[kind][layer(frames)] += int(count)
    per_message = 1000 / RATE / max(messages, 1)
    found = {kind: {name: round(n * per_message, 3) for name, n in sampled.most_common()}
             for kind, sampled in counts.items()}
    for kind, sampled in counts.items():
        busy = sum(n for name, n in sampled.items() if name not in WAITING)
        found[kind]["busy, all layers but waiting"] = round(busy * per_message, 3)
    return found


async def profile(pid: int, step: Callable[[], Awaitable[float]], sent: Callable[[], int], seconds: int,
                  output: Path) -> dict[str, Any]:
    """consult answering alone, back to back, while py-spy samples it: the layers, and the round trips meanwhile.

    `sent()` is the number of messages sent to consult so far (long-answer parts and the others).
    """
    recording = asyncio.create_task(spy.record(pid, seconds, output, rate=RATE, wall=True))
    await asyncio.sleep(ATTACH_SECONDS)
    trips: list[float] = []
    first, started = sent(), time.monotonic()
    while time.monotonic() - started < seconds - 2 * ATTACH_SECONDS:
        trips.append(await step())
    messages, took = sent() - first, time.monotonic() - started
    await recording
    return {"parts": len(trips), "messages": messages, "round_trip": stats(trips),
            "ms_per_message_sent": round(took * 1000 / max(messages, 1), 2),
            "ms_per_message": breakdown(output, messages), "top_self": spy.summary(output, 15)["self_by_function"]}


def print_breakdown(platform: str, found: dict[str, Any]) -> None:
    table = Table("thread", "layer", "ms per message", title=f"{platform}: where consult's time goes "
                  f"({found['messages']} messages, round trip p50 {found['round_trip']['p50_ms']} ms)")
    for kind, rows in found["ms_per_message"].items():
        for name, ms in rows.items():
            table.add_row(kind, name, f"{ms:.3f}")
    Console(width=140).print(table)
