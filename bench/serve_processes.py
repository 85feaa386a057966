"""Answers per second from 1, 2 and 4 `consult serve` processes on one PostgreSQL database (issue 10).

    python -m bench.serve_processes --processes 1,2,4 --people 64 --warm-up 5 --seconds 20 --json

Each level starts N real `consult serve` processes (each on its own port, all on one fresh PostgreSQL
database that the benchmark creates and drops), a local stand-in of the Slack Web API that they post
their replies to, and `--people` respondents at once, each sending signed Slack DM events, the next one
as soon as the last is acknowledged, spread round-robin over the processes. Every message is a real
answer that changes the session (a contact field, a choice, a part of a long answer, 'done'); someone
who has answered ten long questions makes way for a new respondent. An answer counts once acknowledged
with HTTP 200 (the front end stores it first); afterwards the database is read to check that every
acknowledged answer is there. Baseline, same run: the same load on the TinyDB store, one process (all
that TinyDB allows). CPU time per kind of process (bench.cpu_split) shows where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from rich.console import Console
from rich.table import Table

from bench import cpu_split, spy
from bench.postgres import DEFAULT_SERVER, scratch_database
from bench.serve_children import Server, serving
from bench.slack_ack import TEAM, WebApi, signed, stats
from bots import bootstrap
from bots.config import Settings

PART = ("Enhanced cooperation needs every stakeholder at the table, with clear roles, open records of what "
        "was decided and why, and a way for people far from Geneva to take part in it. ")
LONG_QUESTIONS = 10


def script(number: int) -> list[str]:
    """What respondent `number` sends to the bundled questionnaire: each message changes the session."""
    contact = [f"Person {number}", "Example organisation", "Kenya", f"person{number}@example.org"]
    return ["hello", "yes", *contact, "Government", *([PART, PART, "done"] * LONG_QUESTIONS)]


def dm_event(user: str, n: int, text: str) -> str:
    event = {"type": "message", "channel": f"D{user}", "channel_type": "im", "user": user, "text": text,
             "ts": f"{1_800_000_000 + n}.000100", "client_msg_id": f"{user}-{n}"}
    return json.dumps({"type": "event_callback", "team_id": TEAM, "event": event, "event_id": f"Ev{user}x{n}",
                       "event_time": int(time.time())})


class Load:
    """Respondents answering at once, each message to the next process in turn; what was acknowledged, when."""

    def __init__(self, urls: list[str]) -> None:
        self._urls = itertools.cycle(urls)
        self.acknowledged: list[tuple[float, float]] = []  # (when, seconds it took)
        self.refused: Counter[int] = Counter()

    async def person(self, http: aiohttp.ClientSession, person: int, stop: asyncio.Event) -> None:
        for generation in itertools.count():
            user = f"U{person:03d}G{generation:05d}"
            for n, text in enumerate(script(person * 100_000 + generation)):
                if stop.is_set():
                    return
                await self._send(http, dm_event(user, n, text))

    async def _send(self, http: aiohttp.ClientSession, body: str) -> None:
        began = time.monotonic()
        async with http.post(next(self._urls), data=body.encode(), headers=signed(body, "application/json")) as answer:
            await answer.read()
        if answer.status == 200:
            self.acknowledged.append((time.monotonic(), time.monotonic() - began))
        else:
            self.refused[answer.status] += 1


async def measure(servers: list[Server], database: str | None, options: argparse.Namespace,
                  profile: Path | None) -> dict[str, Any]:
    """Load the servers; answers/s, acknowledgement times and CPU split over the timed window only."""
    load = Load([f"http://127.0.0.1:{server.port}/slack/events" for server in servers])
    pids = [server.process.pid for server in servers]
    stop = asyncio.Event()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        people = [asyncio.create_task(load.person(http, n, stop)) for n in range(options.people)]
        await asyncio.sleep(options.warm_up)
        recording = asyncio.create_task(spy.record(pids[0], options.seconds, profile)) if profile else None
        before, start = cpu_split.snapshot(pids, database), time.monotonic()
        await asyncio.sleep(options.seconds)
        after, end = cpu_split.snapshot(pids, database), time.monotonic()
        stop.set()
        await asyncio.gather(*people, *([recording] if recording else []))
    return summary(load, before, after, (start, end))


def summary(load: Load, before: cpu_split.Snapshot, after: cpu_split.Snapshot,
            window: tuple[float, float]) -> dict[str, Any]:
    """What was acknowledged within the window, and the CPU each kind of process used meanwhile."""
    start, end = window
    timed = [took for when, took in load.acknowledged if start <= when < end]
    cores = cpu_split.split(before, after, end - start)
    per_second = len(timed) / (end - start)
    preemptions = after.server_preemptions - before.server_preemptions
    return {"answers_per_second": round(per_second, 1), "ack": stats(timed), "cpu_cores": cores,
            "cpu_ms_per_answer": {kind: round(1000 * used / per_second, 2) for kind, used in cores.items()},
            "server_preemptions_per_answer": round(preemptions / max(len(timed), 1), 2),
            "acknowledged": len(load.acknowledged), "refused": dict(load.refused)}


async def stored_answers(database: str) -> dict[str, int]:
    """Respondents and answers in the database, read through the repository once the servers have stopped."""
    app = await bootstrap.start(Settings(_env_file=None, db=database), writer=False)
    respondents = answers = 0
    try:
        async for session in app.repository.each():
            respondents, answers = respondents + 1, answers + len(session.recent_inputs)
    finally:
        await app.repository.close()
    return {"respondents": respondents, "answers": answers}


@asynccontextmanager
async def database_for(store: str, server: str, folder: Path) -> AsyncIterator[tuple[str, str | None]]:
    """(CONSULT_DB, PostgreSQL database name): a TinyDB file in `folder`, or a new database on `server`."""
    if store == "tinydb":
        yield str(folder / "consult.json"), None
        return
    async with scratch_database(server) as url:
        yield url, urlsplit(url).path.lstrip("/")


async def level(store: str, processes: int, options: argparse.Namespace) -> dict[str, Any]:
    """One row of the table: `processes` servers on a fresh database of `store`, loaded and checked."""
    api = WebApi()
    await api.start()
    loads = os.getloadavg()
    try:
        with tempfile.TemporaryDirectory(prefix="consult-bench-") as name:
            folder = Path(name)
            async with database_for(store, options.postgres, folder) as (database, database_name):
                async with serving(processes, folder, database, api.url) as servers:
                    profile = options.profile / f"{store}-{processes}.txt" if options.profile else None
                    result = await measure(servers, database_name, options, profile)
                result["stored"] = await stored_answers(database)
    finally:
        await api.stop()
    result.update(store=store, processes=processes, replies_posted=sum(map(len, api.posted.values())),
                  every_acknowledged_answer_stored=result["stored"]["answers"] == result["acknowledged"],
                  load_average_before=round(loads[0], 2), load_average_after=round(os.getloadavg()[0], 2))
    return result


async def run(options: argparse.Namespace) -> list[dict[str, Any]]:
    """The TinyDB baseline (one process), then each number of processes on PostgreSQL; one level at a time."""
    rows = [await level("tinydb", 1, options)] if options.baseline else []
    for processes in options.processes:
        rows.append(await level("postgresql", processes, options))
    one = next((row["answers_per_second"] for row in rows if row["store"] == "postgresql" and row["processes"] == 1),
               None)
    for row in rows:
        row["ratio_to_one_postgresql_process"] = round(row["answers_per_second"] / one, 2) if one else None
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    table = Table("Store", "Processes", "Answers/s", "Ratio", "Ack p50 ms", "Ack p99 ms",
                  "CPU cores: servers / backends / other PG / load / else / all", "Load avg",
                  title="consult serve: answers per second")
    for row in rows:
        cores = row["cpu_cores"]
        split = " / ".join(str(cores[kind]) for kind in
                           ("servers", "backends", "postgres_other", "load", "everything_else", "machine"))
        table.add_row(row["store"], str(row["processes"]), str(row["answers_per_second"]),
                      str(row["ratio_to_one_postgresql_process"]), str(row["ack"]["p50_ms"]),
                      str(row["ack"]["p99_ms"]), split, f"{row['load_average_before']} -> {row['load_average_after']}")
    Console(width=180).print(table)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=lambda text: [int(n) for n in text.split(",")], default=[1, 2, 4],
                        help="numbers of consult serve processes on PostgreSQL, e.g. 1,2,4")
    parser.add_argument("--people", type=int, default=64, help="respondents answering at once")
    parser.add_argument("--warm-up", type=float, default=5, help="seconds of load before timing starts")
    parser.add_argument("--seconds", type=float, default=20, help="seconds timed")
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="PostgreSQL server to make the database on")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false", help="skip the TinyDB baseline")
    parser.add_argument("--profile", type=Path, help="folder: py-spy profile of one server process at each level")
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    rows = asyncio.run(run(options))
    setup = {"people": options.people, "warm_up_seconds": options.warm_up, "seconds": options.seconds,
             "cores": os.cpu_count(), "python": platform.python_version()}
    if options.json:
        print(json.dumps({"setup": setup, "levels": rows}, indent=2))
        return
    print_table(rows)
    print(json.dumps(setup))


if __name__ == "__main__":
    main()
