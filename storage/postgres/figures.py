"""`consult progress` in SQL: core.figures.add_up as a few GROUP BY over the plain columns.

Each query counts the rows whose columns were computed with the current questionnaire (figures_of);
the repository counts the others from their sessions, in Python, and adds the two.
"""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection

from core.figures import CountryTally, Figures, QuestionTally, Tally

_ROWS = "FROM consult_respondent WHERE session IS NOT NULL AND figures_of = %(figures_of)s"
_ACTIVE = f"{_ROWS} AND status IN ('in_progress', 'submitted')"
_DONE = "count(submitted_at)"  # respondents who submitted (submitted_at is set only for them)

_TOTALS = (
    f"SELECT count(*) FILTER (WHERE status IN ('in_progress', 'submitted')), "
    f"count(submitted_at) FILTER (WHERE status IN ('in_progress', 'submitted')), "
    f"count(*) FILTER (WHERE status = 'withdrawn'), "
    f"coalesce(sum(set_aside) FILTER (WHERE status IN ('in_progress', 'submitted')), 0), "
    f"count(*) FILTER (WHERE set_aside > 0 AND status IN ('in_progress', 'submitted')) {_ROWS}"
)
# Each query reads the table once: rows are grouped by their whole lists first (most respondents share
# a few: the questions their category is asked), so the hash holds those lists, not an entry per list
# element (100,000 respondents x 4 lists x ~20 questions would be 8 million), and the lists of each
# group are then unnested. Measured on 100,000 respondents: a quarter of the time of one unnest per list.


def _per_element(lists: tuple[str, ...], plain: tuple[str, ...] = ()) -> str:
    grouped = ", ".join((*lists, *plain))
    parts = [f"SELECT '{name}', unnest(g.{name})" for name in lists]
    parts += [f"SELECT '{name}', g.{name}" for name in plain]
    return (
        f"SELECT x.what, x.key, sum(g.n)::bigint, sum(g.done)::bigint FROM (SELECT {grouped}, count(*) AS n, "
        f"{_DONE} AS done {_ACTIVE} GROUP BY {grouped}) AS g, LATERAL ({' UNION ALL '.join(parts)}) AS x(what, key) "
        f"WHERE x.key IS NOT NULL GROUP BY 1, 2"
    )


_TALLIES = _per_element(("categories", "subcategories"), ("channel",))
_COUNTRIES = (
    f"SELECT coalesce(country_key, ''), may_cite, min(coalesce(country, '(not answered yet)') COLLATE \"C\"), "
    f"count(*), {_DONE} {_ACTIVE} GROUP BY 1, 2"
)
_PLACES = _per_element((), ("first_submitted_day", "stopped_at"))
# Per question: asked and answered in the answers that count (all, and of those who submitted), then
# answered and skipped in the current answers.
_QUESTIONS = _per_element(("asked", "answered_counted", "answered", "skipped"))


async def add_up(conn: AsyncConnection[Any], figures_of: str) -> Figures:
    """The figures of the rows computed with this questionnaire."""
    params = {"figures_of": figures_of}
    figures = Figures()
    totals = await (await conn.execute(_TOTALS, params)).fetchone()
    if totals is not None:
        started, submitted, withdrawn, aside, aside_respondents = totals
        figures = Figures(started=started, submitted=submitted, withdrawn=withdrawn, set_aside=aside,
                          set_aside_respondents=aside_respondents)
    groups = {"categories": figures.by_category, "subcategories": figures.by_subcategory, "channel": figures.by_channel}
    for group, key, started, submitted in await (await conn.execute(_TALLIES, params)).fetchall():
        groups[group][key] = Tally(started=started, submitted=submitted)
    figures.countries = [
        CountryTally(key=key, may_cite=cite, spelling=spelling, started=started, submitted=submitted)
        for key, cite, spelling, started, submitted in await (await conn.execute(_COUNTRIES, params)).fetchall()
    ]
    places = {"first_submitted_day": figures.submissions_per_day, "stopped_at": figures.stopped_at}
    for place, key, count, _ in await (await conn.execute(_PLACES, params)).fetchall():
        places[place][key] = count
    for what, item, count, submitted in await (await conn.execute(_QUESTIONS, params)).fetchall():
        tally = figures.questions.setdefault(item, QuestionTally())
        if what in ("asked", "answered_counted"):
            name = "asked" if what == "asked" else "answered"
            setattr(tally, name, count)
            setattr(tally, f"{name}_submitted", submitted)
        else:
            setattr(tally, "answered_so_far" if what == "answered" else what, count)
    return figures
