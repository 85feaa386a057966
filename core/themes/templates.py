"""Template campaigns: answers that follow the same text with small changes, found by MinHash over word shingles.

Each answer becomes the set of its word 3-shingles (lower-cased, punctuation dropped; for text
without spaces, such as Chinese, character 5-shingles). MinHash LSH (datasketch) proposes pairs whose
sets likely overlap; each pair is then checked exactly (below), so a group is never made by the sketch's
chance alone. Linked pairs form the groups (union-find). Independently written answers on one subject
share under a tenth of their shingles; an answer that follows a template with a name, a sentence or a few
words changed shares well over half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

# Two answers follow one text when half the shingles of both are shared (the Jaccard index), or, for answers
# of LONG_ENOUGH shingles, when CONTAINED of the shorter one's are in the other (the overlap coefficient, which
# stays high when a copy changes its words here and there or adds its own). bench/themes and its held-out
# sets: answers of that length that follow no common text share at most 0.32; every copy of a template shares
# 0.68 or more with another copy. Short answers share two sentences of three by chance ("This answer comes
# from a telecom operator. All stakeholders should..."), hence the length. The Jaccard index alone missed
# a copy with its words changed throughout in the second held-out set (0.42 at most; 0.68 contained).
ALIKE = 0.5
CONTAINED = 0.6
LONG_ENOUGH = 40
# The sketch estimates the Jaccard index: a copy with CONTAINED of its shingles in a text twice its length
# has 0.25, so the sketch proposes pairs from 0.2 (each is then checked exactly).
LSH_THRESHOLD = 0.2
PERMUTATIONS = 64  # enough for the sketch to propose pairs; each pair is then checked exactly
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


def contained(a: set[str], b: set[str]) -> float:
    """The share of the smaller set found in the other (the overlap coefficient)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


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
            if _follow_one_text(sets[i], sets[j]):
                _join(parent, i, j)
        lsh.insert(i, sketch)
    found: dict[int, list[int]] = {}
    for i in usable:
        found.setdefault(_root(parent, i), []).append(i)
    return sorted((sorted(g) for g in found.values() if len(g) > 1), key=lambda g: g[0])


def _follow_one_text(a: set[str], b: set[str]) -> bool:
    if len(a & b) >= ALIKE * len(a | b):
        return True
    return min(len(a), len(b)) >= LONG_ENOUGH and contained(a, b) >= CONTAINED


def _root(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _join(parent: list[int], a: int, b: int) -> None:
    ra, rb = _root(parent, a), _root(parent, b)
    parent[max(ra, rb)] = min(ra, rb)
