"""Stored sessions for export tests, built directly: several categories, consenting or not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.session import Answer, AnswerValue, Session, Status, Submission
from questionnaire.loader import load
from questionnaire.model import ConsentRule, Questionnaire

WGEC = load()
# The same questionnaire under the rule that shows the answers of those who may not be cited, by number.
WGEC_ANONYMOUS = WGEC.model_copy(update={"consent_rule": ConsentRule.ANONYMOUS})
DAY0 = datetime(2013, 7, 1, 9, 0, tzinfo=UTC)


def respondent(
    name: str,
    *,
    consent: str = "Yes",
    category: str = "Government",
    group: str | None = None,
    status_of: str | None = None,
    country: str = "Kenya",
    answers: dict[str, AnswerValue | None] | None = None,
    day: int = 0,
    submitted: bool = True,
    channel: str = "console",
    q: Questionnaire = WGEC,
) -> Session:
    """A WGEC respondent who answered consent, contact, Q1 (and follow-ups) and `answers`."""
    at = DAY0 + timedelta(days=day)
    values: dict[str, AnswerValue | None] = {
        "consent": consent,
        "contact": {"name": name, "organisation": f"{name} Org", "country": country,
                    "email": f"{name.lower().replace(' ', '.')}@example.org"},
        "q1": category,
    }
    if group is not None:
        values["q1_group"] = group
    if status_of is not None:
        values["q1_status"] = status_of
    values.update(answers or {})
    stored = {
        key: Answer.to(q.item(key), value, at) if q.has(key) else Answer(value=value, at=at, text=f"Old question {key}")
        for key, value in values.items()
    }
    session = Session(
        respondent_id=f"{channel}:{name}", channel=channel, status=Status.IN_PROGRESS,
        answers=stored, cursor=None, started_at=at, updated_at=at,
    )
    if submitted:
        session.status = Status.SUBMITTED
        session.submissions = [Submission(at=at + timedelta(hours=1), answers=dict(stored))]
    return session


def panel() -> list[Session]:
    """Five respondents: two governments, civil society (one not consenting), private sector."""
    return [
        respondent("Amina Diallo", category="Government", country="Senegal",
                   answers={"q2": "Significance: high.", "q3": "Partly.", "q4": None}, day=0),
        respondent("Bruno Costa", consent="No", category="Non-Government", group="Civil society",
                   status_of="With ECOSOC consultative status", country="Brazil",
                   answers={"q2": "Civil society view.", "q3": "=HYPERLINK(\"http://x\")"}, day=1),
        respondent("Chen Wei", category="Non-Government", group="Civil society", country="China",
                   answers={"q2": "Joint submission of *five* groups.", "q4": "Access; rights."}, day=1),
        respondent("Dana Smith", consent="No", category="Non-Government", group="Private sector",
                   country="United States", answers={"q2": "Business view."}, day=3),
        respondent("Emil Novak", category="Government", country="Czechia",
                   answers={"q3": "Not yet."}, day=5, submitted=False),
    ]
