"""Progress benchmark: `consult progress --json` on TinyDB and on PostgreSQL, same respondents, one run.

python -m bench.progress --respondents 10000,100000 [--postgres URL] [--json]

Each database is filled first (untimed) with 500 distinct respondents copied under other ids: TinyDB
files written directly, PostgreSQL with COPY into a database made for the run and dropped after.
Then the real command runs in a child process (wall time, peak RSS), and, in this process, the
repository's `figures` alone (the part the size changes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

from bench import export, postgres
from bench.storage import TEXT_POOL_SIZE, paragraph
from core.ports import Repository
from core.session import Session, Status
from questionnaire.loader import parse
from questionnaire.model import Questionnaire
from storage.embedded import open_repository
from storage.layout import Layout
from storage.tinydb_files import SESSION_DOC_ID, SESSION_TABLE

DAY0 = datetime(2013, 7, 1, tzinfo=UTC)
DISTINCT = 500  # distinct respondents; the rest are copies under other ids (filling stays minutes, not hours)


def sessions(q: Questionnaire, size: int, seed: int) -> Iterator[Session]:
    """The export benchmark's respondents; one in five has not submitted yet."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    for index in range(size):
        session = export.make_session(q, index, pool, rng, DAY0)
        if index % 5 == 4:
            session.submissions, session.status, session.cursor = [], Status.IN_PROGRESS, "q5"
        yield session


def copies(size: int) -> int:
    if size % DISTINCT and size > DISTINCT:
        raise SystemExit(f"--respondents: use multiples of {DISTINCT}")
    return max(1, size // DISTINCT)


def run_progress(folder: Path, db: str) -> dict[str, Any]:
    """`consult progress --json` in a child: wall seconds and peak RSS in MB."""
    env = {**os.environ, "CONSULT_DB": db, "CONSULT_QUESTIONNAIRE": "bench.toml",
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    started = time.perf_counter()
    with (folder / "progress.json").open("wb") as out:
        child = subprocess.Popen([sys.executable, "-m", "bots.cli", "progress", "--json"], cwd=folder, env=env,
                                 stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"progress failed: {child.stderr.read().decode() if child.stderr else status}")
    report = json.loads((folder / "progress.json").read_text())
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "started": report["started"], "submitted": report["submitted"]}


async def time_figures(repository: Repository, q: Questionnaire) -> float:
    """Seconds for the repository to add up the figures (best of three)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        await repository.figures(q)
        best = min(best, time.perf_counter() - started)
    await repository.close()
    return round(best, 3)


async def on_tinydb(folder: Path, q: Questionnaire, size: int, seed: int) -> dict[str, Any]:
    db = folder / "data" / "consult.json"
    await open_repository(db).close()  # the catalog; the respondent files are written directly, without fsync
    layout = Layout(db)
    for session in sessions(q, min(size, DISTINCT), seed):
        document = session.model_dump(mode="json")
        for n in range(copies(size)):
            respondent_id = session.respondent_id + (f"#{n}" if n else "")
            text = json.dumps({SESSION_TABLE: {str(SESSION_DOC_ID): {**document, "respondent_id": respondent_id}}})
            layout.respondent_file(respondent_id).write_text(text)
    result: dict[str, Any] = {"command": run_progress(folder, "data/consult.json")}
    result["figures_seconds"] = await time_figures(open_repository(db, writer=False), q)
    return result


# The worst case for grouping by whole lists: each copy drops a random fifth of its answered questions,
# so that nearly every row's lists differ (the counts then differ from the session's; only time matters).
_SCATTER = ("UPDATE consult_respondent SET answered = ARRAY(SELECT i FROM unnest(answered) AS i WHERE random() < 0.8), "
            "answered_counted = ARRAY(SELECT i FROM unnest(answered_counted) AS i WHERE random() < 0.8)")


async def on_postgres(folder: Path, server: str, q: Questionnaire, size: int, seed: int, scatter: bool = False
                      ) -> dict[str, Any]:
    async with postgres.scratch_database(server) as url:
        await postgres.bulk_load(url, q, sessions(q, min(size, DISTINCT), seed), copies(size))
        if scatter:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(_SCATTER)
                await conn.execute("VACUUM ANALYZE consult_respondent")
        result: dict[str, Any] = {"command": run_progress(folder, url)}
        result["figures_seconds"] = await time_figures(await postgres.open_repository(url, q), q)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.progress", description=__doc__)
    parser.add_argument("--respondents", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--postgres", default=postgres.DEFAULT_SERVER, help="server to make a scratch database on")
    parser.add_argument("--stores", default="tinydb,postgres", help="which stores to measure")
    parser.add_argument("--dir", type=Path, default=Path(".bench-tmp"), help="scratch folder (removed after)")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--scatter", action="store_true",
                        help="PostgreSQL: make nearly every respondent's answered lists differ (worst case)")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for size in (int(s) for s in args.respondents.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="progress-", dir=args.dir))
        try:
            (folder / "bench.toml").write_text(export.questionnaire_text())
            q = parse(export.questionnaire_text())
            results[str(size)] = {"load": os.getloadavg()[0]}
            if "postgres" in args.stores:
                results[str(size)]["postgres"] = asyncio.run(
                    on_postgres(folder, args.postgres, q, size, args.seed, args.scatter))
            if "tinydb" in args.stores:
                results[str(size)]["tinydb"] = asyncio.run(on_tinydb(folder, q, size, args.seed))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
