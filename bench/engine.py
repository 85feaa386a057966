"""Engine benchmark: respondents walking the whole WGEC questionnaire, through the service and alone.

    python -m bench.engine --respondents 1000 --json

Each simulated respondent starts with an invitation code, consents, fills in the contact fields,
answers Non-Government with its follow-ups, writes long answers of about 1,500 characters in one
to three messages each ended by 'done', skips one or two questions, and at the last question sends
'submit' twice (the review, then the submission). Respondents are interleaved in a seeded random
order. The same inputs are then replayed through `engine.apply` alone, without service or store.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from core import engine
from core.inputs import Input, parse_text
from core.service import ConsultService
from core.session import Session, Status
from questionnaire.loader import load
from questionnaire.model import ContactField, Item, Kind, Questionnaire, Role
from storage.memory import MemoryRepository

LONG_ANSWER_CHARS = 1500
MAX_PARTS = 3
CHANNEL = "telegram"
PROSE = (
    "enhanced cooperation should enable governments on an equal footing while every stakeholder "
    "keeps its role the internet governance forum remains the place for dialogue developing "
    "countries need capacity building finance and a voice in technical bodies public policy "
    "issues include security privacy access affordability multilingualism and the management of "
    "critical internet resources we recommend a working group that reports to the commission"
)
WORDS = PROSE.split()
# Typed as people do: a name, a code, another language, a small slip ("Kenia").
COUNTRIES = ("Kenya", "BR", "India", "Deutschland", "Côte d'Ivoire", "Kenia", "Japan", "Chile", "Egypt", "Fiji")

Figures = dict[str, Any]


@dataclass(frozen=True)
class Step:
    """One input of the schedule: who sends it, what, with which platform message id."""

    respondent_id: str
    command: Input
    inbound_id: str


def paragraph(rng: random.Random, chars: int) -> str:
    """Prose of about `chars` characters."""
    words: list[str] = []
    length = 0
    while length < chars:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words).capitalize() + "."


def split_in_parts(text: str, parts: int) -> list[str]:
    """The text cut at spaces into `parts` messages, as people paste a long answer."""
    words = text.split(" ")
    size = -(-len(words) // parts)
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def field_value(field: ContactField, n: int, rng: random.Random) -> str:
    if field.kind == "email":
        return f"respondent{n}@example.org"
    if field.kind == "country":
        return rng.choice(COUNTRIES)
    return " ".join(rng.choice(WORDS).capitalize() for _ in range(2))[: field.max_length]


def choose(item: Item, rng: random.Random) -> str:
    """A single choice: Non-Government for the category (to get its follow-ups), else any option."""
    if item.role is Role.CATEGORY and "Non-Government" in item.choices:
        return "Non-Government"
    return rng.choice(item.choices)


def walk(q: Questionnaire, n: int, rng: random.Random) -> list[str]:
    """What respondent `n` types, item by item, from '/start' to the second 'submit'."""
    long_items = [item.id for item in q.items if item.kind is Kind.LONG]
    skipped = set(rng.sample(long_items[:-1], rng.randint(1, 2)))
    chosen: dict[str, str] = {}
    typed = [f"/start inv{n:06d}"]
    for item in q.items:
        if item.when is not None and chosen.get(item.when.item) not in item.when.any_of:
            continue
        if item.id == long_items[-1]:
            typed += ["submit", "submit"]
            break
        typed += answer(item, n, rng, chosen, skip=item.id in skipped)
    return typed


def answer(item: Item, n: int, rng: random.Random, chosen: dict[str, str], skip: bool) -> list[str]:
    """The messages answering one item (by number or by name, as people do)."""
    if item.kind is Kind.CONSENT:
        chosen[item.id] = "Yes"
        return ["yes"]
    if item.kind is Kind.FIELDS:
        return [field_value(field, n, rng) for field in item.fields]
    if item.kind is Kind.SINGLE:
        if not item.required and rng.random() < 0.3:
            return ["skip"]
        chosen[item.id] = choose(item, rng)
        number = str(item.choices.index(chosen[item.id]) + 1)
        return [rng.choice([chosen[item.id], number])]
    if item.kind is Kind.MULTIPLE:
        return ["1, 2"]
    if item.kind is Kind.SHORT:
        return [paragraph(rng, 40)]
    if item.kind is Kind.LONG:
        if skip:
            return ["skip"]
        return [*split_in_parts(paragraph(rng, LONG_ANSWER_CHARS), rng.randint(1, MAX_PARTS)), "done"]
    return []


def schedule(q: Questionnaire, respondents: int, seed: int) -> list[Step]:
    """Every respondent's inputs, interleaved in a random (seeded) order."""
    rng = random.Random(seed)
    queues = {
        f"{CHANNEL}:{100_000 + n}": iter([parse_text(text) for text in walk(q, n, rng)])
        for n in range(respondents)
    }
    steps: list[Step] = []
    active = list(queues)
    while active:
        index = rng.randrange(len(active))
        command = next(queues[active[index]], None)
        if command is None:
            active[index] = active[-1]
            active.pop()
        else:
            steps.append(Step(active[index], command, f"m{len(steps)}"))
    return steps


