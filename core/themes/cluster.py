"""Passages grouped into themes, the number of themes chosen from the data, seeded.

Spectral clustering: each passage is linked to its NEIGHBOURS most similar passages (cosine), the
graph's first eigenvectors give every passage a few coordinates in which passages of one subject sit
together whatever the shape of their group, and k-means groups them there (Ng, Jordan and Weiss, 2001).
Beside k-means on the vectors themselves, it agreed better with both human codings of bench/themes
(README). The number of themes is the one whose grouping has the best silhouette (how much closer each
passage is to its own group than to the next one, measured on the vectors). With many passages, the
grouping is made on a seeded sample and every passage then joins the nearest group's centre, so 10,000
answers take seconds.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.cluster import KMeans
from sklearn.manifold import spectral_embedding
from sklearn.metrics import silhouette_score
from sklearn.neighbors import kneighbors_graph
from sklearn.preprocessing import normalize

from core.themes.represent import SEED

MAX_THEMES = 12  # more would not be read; a secretariat splits a theme in the themes file if it wants
# Fewer is not tried when there are passages enough: the silhouette often prefers two groups split by
# something other than what the answers say (their length, what is left of their language), and a
# secretariat merges themes in the themes file more easily than it splits them.
MIN_THEMES = 4
FEW_PASSAGES = 40  # under this, from 2: ten passages per theme are needed to trust four themes
PER_THEME = 4  # at least this many passages per theme on average
CHOOSING_SAMPLE = 3000  # passages grouped; the others join the nearest group
SILHOUETTE_SAMPLE = 2000
# Each passage's links in the graph: scikit-learn's default for spectral clustering (10), fewer among a few
# dozen passages (the square root of their number), where ten links would join nearly every passage to all.
NEIGHBOURS = 10


def cluster(vectors: np.ndarray) -> np.ndarray:
    """A theme number per passage, numbered by size (0 is the largest), as many themes as fit best.

    A template campaign's text is here once, as it is counted once: weighted by its copies, each of its
    passages pulled a theme of its own (three of twelve themes were one campaign in bench/themes), and
    agreement with both human codings fell. Identical passages ("Yes." a hundred times) are one point of
    the graph, so that they stay in one theme: among identical points, a passage's nearest neighbours
    are any of them, and the graph's groups split them at random.
    """
    picked = _sample_indexes(len(vectors), CHOOSING_SAMPLE)
    sample = vectors[picked]
    distinct, same_as = np.unique(sample, axis=0, return_inverse=True)
    top = min(MAX_THEMES, len(sample) // PER_THEME, len(distinct) - 1)
    if top <= 1:
        return np.zeros(len(vectors), dtype=int)
    coordinates = _spectral(distinct, top)[same_as.reshape(-1)]
    bottom = 2 if len(sample) < FEW_PASSAGES else min(MIN_THEMES, top)
    tries = {n: _grouped(coordinates, n) for n in range(bottom, top + 1)}
    scores = {n: _silhouette(sample, labels) for n, labels in tries.items()}
    k = max(scores, key=lambda n: (round(scores[n], 3), n))  # ties: the finer grouping
    labels = np.empty(len(vectors), dtype=int)
    labels[picked] = tries[k]
    if len(picked) < len(vectors):  # the passages outside the sample join the nearest centre of its groups
        rest = np.setdiff1d(np.arange(len(vectors)), picked)
        centres = normalize(np.vstack([sample[tries[k] == n].mean(axis=0) for n in range(k)]))
        labels[rest] = (vectors[rest] @ centres.T).argmax(axis=1)
    return _by_size(labels)


def _spectral(vectors: np.ndarray, dimensions: int) -> np.ndarray:
    """The first `dimensions` eigenvectors of the passages' neighbour graph: coordinates per passage."""
    neighbours = max(2, min(NEIGHBOURS, round(len(vectors) ** 0.5), len(vectors) - 1))
    links = kneighbors_graph(vectors, neighbours, metric="cosine", include_self=False)
    with warnings.catch_warnings():  # a graph in several pieces is grouped all the same (the pieces apart)
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        return np.asarray(spectral_embedding(0.5 * (links + links.T), n_components=min(dimensions, len(vectors)),
                                             random_state=SEED, drop_first=False))


def _grouped(coordinates: np.ndarray, k: int) -> np.ndarray:
    model = KMeans(n_clusters=k, n_init=4, random_state=SEED, max_iter=200)
    return np.asarray(model.fit_predict(normalize(coordinates[:, :k])))


def _silhouette(vectors: np.ndarray, labels: np.ndarray) -> float:
    if len(set(labels.tolist())) < 2:
        return -1.0
    size = min(len(vectors), SILHOUETTE_SAMPLE)
    return float(silhouette_score(vectors, labels, metric="cosine", sample_size=size, random_state=SEED))


def _sample_indexes(count: int, size: int) -> np.ndarray:
    if count <= size:
        return np.arange(count)
    return np.sort(np.random.default_rng(SEED).choice(count, size=size, replace=False))


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber so that theme 0 is the largest; ties by first passage, so numbering is stable."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], first[i]))
    mapping = {int(values[i]): rank for rank, i in enumerate(order)}
    return np.array([mapping[int(v)] for v in labels], dtype=int)
