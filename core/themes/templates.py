"""Template campaigns: answers that follow the same text with small changes, found by MinHash over word shingles.

Each answer becomes the set of its word 3-shingles (lower-cased, punctuation dropped; for text
without spaces, such as Chinese, character 5-shingles). MinHash LSH (datasketch) proposes pairs whose
sets likely overlap; each pair is then checked exactly (Jaccard of the two sets >= THRESHOLD), so a
group is never made by the sketch's chance alone. Linked pairs form the groups (union-find).
Independently written answers on one subject share under a tenth of their shingles; an answer that
follows a template with a name, a sentence or a few words changed shares well over half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

THRESHOLD = 0.5  # exact Jaccard of shingle sets at or above which two answers follow one text
# The sketch proposes pairs from an estimated Jaccard of about 0.3 (each is then checked exactly). It proposes a
# pair at THRESHOLD 99.3% of the time with 128 permutations (37 bands of 3 rows), 94% with 64; and a copy left
# out by one pair is still found through the other copies.
LSH_THRESHOLD = 0.3
PERMUTATIONS = 128
SEED = 13
MIN_WORDS = 12  # shorter answers ("I agree.") are alike by chance, not by a template
_WORDS = re.compile(r"\w+", re.UNICODE)


def shingles(text: str) -> set[str]:
    """Word 3-shingles, or character 5-shingles when the text has few spaces (Chinese)."""
    words = _WORDS.findall(text.lower())
    if len(words) * 12 < len(text):  # long runs without spaces
        joined = "".join(words)
        return {joined[i:i + 5] for i in range(max(1, len(joined) - 4))}
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def groups(texts: Sequence[str]) -> list[list[int]]:
    """Indexes of the texts that follow one template, each group sorted, groups by first member."""
    sets = [shingles(t) for t in texts]
    usable = [i for i, t in enumerate(texts) if len(_WORDS.findall(t)) >= MIN_WORDS or len(t) >= 60]
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=PERMUTATIONS)
    parent = list(range(len(texts)))
    sketches = MinHash.bulk([[s.encode("utf-8") for s in sorted(sets[i])] for i in usable],
                            num_perm=PERMUTATIONS, seed=SEED)
    for i, sketch in zip(usable, sketches, strict=True):
        for j in lsh.query(sketch):
            if jaccard(sets[i], sets[j]) >= THRESHOLD:
                _join(parent, i, j)
        lsh.insert(i, sketch)
    found: dict[int, list[int]] = {}
    for i in usable:
        found.setdefault(_root(parent, i), []).append(i)
    return sorted((sorted(g) for g in found.values() if len(g) > 1), key=lambda g: g[0])


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(parent: list[int], a: int, b: int) -> None:
    ra, rb = _root(parent, a), _root(parent, b)
    parent[max(ra, rb)] = min(ra, rb)
