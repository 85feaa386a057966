"""Which of the six UN languages a passage is in, roughly: by its script, then by its common words.

Used to take each language's average out of sentence-model vectors: multilingual models place texts
of one language near each other whatever they say, and that offset would otherwise split every theme
by language (Libovický et al., 2020, "On the language neutrality of pre-trained multilingual
representations", remove the language's mean the same way).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

SCRIPTS = (("zh", re.compile(r"[\u4e00-\u9fff]")), ("ar", re.compile(r"[\u0600-\u06ff]")),
           ("ru", re.compile(r"[\u0400-\u04ff]")))
LATIN = ("en", "fr", "es")
_NAMES = {"en": "english", "fr": "french", "es": "spanish"}
_WORDS = re.compile(r"\w+")
MIN_PASSAGES = 3  # a language with fewer passages keeps its vectors as they are (its mean would be its topic)


def language(text: str) -> str:
    for code, script in SCRIPTS:
        if len(script.findall(text)) * 4 > len(text.replace(" ", "")):
            return code
    words = _WORDS.findall(text.lower())
    hits = {code: sum(w in _common(code) for w in words) for code in LATIN}
    return max(LATIN, key=lambda code: hits[code])


def neutral(vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """The vectors with their language's mean taken out, then the overall mean put back (rows not normalised)."""
    codes = np.array([language(t) for t in texts])
    out = vectors.astype(np.float64, copy=True)
    overall = vectors.mean(axis=0)
    for code in sorted(set(codes.tolist())):
        rows = codes == code
        if rows.sum() >= MIN_PASSAGES:
            out[rows] += overall - vectors[rows].mean(axis=0)
    return out


@cache
def _common(code: str) -> frozenset[str]:
    from stop_words import get_stop_words  # type: ignore[import-untyped]

    return frozenset(get_stop_words(_NAMES[code]))
