"""With the optional sentence model, one theme in two languages stays one theme (README: Themes)."""

from __future__ import annotations

from core.themes.model import Answer
from core.themes.represent import SentenceModel, TfIdf
from core.themes.suggest import suggest

ACCESS = [
    ("en", "Broadband is too expensive in rural areas; connecting villages needs public investment."),
    ("en", "Affordable internet access for rural communities must come first."),
    ("en", "The cost of connectivity keeps poor households offline."),
    ("fr", "L'accès à Internet coûte trop cher dans les zones rurales ; il faut investir dans les réseaux."),
    ("fr", "Une connexion abordable pour les villages doit être la priorité."),
    ("fr", "Le prix de la connexion empêche les ménages pauvres d'être en ligne."),
]
PRIVACY = [
    ("en", "Personal data must be protected from mass surveillance by any state."),
    ("en", "Privacy laws should give users control over the data companies collect."),
    ("en", "Data protection rules must apply when data crosses borders."),
    ("fr", "Les données personnelles doivent être protégées contre la surveillance de masse."),
    ("fr", "Les lois sur la vie privée doivent donner aux utilisateurs le contrôle de leurs données."),
    ("fr", "La protection des données doit s'appliquer quand elles traversent les frontières."),
]


def answers() -> list[Answer]:
    texts = [("access", t) for _, t in ACCESS] + [("privacy", t) for _, t in PRIVACY]
    return [Answer(id=f"{subject}-{n}", question="1", group="Government", text=text, may_quote=True)
            for n, (subject, text) in enumerate(texts)]


def subjects_per_theme(representation: TfIdf | SentenceModel) -> list[set[str]]:
    result = suggest("1", "", answers(), representation)
    return [{r.split("-")[0] for r in theme.responses} for theme in result.themes]


def test_the_sentence_model_keeps_a_theme_together_across_languages() -> None:
    groups = subjects_per_theme(SentenceModel())
    assert sorted(map(sorted, groups)) == [["access"], ["privacy"]]
