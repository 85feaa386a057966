"""Passages grouped into themes, the number of themes chosen from the data, seeded.

k-means on unit vectors (so close to grouping by cosine), for each k in a range; the k kept is the
one whose grouping has the best silhouette (how much closer each passage is to its own group than to
the next one), measured on a seeded sample. With many passages, k is chosen on a seeded sample and
the final grouping is made on all of them, so 10,000 answers take seconds.
"""

from __future__ import annotations

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from core.themes.represent import SEED

MAX_THEMES = 12  # more would not be read; a secretariat splits a theme in the themes file if it wants
# Fewer is not tried when there are passages enough: the silhouette often prefers two groups split by
# something other than what the answers say (their length, what is left of their language), and a
# secretariat merges themes in the themes file more easily than it splits them.
MIN_THEMES = 4
FEW_PASSAGES = 40  # under this, from 2: ten passages per theme are needed to trust four themes
PER_THEME = 4  # at least this many passages per theme on average
CHOOSING_SAMPLE = 3000  # passages used to choose k
SILHOUETTE_SAMPLE = 2000


def choose_k(vectors: np.ndarray) -> int:
    """The number of themes with the best silhouette, from MIN_THEMES to MAX_THEMES (fewer for few passages)."""
    sample = _sample(vectors, CHOOSING_SAMPLE)
    top = min(MAX_THEMES, len(sample) // PER_THEME, len(np.unique(sample, axis=0)) - 1)
    if top < 2:
        return 1
    bottom = 2 if len(sample) < FEW_PASSAGES else min(MIN_THEMES, top)
    tries = 4 if len(sample) < CHOOSING_SAMPLE else 2  # fewer starts where each costs: the final grouping has 4
    scores = {k: _silhouette(sample, _kmeans(sample, k, tries=tries)) for k in range(bottom, top + 1)}
    return max(scores, key=lambda k: (round(scores[k], 3), k))  # ties: the finer grouping


def cluster(vectors: np.ndarray, k: int | None = None) -> np.ndarray:
    """A theme number per passage, numbered by size (0 is the largest).

    A template campaign's text is here once, as it is counted once: weighted by its copies, each of its
    passages pulled a theme of its own (three of twelve themes were one campaign's in bench/themes), and
    agreement with both human codings fell (bench/themes: 0.51 against 0.57 and 0.54 without the weight).
    """
    if k is None:
        k = choose_k(vectors)
    labels = np.zeros(len(vectors), dtype=int) if k <= 1 else _kmeans(vectors, k)
    return _by_size(labels)


def _kmeans(vectors: np.ndarray, k: int, tries: int = 4) -> np.ndarray:
    model = KMeans(n_clusters=k, n_init=tries, random_state=SEED, max_iter=200)
    return np.asarray(model.fit_predict(vectors))


def _silhouette(vectors: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    size = min(len(vectors), SILHOUETTE_SAMPLE)
    return float(silhouette_score(vectors, labels, metric="cosine", sample_size=size, random_state=SEED))


def _sample(vectors: np.ndarray, size: int) -> np.ndarray:
    if len(vectors) <= size:
        return vectors
    picked = np.random.default_rng(SEED).choice(len(vectors), size=size, replace=False)
    return vectors[np.sort(picked)]


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber so that theme 0 is the largest; ties by first passage, so numbering is stable."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(values[i]): rank for rank, i in enumerate(order)}
    return np.array([mapping[int(v)] for v in labels], dtype=int)
