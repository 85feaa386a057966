"""Storage benchmark: the cost of one durable answer, consult's TinyDB layout vs stock TinyDB.

python -m bench.storage --respondents 100,1000,10000 --json
python -m bench.storage --at-once 1,10,100 [--postgres URL]    (TinyDB beside PostgreSQL)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from tinydb import TinyDB

from bench import postgres
from core.ports import Repository
from core.session import Answer, Session, Status
from questionnaire import loader
from storage.atomic_json import AtomicJSONStorage
from storage.embedded import TinyDBRepository, open_repository
from storage.postgres import PostgresRepository

ANSWERS_PER_RESPONDENT = 18
CHARS_PER_ANSWER = 1500
TEXT_POOL_SIZE = 400  # distinct answer texts; answers draw from them to keep populating quick
WARMUP_PUTS = 20
STOCK_MAX_RESPONDENTS = 3000  # beyond this stock TinyDB takes seconds per update
STOCK_MIN_SAMPLES = 20
STOCK_SAMPLE_BUDGET = 20_000  # samples x respondents: keeps stock runs to seconds, not minutes
POPULATE_BATCH = 64
SAMPLES_PER_ROUND = 50

PROSE = (
    "the consultation should consider regional water energy transition finance capacity "
    "building indigenous knowledge local communities women youth participation governance "
    "transparency accountability monitoring data reporting adaptation mitigation resilience "
    "ecosystems biodiversity agriculture food security health education infrastructure "
    "private sector partnerships technology transfer we recommend that member states "
    "secretariat stakeholders ensure sustainable inclusive equitable access long-term "
    "evidence review targets indicators implementation national plans cooperation"
)
WORDS = PROSE.split()

Figures = dict[str, float | int]


def paragraph(rng: random.Random) -> str:
    """About CHARS_PER_ANSWER characters of plausible consultation prose."""
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < CHARS_PER_ANSWER:
        words = rng.choices(WORDS, k=rng.randint(8, 24))
        sentences.append(" ".join(words).capitalize() + rng.choice([".", ".", ";", "!"]))
    return " ".join(sentences)[:CHARS_PER_ANSWER]


def make_session(index: int, pool: list[str], rng: random.Random) -> Session:
    """A respondent midway through: 18 long answers."""
    now = datetime.now(UTC)
    answers = {
        f"q{n:02d}": Answer(value=f"[{index}] {rng.choice(pool)}", at=now, text=f"Question {n}?")
        for n in range(1, ANSWERS_PER_RESPONDENT + 1)
    }
    return Session(
        respondent_id=f"telegram:{100_000 + index}",
        channel="telegram",
        status=Status.IN_PROGRESS,
        answers=answers,
        cursor="q18",
        started_at=now,
    )


def summarise(durations_ns: list[int]) -> Figures:
    """p50 / p99 in milliseconds."""
    ms = sorted(d / 1e6 for d in durations_ns)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 3), "p99_ms": round(cuts[98], 3), "samples": len(ms)}


def floor_document(seed: int = 2025) -> dict[str, dict[str, Any]]:
    """A respondent file as consult writes it: one session of 18 answers of 1,500 characters (~29 KB)."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(ANSWERS_PER_RESPONDENT)]
    return {"session": {"1": make_session(0, pool, rng).model_dump(mode="json")}}


def durable_writes(folder: Path, document: dict[str, dict[str, Any]], samples: int) -> list[int]:
    """Nanoseconds each of `samples` atomic replaces of one file by `document`: the floor under a durable answer.

    The write a put makes (AtomicJSONStorage.write: temp file written and fsynced, os.replace, the folder
    fsynced), without TinyDB, the storage thread or the service around it.
    """
    storage = AtomicJSONStorage(folder / "floor.json")
    durations = []
    for _ in range(samples):
        started = time.perf_counter_ns()
        storage.write(document)
        durations.append(time.perf_counter_ns() - started)
    return durations


