"""Agreement between two labellings of the same answers: accuracy after one-to-one matching, ARI, NMI.

Accuracy: the themes of one labelling are matched one to one with the other's (the Hungarian method,
scipy's linear_sum_assignment, maximising the answers on which matched themes agree); the share of
answers whose themes are matched. ARI and NMI (scikit-learn) need no matching. Themes, "not placed"
included, are compared as labels; only answers labelled by both are counted.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score


def agreement(left: dict[str, str], right: dict[str, str]) -> dict[str, float | int]:
    """Accuracy, ARI and NMI over the answers both labellings label."""
    shared = sorted(set(left) & set(right))
    if not shared:
        return {"answers": 0, "accuracy": 0.0, "ari": 0.0, "nmi": 0.0}
    a, b = [left[i] for i in shared], [right[i] for i in shared]
    return {
        "answers": len(shared),
        "accuracy": round(matched_accuracy(a, b), 3),
        "ari": round(float(adjusted_rand_score(a, b)), 3),
        "nmi": round(float(normalized_mutual_info_score(a, b)), 3),
    }


def matched_accuracy(a: list[str], b: list[str]) -> float:
    rows, columns = sorted(set(a)), sorted(set(b))
    table = np.zeros((len(rows), len(columns)), dtype=int)
    for x, y in zip(a, b, strict=True):
        table[rows.index(x), columns.index(y)] += 1
    r, c = linear_sum_assignment(table, maximize=True)
    return float(table[r, c].sum()) / len(a)


def pairs(groups: list[list[str]]) -> set[tuple[str, str]]:
    """Every pair of answers put in one group."""
    return {(x, y) for g in groups for i, x in enumerate(sorted(g)) for y in sorted(g)[i + 1:]}


def precision_recall(found: list[list[str]], truth: list[list[str]]) -> dict[str, float | int]:
    """Template groups: precision and recall over pairs of answers put in one group."""
    got, want = pairs(found), pairs(truth)
    both = len(got & want)
    return {
        "groups_found": len(found), "groups_true": len(truth), "pairs_found": len(got), "pairs_true": len(want),
        "precision": round(both / len(got), 3) if got else 1.0,
        "recall": round(both / len(want), 3) if want else 1.0,
    }
