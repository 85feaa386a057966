"""What the invitation and organisation figures add to `consult progress` on PostgreSQL.

python -m bench.arrivals --respondents 10000,100000 [--postgres URL] [--stream-up-to 10000]
python -m bench.arrivals --respondents 10000 --tinydb

The progress benchmark's respondents (bench.progress), loaded with COPY into a scratch database. In the
same run: `repository.figures(q)` (what progress already did, the baseline), the few JSON fields read
in SQL (storage/postgres/arrivals.py, what progress now adds), and, up to --stream-up-to respondents,
the same read by streaming every session (what it would cost without the SQL). Best of three each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import export, postgres
from bench.progress import DISTINCT, copies, sessions
from core.invitations import standing
from questionnaire.loader import parse
from storage.embedded import open_repository
from storage.layout import Layout
from storage.postgres.arrivals import arrivals
from storage.tinydb_files import SESSION_DOC_ID, SESSION_TABLE


async def best_of_three(work: Callable[[], Awaitable[object]]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        await work()
        best = min(best, time.perf_counter() - started)
    return round(best, 3)


async def measure(server: str, size: int, stream_up_to: int, seed: int) -> dict[str, Any]:
    q = parse(export.questionnaire_text())
    async with postgres.scratch_database(server) as url:
        await postgres.bulk_load(url, q, sessions(q, min(size, DISTINCT), seed), copies(size))
        repository = await postgres.open_repository(url, q)
        try:
            result: dict[str, Any] = {"load_before": os.getloadavg()[0]}
            result["figures_s"] = await best_of_three(lambda: repository.figures(q))
            result["arrivals_sql_s"] = await best_of_three(lambda: arrivals(repository.pool, q))
            if size <= stream_up_to:
                result["arrivals_streamed_s"] = await best_of_three(
                    lambda: standing.arrivals(q, repository.each()))
            found = await arrivals(repository.pool, q)
            result["rows"], result["with_organisation"] = len(found), sum(a.organisation is not None for a in found)
            result["load_after"] = os.getloadavg()[0]
        finally:
            await repository.close()
    return result


async def measure_tinydb(size: int, seed: int) -> dict[str, Any]:
    """The same on files: progress there reads every session for the figures, and again for arrivals."""
    q = parse(export.questionnaire_text())
    folder = Path(tempfile.mkdtemp(prefix="arrivals-", dir="."))
    try:
        db = folder / "consult.json"
        await open_repository(db).close()
        layout = Layout(db)
        for session in sessions(q, min(size, DISTINCT), seed):
            document = session.model_dump(mode="json")
            for n in range(copies(size)):
                respondent_id = session.respondent_id + (f"#{n}" if n else "")
                text = json.dumps({SESSION_TABLE: {str(SESSION_DOC_ID): {**document, "respondent_id": respondent_id}}})
                layout.respondent_file(respondent_id).write_text(text)
        repository = open_repository(db, writer=False)
        try:
            result: dict[str, Any] = {"load_before": os.getloadavg()[0]}
            started = time.perf_counter()
            await repository.figures(q)
            result["figures_s"] = round(time.perf_counter() - started, 3)
            started = time.perf_counter()
            await standing.arrivals(q, repository.each())
            result["arrivals_streamed_s"] = round(time.perf_counter() - started, 3)
            result["load_after"] = os.getloadavg()[0]
        finally:
            await repository.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.arrivals", description=__doc__)
    parser.add_argument("--respondents", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--postgres", default=postgres.DEFAULT_SERVER, help="server to make a scratch database on")
    parser.add_argument("--stream-up-to", type=int, default=10000, help="largest size to also stream")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--tinydb", action="store_true", help="measure files instead of PostgreSQL")
    args = parser.parse_args(argv)
    results = {size: asyncio.run(measure_tinydb(int(size), args.seed) if args.tinydb else
                                 measure(args.postgres, int(size), args.stream_up_to, args.seed))
               for size in args.respondents.split(",")}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