def durable_appends(folder: Path, size: int, samples: int) -> list[int]:
    """Nanoseconds each of `samples` appends of `size` bytes to one file, each made durable (fdatasync).

    The cheapest durable write this disk offers (a journal's): what a store that logged each answer,
    rather than replacing the respondent's file, would wait for at least.
    """
    record, durations = b"x" * (size - 1) + b"\n", []
    handle = os.open(folder / "journal.floor", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for _ in range(samples):
            started = time.perf_counter_ns()
            os.write(handle, record)
            os.fdatasync(handle)
            durations.append(time.perf_counter_ns() - started)
    finally:
        os.close(handle)
    return durations


def durable_writes_for(folder: Path, seconds: float) -> list[int]:
    """Durable writes of a respondent's file (`floor_document`) back to back for `seconds`: nanoseconds each."""
    document, durations = floor_document(), []
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        durations += durable_writes(folder, document, 10)
    return durations


def back_to_back(durations_ns: list[int]) -> dict[str, float]:
    """Writes per second one thread makes back to back, and each write's p50 / p99 in milliseconds."""
    return {"writes_per_second": round(len(durations_ns) / (sum(durations_ns) / 1e9), 1),
            **summarise(durations_ns)}


async def populate(repo: TinyDBRepository, size: int, pool: list[str], rng: random.Random) -> None:
    """Store `size` respondents through the repository itself (untimed)."""
    for start in range(0, size, POPULATE_BATCH):
        batch = range(start, min(start + POPULATE_BATCH, size))
        await asyncio.gather(*(repo.put(make_session(i, pool, rng)) for i in batch))


async def one_answer(repo: TinyDBRepository, size: int, pool: list[str], rng: random.Random) -> int:
    """Change one answer of a random respondent; the nanoseconds the durable put took."""
    session = await repo.get(f"telegram:{100_000 + rng.randrange(size)}")
    assert session is not None
    item = f"q{rng.randint(1, ANSWERS_PER_RESPONDENT):02d}"
    session.answers[item] = Answer(value=rng.choice(pool), at=datetime.now(UTC), text="Changed?")
    started = time.perf_counter_ns()
    await repo.put(session)
    return time.perf_counter_ns() - started


async def time_consult(root: Path, sizes: list[int], samples: int, seed: int) -> dict[int, Figures]:
    """Time `samples` durable answers per size, all sizes' databases open side by side."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    repos = {size: open_repository(root / f"consult-{size}" / "consult.json") for size in sizes}
    try:
        for size, repo in repos.items():
            await populate(repo, size, pool, rng)
        # Let the kernel finish writing back the bulk load, so it does not land in the samples.
        os.sync()
        for size, repo in repos.items():
            for _ in range(WARMUP_PUTS):
                await one_answer(repo, size, pool, rng)
        durations = await sample_in_rounds(repos, samples, pool, rng)
    finally:
        for repo in repos.values():
            await repo.close()
    return {size: summarise(found) for size, found in durations.items()}


async def sample_in_rounds(
    repos: dict[int, TinyDBRepository], samples: int, pool: list[str], rng: random.Random
) -> dict[int, list[int]]:
    """Take samples in rounds across sizes: a disk slow for a while then slows all sizes alike."""
    durations: dict[int, list[int]] = {size: [] for size in repos}
    while any(len(found) < samples for found in durations.values()):
        for size, repo in repos.items():
            for _ in range(min(SAMPLES_PER_ROUND, samples - len(durations[size]))):
                durations[size].append(await one_answer(repo, size, pool, rng))
    return durations


def time_stock(root: Path, size: int, samples: int, seed: int) -> Figures | None:
    """The same documents in one stock TinyDB file (default JSONStorage), one update a sample."""
    if size > STOCK_MAX_RESPONDENTS:
        return None
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    samples = max(STOCK_MIN_SAMPLES, min(samples, STOCK_SAMPLE_BUDGET // size))
    with TinyDB(root / f"stock-{size}.json") as db:
        db.insert_multiple(make_session(i, pool, rng).model_dump(mode="json") for i in range(size))
        durations = [_stock_update(db, size, pool, rng) for _ in range(samples)]
    return summarise(durations)


def _stock_update(db: TinyDB, size: int, pool: list[str], rng: random.Random) -> int:
    doc_id = rng.randrange(size) + 1
    item = f"q{rng.randint(1, ANSWERS_PER_RESPONDENT):02d}"
    answer = Answer(value=rng.choice(pool), at=datetime.now(UTC), text="Changed?")

    def change(document: Any) -> None:
        document["answers"][item] = answer.model_dump(mode="json")

    started = time.perf_counter_ns()
    db.update(change, doc_ids=[doc_id])
    return time.perf_counter_ns() - started


async def time_at_once(repo: Repository, at_once: int, samples: int, pool: list[str], rng: random.Random) -> Figures:
    """`at_once` respondents answering together: each answer is one held step (load, change, durable store)."""

    async def respondent(index: int) -> list[int]:
        durations = []
        for _ in range(max(1, samples // at_once)):
            item = f"q{rng.randint(1, ANSWERS_PER_RESPONDENT):02d}"
            started = time.perf_counter_ns()
            async with repo.transaction(f"telegram:{100_000 + index}") as held:
                assert held.session is not None
                held.session.answers[item] = Answer(value=rng.choice(pool), at=datetime.now(UTC), text="Changed?")
                await held.put(held.session)
            durations.append(time.perf_counter_ns() - started)
        return durations

    await respondent(0)  # warm-up: connections opened, caches filled
    on_server = repo if isinstance(repo, PostgresRepository) else None
    server = await postgres.backends_cpu_seconds(on_server) if on_server else None
    client = time.process_time()
    found = await asyncio.gather(*(respondent(index) for index in range(at_once)))
    durations = [d for durations in found for d in durations]
    # CPU per answer, this process (psycopg, asyncio, pydantic) and the database's backends: with both on
    # one machine, `at_once` answers cannot all be done sooner than at_once x (client + server) / cores.
    cpu: Figures = {"client_cpu_ms": round((time.process_time() - client) * 1000 / len(durations), 3)}
    if on_server is not None and server is not None:
        used = await postgres.backends_cpu_seconds(on_server) - server
        cpu["server_cpu_ms"] = round(used * 1000 / len(durations), 3)
    return summarise(durations) | cpu


async def at_once_on(stores: dict[str, Repository], levels: list[int], samples: int, seed: int
                     ) -> dict[str, dict[str, Figures]]:
    """Every level on every store, in turn, the same respondents in each."""
    rng = random.Random(seed)
    pool = [paragraph(rng) for _ in range(TEXT_POOL_SIZE)]
    size = max(levels)
    for repo in stores.values():
        for start in range(0, size, POPULATE_BATCH):
            await asyncio.gather(*(repo.put(make_session(i, pool, rng)) for i in range(start, min(start + 64, size))))
    os.sync()
    results = {str(level): {name: await time_at_once(repo, level, samples, pool, rng) for name, repo in stores.items()}
               for level in levels}
    for repo in stores.values():
        await repo.close()
    return results


async def measure_at_once(levels: list[int], samples: int, root: Path, server: str, seed: int
                          ) -> dict[str, dict[str, Figures]]:
    """TinyDB and PostgreSQL (a database made for the run, dropped after), one answer per held step."""
    async with postgres.scratch_database(server) as url:
        stores: dict[str, Repository] = {
            "tinydb": open_repository(root / "at-once" / "consult.json"),
            "postgres": await postgres.open_repository(url, loader.load()),
        }
        return await at_once_on(stores, levels, samples, seed)


Results = dict[str, dict[str, Figures | None]]


def measure(sizes: list[int], samples: int, root: Path, seed: int) -> Results:
    """Consult's figures for every size, then stock TinyDB's, keyed by size."""
    consult = asyncio.run(time_consult(root, sizes, samples, seed))
    return {
        str(size): {"consult": consult[size], "stock_tinydb": time_stock(root, size, samples, seed)} for size in sizes
    }


@contextmanager
def scratch_folder(parent: Path) -> Iterator[Path]:
    """A fresh folder under `parent`, removed (with `parent`, if made here) at the end.

    Removal waits until every size is measured: ext4 is measurably slower to create files
    for a few minutes after many deletions nearby, which would skew the sizes measured next.
    """
    made_parent = not parent.exists()
    parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="consult-bench-", dir=parent))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if made_parent:
            with suppress(OSError):
                parent.rmdir()


def filesystem_of(path: Path) -> str:
    """The filesystem type holding `path`, from /proc/mounts (Linux), else 'unknown'."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "unknown"
    real = str(path.resolve())
    best = max((m for m in mounts if real.startswith(m[0])), key=lambda m: len(m[0]), default=None)
    return best[1] if best else "unknown"


def print_table(results: Results, parent: Path) -> None:
    """A readable table of the figures, with the machine they came from."""
    table = Table(title="One durable answer (ms)")
    for column in ("respondents", "consult p50", "consult p99", "stock p50", "stock p99"):
        table.add_column(column, justify="right")
    for size, by_store in results.items():
        consult, stock = by_store["consult"] or {}, by_store["stock_tinydb"] or {}
        cells = [consult.get(key) for key in ("p50_ms", "p99_ms")]
        cells += [stock.get(key) for key in ("p50_ms", "p99_ms")]
        table.add_row(size, *("-" if cell is None else f"{cell:.2f}" for cell in cells))
    table.caption = f"Python {platform.python_version()}, {os.cpu_count()} cores, {filesystem_of(parent)} at {parent}"
    Console().print(table)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--respondents", default="100,1000,10000", help="comma-separated sizes")
    parser.add_argument("--samples", type=int, default=500, help="timed answers per size")
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(".bench-tmp"),
        help="where temp databases go (removed after); use the disk data/ is on",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--at-once", help="instead: latency, this many answering at once: 1,10,100")
    parser.add_argument("--postgres", default=postgres.DEFAULT_SERVER, help="server for --at-once's scratch database")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark for each size and report it."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sizes = [int(size) for size in args.respondents.split(",")]
    if args.at_once:
        levels = [int(level) for level in args.at_once.split(",")]
        with scratch_folder(args.dir) as root:
            found = asyncio.run(measure_at_once(levels, args.samples, root, args.postgres, args.seed))
        print(json.dumps({"load": os.getloadavg(), "at_once": found}, indent=2))
        return
    with scratch_folder(args.dir) as root:
        results = measure(sizes, args.samples, root, args.seed)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results, args.dir)


if __name__ == "__main__":
    main()
