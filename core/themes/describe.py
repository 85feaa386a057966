"""What a theme is called and what it says: its characteristic phrases, and the answers' own sentences.

Labels are the phrases most particular to the theme's passages compared with the others (class-based
TF-IDF over words and phrases of one to three words). A phrase counts only when at least two
respondents use it, so that a label never carries one person's words. The description and the quotes
are taken, unchanged, from the passages nearest the theme's centre, and only from respondents who may
be quoted under the consent rule: the others count, and are never quoted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer

from core.themes.model import Quote
from core.themes.passages import Passage, sentences
from core.themes.represent import TOKENS, stop_words

PHRASES = 3  # in a label
QUOTES = 3
DESCRIPTION_SENTENCES = 3
QUOTE_CHARS = 400  # a longer passage is quoted up to the end of the sentence that passes this
COMMON = 0.4  # a phrase may not start or end with a word used by more than this share of respondents
NO_QUOTE = "Nobody in this theme may be quoted: it is described by its label and counts only."


def labels(by_respondent: Sequence[str], themes_of: Sequence[set[int]], count: int) -> list[str]:
    """A label per theme: its most particular phrases, each used by two respondents or more.

    `by_respondent`: each respondent's text (a template group's once); `themes_of`: the themes each is in.
    """
    counter = CountVectorizer(ngram_range=(1, 3), token_pattern=TOKENS, binary=True, min_df=2)
    try:
        used = counter.fit_transform(by_respondent)  # respondents x phrases used by two or more
    except ValueError:
        return ["(no shared phrase)"] * count
    vocabulary = counter.get_feature_names_out()
    rows = [(t, r) for r, themes in enumerate(themes_of) for t in themes]
    membership = sparse.csr_matrix((np.ones(len(rows)), ([t for t, _ in rows], [r for _, r in rows])),
                                   shape=(count, len(by_respondent)))
    counts = np.asarray((membership @ used).todense(), dtype=float)  # per theme: respondents using each phrase
    frequency = counts.sum(axis=0)
    average = counts.sum() / max(count, 1)
    longer = np.array([1.0 + 0.5 * phrase.count(" ") for phrase in vocabulary])  # "civil society" over "society"
    weights = counts * np.log1p(average / np.maximum(frequency, 1.0)) * longer
    allowed = _edges_ok(vocabulary, np.asarray(used.sum(axis=0)).ravel(), len(by_respondent))
    return [_top(row, vocabulary, allowed) for row in weights]


def _edges_ok(vocabulary: np.ndarray, used: np.ndarray, respondents: int) -> np.ndarray:
    """Phrases not starting or ending with a common word ("of the", "the internet")."""
    common = {w for w, n in zip(vocabulary, used, strict=True) if " " not in w and n > COMMON * respondents}
    common |= {w for w in vocabulary if " " not in w and (len(w) < 3 or w in stop_words())}
    return np.array([p.split()[0] not in common and p.split()[-1] not in common for p in vocabulary], dtype=bool)


def _top(row: np.ndarray, vocabulary: np.ndarray, allowed: np.ndarray) -> str:
    chosen: list[str] = []
    for i in np.argsort(-row, kind="stable"):
        if row[i] <= 0 or len(chosen) == PHRASES:
            break
        phrase = str(vocabulary[i])
        if allowed[i] and not any(phrase in c or c in phrase for c in chosen):
            chosen.append(phrase)
    return "; ".join(chosen) or "(no shared phrase)"


def central(members: Sequence[int], vectors: np.ndarray, centre: np.ndarray) -> list[int]:
    """The members, nearest the centre first (ties by position: stable)."""
    similarity = vectors[list(members)] @ centre
    return [members[i] for i in np.argsort(-similarity, kind="stable")]


def quotes(ranked: Sequence[Passage], ids: Sequence[str], may_quote: Sequence[bool]) -> list[Quote]:
    """Up to three passages nearest the centre, from distinct respondents who may be quoted."""
    chosen: list[Quote] = []
    for passage in ranked:
        if may_quote[passage.answer] and ids[passage.answer] not in {q.response for q in chosen}:
            chosen.append(Quote(response=ids[passage.answer], text=_shortened(passage.text)))
        if len(chosen) == QUOTES:
            break
    return chosen


def description(ranked: Sequence[Passage], may_quote: Sequence[bool], label: str) -> str:
    """One paragraph of the answers' own sentences: the best sentence of each of the most central passages."""
    words = {w for phrase in label.split("; ") for w in phrase.split()}
    picked: list[str] = []
    for passage in ranked:
        if not may_quote[passage.answer]:
            continue
        best = _best_sentence(passage.text, words)
        if best and best not in picked:
            picked.append(best)
        if len(picked) == DESCRIPTION_SENTENCES:
            break
    return " ".join(picked) or NO_QUOTE


def _best_sentence(text: str, words: set[str]) -> str:
    found = [s for s in sentences(text) if 20 <= len(s) <= QUOTE_CHARS] or sentences(text)[:1]
    if not found:
        return ""
    hits = [len(words & set(re.findall(r"\w+", s.lower()))) for s in found]
    return _shortened(found[int(np.argmax(hits))])


def _shortened(text: str) -> str:
    if len(text) <= QUOTE_CHARS:
        return text
    kept = ""
    for sentence in sentences(text):
        kept = f"{kept} {sentence}".strip()
        if len(kept) >= QUOTE_CHARS:
            break
    return kept if len(kept) <= 2 * QUOTE_CHARS else kept[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
