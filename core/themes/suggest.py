"""Themes suggested from the answers alone: passages grouped, each group labelled and described."""

from __future__ import annotations

from collections.abc import Sequence

from core.themes import describe
from core.themes.cluster import cluster
from core.themes.model import MIN_ANSWERS, Answer, QuestionThemes, Source, Theme, ThemesError
from core.themes.prepare import Placement, Prepared, build, natural, prepare, primary
from core.themes.represent import Representation


class TooFew(ThemesError):
    """Too few answers to find themes in: how many there are, and how many of them say nothing."""

    def __init__(self, question: str, answers: int, silent: int = 0) -> None:
        nothing = f" ({silent} of them say nothing on it, such as 'No comment')" if silent else ""
        super().__init__(f"Question {question} has {answers} answer{'s' * (answers != 1)}{nothing}; finding themes "
                         f"needs at least {MIN_ANSWERS} that say something. Give your own themes with --themes to "
                         "sort fewer answers.")
        self.answers, self.silent = answers, silent


def suggest(question: str, text: str, answers: Sequence[Answer], representation: Representation,
            *, every_template_answer: bool = False, place_every_answer: bool = False) -> QuestionThemes:
    """The themes found in the answers to one question."""
    if len(answers) < MIN_ANSWERS:
        raise TooFew(question, len(answers))
    p = prepare(answers, place_every_answer)
    if len(answers) - len(p.silent) < MIN_ANSWERS:
        raise TooFew(question, len(answers), len(p.silent))
    vectors = representation.vectors([x.text for x in p.passages])
    placement = Placement(cluster(vectors), vectors)
    count = int(placement.themes.max()) + 1
    texts, themes_of = _by_unit(p, placement)
    names = describe.labels(texts, themes_of, count)
    themes = [build(p, placement, t, name, None, every_template_answer) for t, name in enumerate(_distinct(names))]
    return finish(question, text, p, placement, themes, representation.name, Source.SUGGESTED,
                  every_template_answer)


def finish(question: str, text: str, p: Prepared, placement: Placement, themes: list[Theme], representation: str,
           source: Source, every_template_answer: bool) -> QuestionThemes:
    """Themes in order of size (ties by label), numbered; the answers placed nowhere; the template groups."""
    order = sorted(range(len(themes)), key=lambda t: (-themes[t].size, themes[t].label))
    numbered = [themes[t].model_copy(update={"id": f"{question}-t{n}"}) for n, t in enumerate(order, start=1)]
    new_id = {t: numbered[n].id for n, t in enumerate(order)}
    main = {answer: new_id[t] for answer, t in primary(p, placement).items()}
    return QuestionThemes(
        question=question, text=text, answers=len(p.answers), source=source, representation=representation,
        themes=numbered, not_placed=sorted((i for i in p.ids if i not in main), key=natural),
        says_nothing=sorted((p.ids[i] for i in p.silent), key=natural),
        templates=p.template_groups(question), templates_counted_once=not every_template_answer, primary=main,
    )


def _distinct(names: list[str]) -> list[str]:
    """Labels made distinct ("x", "x (2)"): a theme's name is how the themes file tells themes apart."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _by_unit(p: Prepared, placement: Placement) -> tuple[list[str], list[set[int]]]:
    """Each respondent's text (a template group's once) and the themes its passages are in."""
    texts: dict[int, list[str]] = {}
    themes: dict[int, set[int]] = {}
    for passage, theme in zip(p.passages, placement.themes.tolist(), strict=True):
        texts.setdefault(passage.answer, []).append(passage.text)
        themes.setdefault(passage.answer, set()).add(theme)
    return [" \n ".join(t) for t in texts.values()], list(themes.values())
