"""Answers split into passages: paragraphs, and long paragraphs into runs of sentences.

A 13-page answer raises several themes: grouping its passages (not the whole answer) lets it count
in each theme it supports, once per theme. A short paragraph ("Dear Chair,") joins the next one, so
that no passage is too small to say anything; an answer is never left without a passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 700  # a paragraph longer than this is split into runs of sentences up to this length
MIN_CHARS = 80  # a paragraph shorter than this joins the next one
_PARAGRAPHS = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")  # blank lines, or a new list item
# Sentence ends in the six UN languages: . ! ? and the Chinese and Arabic full stops and marks.
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|(?<=[\u3002\uff01\uff1f\uff1b])|(?<=[\u061f\u061b])\s*")


@dataclass(frozen=True)
class Passage:
    answer: int  # index of the answer it comes from
    text: str


def split(answer: int, text: str) -> list[Passage]:
    """The passages of one answer, in order."""
    paragraphs = _joined_short([" ".join(p.split()) for p in _PARAGRAPHS.split(text) if p.strip()])
    pieces = [piece for p in paragraphs for piece in _runs(p)]
    return [Passage(answer, piece) for piece in pieces] or [Passage(answer, " ".join(text.split()))]


def sentences(text: str) -> list[str]:
    """The sentences of a text, stripped."""
    return [s.strip() for s in _SENTENCES.split(" ".join(text.split())) if s and s.strip()]


def _joined_short(paragraphs: list[str]) -> list[str]:
    joined: list[str] = []
    carry = ""
    for paragraph in paragraphs:
        paragraph = f"{carry} {paragraph}".strip()
        carry = paragraph if len(paragraph) < MIN_CHARS else ""
        if not carry:
            joined.append(paragraph)
    if carry:
        joined[-1:] = [f"{joined[-1]} {carry}"] if joined else [carry]
    return joined


def _runs(paragraph: str) -> list[str]:
    """A long paragraph as runs of whole sentences, each up to MAX_CHARS (a longer sentence stands alone)."""
    if len(paragraph) <= MAX_CHARS:
        return [paragraph]
    runs: list[str] = []
    for sentence in sentences(paragraph):
        if runs and len(runs[-1]) + len(sentence) < MAX_CHARS:
            runs[-1] = f"{runs[-1]} {sentence}"
        else:
            runs.append(sentence)
    return runs