async def through_service(q: Questionnaire, steps: list[Step]) -> tuple[float, list[int], list[Session]]:
    """Wall seconds, per-input nanoseconds, and the stored sessions after the run."""
    repository = MemoryRepository()
    service = ConsultService(q, repository)
    latencies: list[int] = []
    started = time.perf_counter()
    for step in steps:
        before = time.perf_counter_ns()
        await service.handle(step.respondent_id, CHANNEL, step.command, step.inbound_id)
        latencies.append(time.perf_counter_ns() - before)
    seconds = time.perf_counter() - started
    sessions = await repository.all()
    await repository.close()
    return seconds, latencies, sessions


def engine_alone(q: Questionnaire, steps: list[Step]) -> tuple[float, list[Session]]:
    """Wall seconds for the same inputs applied with `engine.apply` alone, and the sessions."""
    sessions: dict[str, Session] = {}
    now = datetime.now(UTC)
    started = time.perf_counter()
    for step in steps:
        session = sessions.get(step.respondent_id) or engine.new_session(step.respondent_id, CHANNEL)
        outcome = engine.apply(q, session, step.command, now, step.inbound_id)
        if outcome.changed:
            sessions[step.respondent_id] = outcome.session
    return time.perf_counter() - started, list(sessions.values())


def outcome_counts(sessions: list[Session]) -> Figures:
    """What the run produced, to check that the respondents really got to the end."""
    answers = [answer for s in sessions for answer in s.answers.values()]
    return {
        "submitted": sum(s.status is Status.SUBMITTED for s in sessions),
        "answers": sum(answer.value is not None for answer in answers),
        "skipped": sum(answer.value is None for answer in answers),
    }


def percentiles(durations_ns: list[int]) -> Figures:
    """p50 / p99 in milliseconds."""
    ms = sorted(d / 1e6 for d in durations_ns)
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49], 4), "p99_ms": round(cuts[98], 4), "max_ms": round(ms[-1], 3)}


def measure(respondents: int, seed: int) -> Figures:
    """Run both measurements and gather the figures."""
    q = load()
    steps = schedule(q, respondents, seed)
    seconds, latencies, sessions = asyncio.run(through_service(q, steps))
    counts = outcome_counts(sessions)
    pure_seconds, pure_sessions = engine_alone(q, steps)
    return {
        "respondents": respondents,
        "inputs": len(steps),
        **counts,
        "service": {
            "seconds": round(seconds, 3),
            "inputs_per_s": round(len(steps) / seconds),
            "answers_per_s": round(counts["answers"] / seconds),
            **percentiles(latencies),
        },
        "engine_alone": {
            "seconds": round(pure_seconds, 3),
            "inputs_per_s": round(len(steps) / pure_seconds),
            "submitted": outcome_counts(pure_sessions)["submitted"],
        },
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def print_table(figures: Figures) -> None:
    """A readable table of the figures."""
    service, alone = figures["service"], figures["engine_alone"]
    table = Table(title=f"Engine throughput, {figures['respondents']:,} respondents walking WGEC 2013")
    table.add_column("measure")
    table.add_column("value", justify="right")
    rows = [
        ("inputs", f"{figures['inputs']:,}"),
        ("answers stored (skips apart)", f"{figures['answers']:,}"),
        ("respondents who submitted", f"{figures['submitted']:,}"),
        ("service: seconds", f"{service['seconds']:.2f}"),
        ("service: inputs / s", f"{service['inputs_per_s']:,}"),
        ("service: answers / s", f"{service['answers_per_s']:,}"),
        ("service: p50 per input (ms)", f"{service['p50_ms']:.3f}"),
        ("service: p99 per input (ms)", f"{service['p99_ms']:.3f}"),
        ("engine.apply alone: inputs / s", f"{alone['inputs_per_s']:,}"),
    ]
    for measure_name, value in rows:
        table.add_row(measure_name, value)
    table.caption = f"Python {figures['python']}, {figures['cpus']} cores, in-memory store"
    Console().print(table)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--respondents", type=int, default=1000, help="simulated respondents")
    parser.add_argument("--seed", type=int, default=2013)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and report it."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    figures = measure(args.respondents, args.seed)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
    if figures["submitted"] != args.respondents:
        sys.exit(f"only {figures['submitted']} of {args.respondents} respondents submitted: the script is wrong")


if __name__ == "__main__":
    main()
