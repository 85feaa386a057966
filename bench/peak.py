"""The deadline day: 200 respondents answering at once through Slack HTTP, beside the disk's floor (issue 14).

    python -m bench.peak --people 200 --warm-up 5 --seconds 20 --json

One real `consult serve` (TinyDB, the default store) takes signed Slack DM events on 127.0.0.1 and posts
its replies to a local Web API stand-in. `--people` respondents at once, each a closed loop: send a
message, wait for its acknowledgement and its reply, send the next. Each has consented and given contact
details and category (stored before the load begins) and then sends long answers, four parts of 1,500
characters and 'done' each (then the next respondent begins). Counted in the timed window: answers
stored per second (acknowledged: an answer is stored before its acknowledgement), and the reply to each
long-answer part, from POSTing it to the reply reaching the Web API. Beside them, in the same run: the
disk's floor (atomic ~29 KB writes with two fsyncs back to back, before and after the load) as writes
per second; the server's CPU; and (py-spy) how busy its event loop and its one storage thread were.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from rich.console import Console
from rich.table import Table

from bench import cpu_split, spy
from bench.roundtrip import layers, script
from bench.roundtrip.rounds import machine
from bench.serve_children import serving
from bench.serve_processes import dm_event
from bench.slack_ack import TEAM, WebApi, signed, stats
from bench.storage import back_to_back, durable_writes_for
from bots.slack import mapping
from core.service import ConsultService
from questionnaire import loader
from storage.embedded import open_repository
from storage.layout import Layout
from storage.memory import MemoryRepository
from storage.tinydb_files import SESSION_DOC_ID, SESSION_TABLE

REPLY_SECONDS = 60.0  # a reply later than this counts as missing (the respondent then goes on)
FLOOR_SECONDS = 3.0  # of durable writes back to back, before and after the load


class Load:
    """Respondents answering at once, each a closed loop; what was acknowledged and replied, and when."""

    def __init__(self, url: str, api: WebApi) -> None:
        self.url, self.api = url, api
        self.acknowledged: list[tuple[float, float]] = []  # (when, seconds from the POST)
        self.replies: list[tuple[float, float]] = []  # long-answer parts: (when, seconds from the POST to the reply)
        self.refused: Counter[str] = Counter()
        self._numbers = itertools.count()

    async def person(self, http: aiohttp.ClientSession, number: int, stop: asyncio.Event) -> None:
        turns = script.turns("hello", script.part(number))
        # The first respondent's set-up is stored already (prefill): it begins with a long answer.
        for turn in itertools.dropwhile(lambda turn: turn.respondent == 0 and not turn.measured, turns):
            if stop.is_set():
                return
            await self._send(http, f"U{number:03d}R{turn.respondent:04d}", turn)

    async def _send(self, http: aiohttp.ClientSession, user: str, turn: script.Turn) -> None:
        channel = f"D{user}"
        seen = len(self.api.posted[channel])
        body = dm_event(user, next(self._numbers), turn.text)
        began = time.monotonic()
        async with http.post(self.url, data=body.encode(), headers=signed(body, "application/json")) as answer:
            await answer.read()
        if answer.status != 200:
            self.refused[f"HTTP {answer.status}"] += 1
            return
        self.acknowledged.append((time.monotonic(), time.monotonic() - began))
        try:
            reply = await asyncio.wait_for(self._reply(channel, seen, turn.measured), REPLY_SECONDS)
        except TimeoutError:
            self.refused["no reply"] += 1
            return
        if turn.measured:
            self.replies.append((reply, reply - began))

    async def _reply(self, channel: str, seen: int, part: bool) -> float:
        """When the reply came: the first message after `seen` (for a part, the one counting its characters)."""
        while True:
            await self.api.posted_after(channel, seen)
            for at, text in zip(self.api.posted[channel][seen:], self.api.texts[channel][seen:], strict=True):
                if not part or "characters so far" in text:
                    return at
            seen = len(self.api.posted[channel])


async def prefill(database: Path, people: int) -> None:
    """Each person's first respondent has consented and given contact details and category, as the Slack front
    end would have stored it (through the real service, over memory), written to the database's files before
    the server starts: each file as a put writes it, then one os.sync() instead of two fsyncs each."""
    service = ConsultService(loader.load(), MemoryRepository())
    numbers = itertools.count(1_000_000)  # inbound ids apart from the load's
    for person in range(people):
        user = f"U{person:03d}R0000"
        for text in script.setup(0, "hello"):
            event = json.loads(dm_event(user, next(numbers), text))
            route = mapping.message(event["event"], event["event_id"], False, None)
            assert isinstance(route, mapping.ToService)
            await service.handle(mapping.Person(TEAM, user).respondent_id, mapping.CHANNEL, route.command,
                                 route.inbound_id)
    await open_repository(database).close()  # the catalog and the respondents' folder
    layout = Layout(database)
    for session in await service.repository.all():
        document = {SESSION_TABLE: {str(SESSION_DOC_ID): session.model_dump(mode="json")}}
        layout.respondent_file(session.respondent_id).write_text(json.dumps(document, ensure_ascii=False))
    os.sync()


async def measure(options: argparse.Namespace, folder: Path, api: WebApi, pid: int, port: int) -> dict[str, Any]:
    """Load the server; within the timed window: answers acknowledged, part replies, server CPU, storage thread."""
    load = Load(f"http://127.0.0.1:{port}/slack/events", api)
    stop = asyncio.Event()
    profile = folder / "peak-profile.txt"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = [asyncio.create_task(load.person(http, n, stop)) for n in range(options.people)]
        await asyncio.sleep(options.warm_up)
        recording = asyncio.create_task(spy.record(pid, options.seconds, profile, rate=layers.RATE, wall=True)) \
            if options.profile else None
        before, start = cpu_split.snapshot([pid], None), time.monotonic()
        await asyncio.sleep(options.seconds)
        after, end = cpu_split.snapshot([pid], None), time.monotonic()
        stop.set()
        await asyncio.gather(*people, *([recording] if recording else []))
    timed = [took for when, took in load.acknowledged if start <= when < end]
    replies = [took for when, took in load.replies if start <= when < end]
    cores = cpu_split.split(before, after, end - start)
    return {"answers_per_second": round(len(timed) / (end - start), 1), "acknowledgement": stats(timed),
            "reply_to_a_part": stats(replies) if replies else None, "refused": dict(load.refused),
            "server_cpu_cores": cores["servers"], "load_generator_cpu_cores": cores["load"],
            "machine_cpu_cores": cores["machine"],
            "storage_thread_busy": _busy_share(profile) if options.profile else None,
            "storage_thread_ms_per_answer": layers.breakdown(profile, len(timed))["storage_thread"]
            if options.profile else None}


def _busy_share(profile: Path) -> dict[str, float]:
    """Of the timed window, the share each thread of the server was busy (not waiting), from py-spy's samples."""
    found = layers.breakdown(profile, 1)
    shares = {}
    for kind in ("event_loop", "storage_thread"):
        rows = found[kind]
        total = sum(ms for name, ms in rows.items() if not name.startswith("busy"))
        shares[kind] = round(rows["busy, all layers but waiting"] / total, 2) if total else 0.0
    return shares


