"""What the respondents of the round-trip benchmarks send: to consult, parts of long answers; to the echo, the same."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from bench.storage import paragraph

PARTS_PER_QUESTION = 4  # a long answer pasted as four messages, then 'done'
LONG_QUESTIONS = 10  # of the bundled questionnaire's twelve; then the next respondent begins


def part(seed: int = 14) -> str:
    """One part of a long answer: 1,500 characters of consultation prose (as the storage benchmark's answers)."""
    return paragraph(random.Random(seed))


@dataclass(frozen=True)
class Turn:
    """One message to consult: who sends it, what, and whether it is a measured long-answer part."""

    respondent: int
    text: str
    measured: bool


def setup(respondent: int, first: str) -> list[str]:
    """From the first message to the first long question: consent, contact details, stakeholder category."""
    contact = [f"Person {respondent}", "Example organisation", "Kenya", f"person{respondent}@example.org"]
    return [first, "yes", *contact, "Government"]


def turns(first: str, text: str) -> Iterator[Turn]:
    """Respondent after respondent: set up (not measured), then long answers, each `PARTS_PER_QUESTION` parts
    (measured) and 'done' (not measured). The session grows from ~3 KB to ~65 KB: ~30 KB on average."""
    respondent = 0
    while True:
        yield from (Turn(respondent, message, False) for message in setup(respondent, first))
        for _ in range(LONG_QUESTIONS):
            yield from (Turn(respondent, text, True) for _ in range(PARTS_PER_QUESTION))
            yield Turn(respondent, "done", False)
        respondent += 1
