"""What suggesting and assigning share: template groups found first, passages of one answer per group,
and the themes built from a theme number per passage.

An answer that follows a template stands for its whole group while passages are grouped (the same text
fourteen times would otherwise pull a theme of its own); its group's members then go where it goes.
An answer that says nothing on the question ("No comment", "See our answer to question 5") has no
passage: it is in no theme and no template group (core/themes/non_answers.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from sklearn.preprocessing import normalize

from core.themes import describe, templates
from core.themes.model import Answer, TemplateGroup, Theme
from core.themes.non_answers import says_nothing
from core.themes.passages import Passage, split


@dataclass(frozen=True)
class Prepared:
    answers: list[Answer]
    groups: list[list[int]]  # template groups: indexes of answers
    unit: list[int]  # per answer: the answer standing for its template group (itself when none)
    passages: list[Passage]  # of the answers that stand for themselves or their group
    silent: list[int]  # answers that say nothing on the question

    @cached_property  # read for every passage: made once
    def ids(self) -> list[str]:
        return [a.id for a in self.answers]

    @cached_property
    def may_quote(self) -> list[bool]:
        return [a.may_quote for a in self.answers]

    def template_groups(self, question: str) -> list[TemplateGroup]:
        return [
            TemplateGroup(id=f"{question}-template{n}", responses=sorted((self.ids[i] for i in g), key=natural),
                          groups=_tally(self.answers[i].group for i in g))
            for n, g in enumerate(self.groups, start=1)
        ]


def prepare(answers: Sequence[Answer], place_every_answer: bool = False) -> Prepared:
    """Template groups, and the passages of each answer that stands for itself or for its group.

    `place_every_answer`: answers that say nothing on the question are grouped like the others.
    """
    answers = sorted(answers, key=lambda a: natural(a.id))
    nothing = [False] * len(answers) if place_every_answer else says_nothing([a.text for a in answers])
    speaking = [i for i, silent in enumerate(nothing) if not silent]
    found = [[speaking[j] for j in group] for group in templates.groups([answers[i].text for i in speaking])]
    unit = list(range(len(answers)))
    for group in found:
        for i in group:
            unit[i] = group[0]
    passages = [p for i in speaking if unit[i] == i for p in split(i, answers[i].text)]
    return Prepared(list(answers), found, unit, passages, [i for i, silent in enumerate(nothing) if silent])


def natural(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that puts "R2" before "R10"."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", text) if part)


@dataclass(frozen=True)
class Placement:
    """A theme number per passage (-1: not placed) and the unit vectors they were placed with."""

    themes: np.ndarray
    vectors: np.ndarray


def members(p: Prepared, placement: Placement, theme: int) -> list[int]:
    """Indexes of the answers in a theme: those with a passage in it, and their template groups."""
    units = {p.passages[i].answer for i in np.flatnonzero(placement.themes == theme)}
    return [i for i in range(len(p.answers)) if p.unit[i] in units]


def build(p: Prepared, placement: Placement, theme: int, label: str, text: str | None, every: bool) -> Theme:
    """One theme from its passages; `text` None: described by the answers' own sentences."""
    inside = [int(i) for i in np.flatnonzero(placement.themes == theme)]
    who = members(p, placement, theme)
    ranked: list[Passage] = []
    if inside:
        centre = normalize(placement.vectors[inside].mean(axis=0, keepdims=True))[0]
        ranked = [p.passages[i] for i in describe.central(inside, placement.vectors, centre)]
    counted = [i for i in who if every or p.unit[i] == i]  # a template group: the answer standing for it
    return Theme(
        id="", label=label,
        description=text if text is not None else describe.description(ranked, p.may_quote, label),
        counts=_tally(p.answers[i].group for i in counted),
        subgroup_counts=_tally(f"{p.answers[i].group} / {p.answers[i].subgroup}"
                               for i in counted if p.answers[i].subgroup),
        size=len(counted),
        responses=sorted((p.ids[i] for i in who), key=natural),
        quotes=describe.quotes(ranked, p.ids, p.may_quote),
        examples=list(dict.fromkeys(p.ids[r.answer] for r in ranked))[:3],
    )


def primary(p: Prepared, placement: Placement) -> dict[str, int]:
    """Each placed answer's main theme: the one holding most of its words (template members follow theirs)."""
    weight: dict[int, dict[int, int]] = {}
    for passage, theme in zip(p.passages, placement.themes.tolist(), strict=True):
        if theme >= 0:
            per = weight.setdefault(passage.answer, {})
            per[theme] = per.get(theme, 0) + len(passage.text)
    main = {a: max(sorted(per), key=lambda t: per[t]) for a, per in weight.items()}
    return {p.ids[i]: main[p.unit[i]] for i in range(len(p.answers)) if p.unit[i] in main}


def _tally(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return dict(sorted(counts.items()))