async def run(options: argparse.Namespace) -> dict[str, Any]:
    parent = options.dir.resolve()
    parent.mkdir(parents=True, exist_ok=True)
    api = WebApi()
    await api.start()
    try:
        with tempfile.TemporaryDirectory(prefix="peak-", dir=parent) as name:
            folder = Path(name)
            found: dict[str, Any] = {"setup": {"people": options.people, "warm_up_seconds": options.warm_up,
                                               "seconds": options.seconds, "machine_before": machine(folder)}}
            await prefill(folder / "consult.json", options.people)
            first = durable_writes_for(folder, FLOOR_SECONDS)
            async with serving(1, folder, str(folder / "consult.json"), api.url) as [server]:
                found["consult"] = await measure(options, folder, api, server.process.pid, server.port)
            found["floor"] = back_to_back(first + durable_writes_for(folder, FLOOR_SECONDS))
    finally:
        await api.stop()
    found["setup"]["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    found["verdict"] = verdict(found)
    return found


def verdict(found: dict[str, Any]) -> dict[str, Any]:
    """How close the answers per second come to one thread's durable writes per second, and who was busy."""
    consult, disk = found["consult"], found["floor"]
    share = consult["answers_per_second"] / disk["writes_per_second"] if disk["writes_per_second"] else 0.0
    busy = consult["storage_thread_busy"] or {}
    limit = "the storage thread" if busy.get("storage_thread", 0.0) >= 0.9 else \
        "the event loop's CPU" if consult["server_cpu_cores"] >= 0.9 or busy.get("event_loop", 0.0) >= 0.9 else \
        "neither thread is saturated: the machine's shared cores"
    return {"answers_per_second_over_floor_writes_per_second": round(share, 2), "limit": limit}


def print_table(found: dict[str, Any]) -> None:
    consult, disk = found["consult"], found["floor"]
    table = Table("", "figure", title=f"{found['setup']['people']} respondents at once through Slack HTTP")
    part = consult["reply_to_a_part"] or {}
    rows = [("answers stored per second", consult["answers_per_second"]),
            ("reply to a long-answer part p50 / p99 ms", f"{part.get('p50_ms')} / {part.get('p99_ms')}"),
            ("acknowledgement p50 / p99 ms", f"{consult['acknowledgement']['p50_ms']} / "
                                             f"{consult['acknowledgement']['p99_ms']}"),
            ("disk floor: ~29 KB atomic writes per second (one thread)", disk["writes_per_second"]),
            ("disk floor: one write p50 / p99 ms", f"{disk['p50_ms']} / {disk['p99_ms']}"),
            ("server CPU (cores)", consult["server_cpu_cores"]),
            ("busy share: event loop / storage thread", str(consult["storage_thread_busy"])),
            ("answers/s over floor writes/s", found["verdict"]["answers_per_second_over_floor_writes_per_second"]),
            ("the limit", found["verdict"]["limit"]), ("refused", str(consult["refused"]))]
    for name, value in rows:
        table.add_row(name, str(value))
    Console(width=140).print(table)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=200, help="respondents answering at once")
    parser.add_argument("--warm-up", type=float, default=5, help="seconds of load before timing starts")
    parser.add_argument("--seconds", type=int, default=20, help="seconds timed")
    parser.add_argument("--no-profile", dest="profile", action="store_false",
                        help="skip py-spy (which tells how busy the storage thread was)")
    parser.add_argument("--dir", type=Path, default=Path(".bench-tmp"), help="where the temp database goes")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    found = asyncio.run(run(options))
    if options.json:
        print(json.dumps(found, indent=2))
    else:
        print_table(found)


if __name__ == "__main__":
    main()
