"""Answers that say nothing on the question: "No comment", "n/a", "See our answer to question 5".

Both human codings of bench/themes leave such answers out of every theme (27 and 26 of them in its two
sets, the coders agreeing on all but three); grouped with the others, they made a theme of their own or
were counted as raising a theme they do not mention. They are found by how close their letters are to
the formulas below, in the six UN languages: character pieces (2 to 4 letters within words) match "See
our answer to question 2", "Please see our response to question 10" and "Voir réponse à la question 6"
alike. An answer as close as SAYS_NOTHING_AT to one formula is not placed in any theme, and the export
lists it among the answers not placed. Only answers of up to LONGEST characters are compared: a longer
one is never that close to a short formula (the longest that both coders left out had 265 characters).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

FORMULAS = (
    "No comment.", "Not applicable.", "n/a", "See our answer to question 5.",
    "Please refer to our response to question 3.", "We refer to the joint submission.", "We have nothing to add.",
    "We have no examples to share.",
    "Pas de commentaire.", "Sans objet.", "Voir notre réponse à la question 5.", "Nous n'avons rien à ajouter.",
    "Sin comentarios.", "No aplica.", "Véase nuestra respuesta a la pregunta 5.", "No tenemos nada que añadir.",
    "Без комментариев.", "Не применимо.", "См. наш ответ на вопрос 5.", "Нам нечего добавить.",  # noqa: RUF001
    "لا تعليق.", "لا ينطبق.", "انظر ردنا على السؤال 5.", "ليس لدينا ما نضيفه.",
    "无意见。", "不适用。", "请参阅我们对问题5的回答。", "我们没有什么要补充的。",
)
# Cosine of character pieces. Chosen on bench/themes and its first held-out set (six questions), where no
# answer that either coder placed in a theme came above 0.34 ("The IGF. Nothing else is needed.") and 43 of
# the 53 answers both coders left out came above 0.4; the second held-out set was not looked at (README).
SAYS_NOTHING_AT = 0.4
LONGEST = 500


def says_nothing(texts: Sequence[str]) -> list[bool]:
    """For each text: whether it says nothing on the question (a formula, a reference elsewhere)."""
    short = [i for i, text in enumerate(texts) if len(text) <= LONGEST]
    found = [False] * len(texts)
    if not short:
        return found
    pieces = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
    pieces.fit([*FORMULAS, *(texts[i] for i in short)])
    answers = normalize(pieces.transform([texts[i] for i in short]))
    closest = np.asarray((answers @ normalize(pieces.transform(FORMULAS)).T).max(axis=1).todense()).ravel()
    for i, value in zip(short, closest, strict=True):
        found[i] = bool(value >= SAYS_NOTHING_AT)
    return found
