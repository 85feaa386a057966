"""Round trip of one answer: consult beside a bare echo bot, on Telegram and on Slack, in one run (issue 14).

    python -m bench.roundtrip --json                 (35 rounds each after 5 of warm-up, TinyDB)
    python -m bench.roundtrip --db postgresql://postgres@127.0.0.1:5432/test
    python -m bench.roundtrip --profile .bench-tmp/profile

Telegram: PTB's echo bot and `consult run telegram` poll one Bot API stand-in on 127.0.0.1; Slack: bolt's
echo app and `consult serve` take signed DM events and post to one Web API stand-in. Each bot runs in a
process of its own. Messages alternate between the two bots; each message to consult is one part of a
long answer (1,500 characters) of a respondent who has consented and given contact details and category
before (set up through the stand-in, not measured); the echo gets the same text. After each round the
disk's floor is probed: an atomic ~29 KB write with two fsyncs (bench.storage.durable_writes), and
the cheapest durable write the disk offers, a 2 KB append and one fdatasync (bench.storage.durable_appends).
With --profile, consult alone then answers back to back while py-spy samples it (bench.roundtrip.layers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.postgres import scratch_database
from bench.roundtrip import layers, rounds
from bench.roundtrip import slack as slack_side
from bench.roundtrip import telegram as telegram_side

PLATFORMS = {"telegram": telegram_side.running, "slack": slack_side.running}


@contextlib.asynccontextmanager
async def database(folder: Path, server: str | None) -> AsyncIterator[str]:
    """CONSULT_DB for consult: a TinyDB file in `folder`, or a database made on `server` and dropped after."""
    if server is None:
        yield str(folder / "consult.json")
        return
    async with scratch_database(server) as url:
        yield url


async def measure(platform: str, options: argparse.Namespace, parent: Path) -> dict[str, Any]:
    """One platform: both bots started, alternated, compared; with a profile of consult alone if asked."""
    parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"roundtrip-{platform}-", dir=parent) as name:
        folder = Path(name)
        floor = rounds.Floor(folder)
        async with database(folder, options.db) as db, PLATFORMS[platform](folder, db) as bots:
            bots.consult = counted = rounds.Counted(bots.consult)
            echo, consult = rounds.steps(bots)
            started = time.monotonic()
            times = await rounds.alternate(echo, consult, floor, options.rounds, options.warm_up)
            result = rounds.compare(times, floor, bots.spacing) | {"seconds": round(time.monotonic() - started, 1)}
            if options.profile is not None:
                output, measured = options.profile / f"{platform}.txt", len(bots.spacing)
                result["profile"] = await layers.profile(bots.consult_pid, consult, lambda: counted.sent,
                                                        options.profile_seconds, output)
                result["profile"]["consult_by_spacing"] = rounds.by_spacing(bots.spacing[measured:])
    return result


async def run(options: argparse.Namespace) -> dict[str, Any]:
    parent = options.dir.resolve()
    found: dict[str, Any] = {"setup": {"rounds": options.rounds, "warm_up": options.warm_up,
                                       "store": "postgresql" if options.db else "tinydb",
                                       "machine_before": rounds.machine(parent)}}
    for platform in options.platforms:
        found[platform] = await measure(platform, options, parent)
    found["setup"]["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
    return found


def print_table(result: dict[str, Any]) -> None:
    table = Table("", "echo p50", "consult p50", "ratio", "echo p90", "consult p90", "ratio", "floor p50 / p90",
                  title=f"One answer's round trip, ms ({result['setup']['rounds']} rounds each, alternating)")
    for platform in PLATFORMS:
        if platform in result:
            row = result[platform]
            echo, consult, floor = row["echo"], row["consult"], row["storage_floor"]
            table.add_row(platform, str(echo["p50_ms"]), str(consult["p50_ms"]), f"{row['ratio']['p50']}x",
                          str(echo["p90_ms"]), str(consult["p90_ms"]), f"{row['ratio']['p90']}x",
                          f"{floor['p50_ms']} / {floor['p90_ms']}")
    Console(width=140).print(table)
    for platform in PLATFORMS:
        if platform in result:
            row = result[platform]
            least = row["least_ratio"]
            print(f"{platform}: the target (p50 <= {rounds.TARGET_P50}x) allows consult {least['target_allows_ms']} ms "
                  f"over the echo; the engine alone takes {row['engine']['p50_ms']} ms, the durable write "
                  f"{row['storage_floor']['p50_ms']} ms ({least['with_the_file_replaced']}x with both), or "
                  f"{row['append_floor']['p50_ms']} ms as a journal's append ({least['with_a_journal_append']}x)")
    for platform in PLATFORMS:
        for when, found in result.get(platform, {}).get("consult_by_spacing", {}).items():
            if found is not None:
                print(f"{platform}: consult, message {when.replace('_', ' ')}: p50 {found['p50_ms']} ms, "
                      f"p90 {found['p90_ms']} ms ({found['count']})")
    for platform in PLATFORMS:
        if "profile" in result.get(platform, {}):
            layers.print_breakdown(platform, result[platform]["profile"])
    setup = result["setup"]
    print(f"load average {setup['machine_before']['load_average']} -> {setup['load_average_after']}, "
          f"{setup['machine_before']['cores']} cores, store {setup['store']}")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=35, help="measured rounds (one message to each bot)")
    parser.add_argument("--warm-up", type=int, default=5, help="rounds first, not counted")
    parser.add_argument("--platforms", type=lambda text: text.split(","), default=list(PLATFORMS))
    parser.add_argument("--db", help="a PostgreSQL server: consult stores in a database made there for the run")
    parser.add_argument("--dir", type=Path, default=Path(".bench-tmp"), help="where temp databases go")
    parser.add_argument("--profile", type=Path, help="folder: py-spy profiles of consult answering alone")
    parser.add_argument("--profile-seconds", type=int, default=15)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    result = asyncio.run(run(options))
    if options.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)


if __name__ == "__main__":
    main()
