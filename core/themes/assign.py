"""Answers sorted into given themes: each passage goes to the nearest theme, or to none when it fits none.

A theme is first its name, description and examples (response ids, or words), as vectors. Each passage
goes to the theme it is most like (the centres can move towards the passages they received, ROUNDS
times, but on the bench that did not help). A passage less like every theme than PLACE_AT is not placed; an
answer none of whose passages is placed is "not placed", and the export says how many.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from sklearn.preprocessing import normalize

from core.themes.model import Answer, GivenTheme, QuestionThemes, Source, ThemesError
from core.themes.prepare import Placement, Prepared, build, prepare
from core.themes.represent import Representation
from core.themes.suggest import finish

PLACE_AT = 0.1  # cosine similarity to a theme's centre below which a passage is not placed
ROUNDS = 0  # moving the centres towards their passages did not help on the bench (0, 2 and 5 tried)


def assign(question: str, text: str, answers: Sequence[Answer], frame: Sequence[GivenTheme],
           representation: Representation, source: Source, *, every_template_answer: bool = False,
           place_every_answer: bool = False) -> QuestionThemes:
    """The answers to one question, sorted into the frame's themes."""
    if not frame:
        raise ThemesError(f"the themes given for question {question} are empty: give at least one theme")
    if not answers:
        raise ThemesError(f"question {question} has no answers to sort")
    p = prepare(answers, place_every_answer)
    seeds = [_seed_texts(theme, p) for theme in frame]
    flat = [t for texts in seeds for t in texts]
    vectors = representation.vectors([x.text for x in p.passages] + flat)
    passages, seed_vectors = vectors[: len(p.passages)], vectors[len(p.passages):]
    anchors = _anchors(seed_vectors, [len(s) for s in seeds])
    placement = Placement(_place(passages, anchors), passages)
    themes = [build(p, placement, t, g.name, g.description or None, every_template_answer)
              for t, g in enumerate(frame)]
    return finish(question, text, p, placement, themes, representation.name, source, every_template_answer)


def _seed_texts(theme: GivenTheme, p: Prepared) -> list[str]:
    """The theme's name and description, and each example: an answer's text by its id, or the words given."""
    texts = {a.id: a.text for a in p.answers}
    known = [texts[e] for e in theme.examples if e in texts]
    words = " ".join(e for e in theme.examples if e not in texts)
    return [f"{theme.name}. {theme.description}".strip(), *known, *([words] if words else [])]


def _anchors(vectors: np.ndarray, sizes: list[int]) -> np.ndarray:
    starts = np.cumsum([0, *sizes])
    return np.asarray(normalize(np.vstack([vectors[a:b].mean(axis=0) for a, b in itertools.pairwise(starts)])))


def _place(passages: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    centres = anchors
    for _ in range(ROUNDS + 1):
        similarity = passages @ centres.T
        best = similarity.argmax(axis=1)
        placed = similarity.max(axis=1) >= PLACE_AT
        centres = normalize(np.vstack([anchors[t] + _mean(passages[placed & (best == t)])
                                       for t in range(len(anchors))]))
    return np.where(placed, best, -1)


def _mean(rows: np.ndarray) -> np.ndarray:
    return rows.mean(axis=0) if len(rows) else np.zeros(rows.shape[1], dtype=rows.dtype)
