"""Export benchmark: `consult export` (every format) on a large database, timed, with peak memory.

python -m bench.export --respondents 10000 --json
python -m bench.export --respondents 100000 --postgres postgresql://postgres@127.0.0.1:5432/test --json

The database is filled first (untimed); then the real command runs in a child process, so the
figures are what a secretariat sees: wall time of the whole command and the child's peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import postgres
from bench.storage import CHARS_PER_ANSWER, TEXT_POOL_SIZE, paragraph
from core.session import Answer, AnswerValue, Session, Status, Submission
from questionnaire.loader import bundled_path, parse
from questionnaire.model import Questionnaire
from storage.embedded import open_repository

LONG_ANSWERS = 18
DISTINCT = 500  # distinct respondents written to PostgreSQL; --respondents is a multiple of it
# The bundled file has 12 long questions; the benchmark adds the six it lacks to reach 18.
EXTRA = ("q12", "q13", "q14", "q16", "q17", "q19")
CATEGORIES = [("Government", None), ("Non-Government", "Civil society"), ("Non-Government", "Private sector"),
              ("Non-Government", "Technical and academic community")]


def questionnaire_text() -> str:
    """The WGEC questionnaire with six more long questions, as TOML."""
    extra = "".join(
        f'\n[[items]]\nid = "{i}"\nnumber = "{i[1:]}"\nkind = "long"\ntext = "Benchmark question {i[1:]}?"\n'
        for i in EXTRA
    )
    # It asks the questions the bundled file leaves out, so they are no longer [[omitted]] there.
    bundled = re.sub(r"\[\[omitted\]\]\n(?:\w+ = .*\n)+", "", bundled_path().read_text())
    return bundled + extra


def make_session(q: Questionnaire, index: int, pool: list[str], rng: random.Random, day0: datetime) -> Session:
    """A submitted WGEC respondent with 18 long answers of ~1,500 characters."""
    at = day0 + timedelta(minutes=index * 7)
    category, group = rng.choice(CATEGORIES)
    values: dict[str, AnswerValue] = {
        "consent": rng.choice(["Yes", "No"]),
        "contact": {"name": f"Person {index}", "organisation": f"Organisation {index}",
                    "country": rng.choice(["Kenya", "Brazil", "India", "France", "Chile"]),
                    "email": f"person{index}@example.org"},
        "q1": category,
    }
    if group:
        values["q1_group"] = group
    longs = [item.id for item in q.items if item.kind.value == "long"]
    values.update({item_id: f"[{index}] {rng.choice(pool)}" for item_id in longs})
    answers = {k: Answer(value=v, at=at, text=q.item(k).text) for k, v in values.items()}
    return Session(
        respondent_id=f"telegram:{100_000 + index}", channel=rng.choice(["telegram", "slack", "console"]),
        status=Status.SUBMITTED, answers=answers, started_at=at, updated_at=at,
        submissions=[Submission(at=at + timedelta(hours=1), answers=answers)],
    )


async def populate(db: Path, q: Questionnaire, size: int, seed: int) -> None:
    """Fill a fresh database through the repository (untimed)."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    repo = open_repository(db)
    day0 = datetime(2013, 7, 1, tzinfo=UTC)
    try:
        for start in range(0, size, 64):
            batch = range(start, min(start + 64, size))
            await asyncio.gather(*(repo.put(make_session(q, i, pool, rng, day0)) for i in batch))
    finally:
        await repo.close()


async def populate_postgres(server: str, q: Questionnaire, size: int, seed: int,
                            folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """Fill a database made for the run with COPY (untimed), export from it, drop it."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    day0 = datetime(2013, 7, 1, tzinfo=UTC)
    async with postgres.scratch_database(server) as url:
        distinct = min(size, DISTINCT)  # the rest are copies under other ids: COPY in minutes, not an hour
        await postgres.bulk_load(url, q, (make_session(q, i, pool, rng, day0) for i in range(distinct)),
                                 copies=max(1, size // distinct))
        return await asyncio.to_thread(run_export, folder, {**env, "CONSULT_DB": url})


def run_export(folder: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run `consult export` in a child; wall seconds, its CPU seconds (user + system) and peak RSS in MB.

    CPU well below wall time on a quiet machine means the export waited, on the disk or the server.
    """
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "bots.cli", "export", "--out", "out"], cwd=folder, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"export failed: {child.stderr.read().decode() if child.stderr else status}")
    sizes = {p.name: p.stat().st_size for p in sorted((folder / "out").iterdir())}
    return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "files": sizes}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--respondents", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--dir", type=Path, default=Path(".bench-tmp"), help="scratch folder (removed after)")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--postgres", help="export from PostgreSQL: a scratch database on this server, filled by COPY")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="export-", dir=args.dir))
    try:
        (folder / "bench.toml").write_text(questionnaire_text())
        q = parse(questionnaire_text())
        started = time.perf_counter()
        env = {**os.environ, "CONSULT_DB": "data/consult.json", "CONSULT_QUESTIONNAIRE": "bench.toml",
               "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        result: dict[str, Any] = {"respondents": args.respondents, "long_answers": LONG_ANSWERS,
                                  "chars_per_answer": CHARS_PER_ANSWER, "load": os.getloadavg()[0]}
        if args.postgres:
            result.update(asyncio.run(populate_postgres(args.postgres, q, args.respondents, args.seed, folder, env)))
        else:
            asyncio.run(populate(folder / "data" / "consult.json", q, args.respondents, args.seed))
            result.update(populate_seconds=round(time.perf_counter() - started, 1), **run_export(folder, env))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{result['respondents']:,} respondents: {result['seconds']} s, peak {result['peak_rss_mb']} MB")
        for name, size in result["files"].items():
            print(f"  {name}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
