"""Who may be named: the consent rule, decided once for progress and every export. Pure."""

from __future__ import annotations

from core.flow import role_values
from core.session import Answer, Session
from questionnaire.model import CONSENT_OPTIONS, Questionnaire, Role

AUTHORISED = CONSENT_OPTIONS[0]


def consent_of(q: Questionnaire, answers: dict[str, Answer]) -> str | None:
    """The answer to the consent item ("Yes" or "No"), or None when not given."""
    given = role_values(q, answers, Role.CONSENT)
    return given[0] if given else None


def may_cite(q: Questionnaire, session: Session) -> bool:
    """True only when the counted answers and the current ones both authorise citation.

    A respondent who takes consent back after submitting is protected at once, before they
    submit again; one who gives it only later is named once that version is submitted.
    """
    return consent_of(q, session.counted) == AUTHORISED and consent_of(q, session.answers) == AUTHORISED


def is_identity(q: Questionnaire, item_id: str, answer: Answer) -> bool:
    """Contact details: a contact item's answer, or any group of fields (even of an item since removed)."""
    if q.has(item_id) and q.item(item_id).role is Role.CONTACT:
        return True
    return isinstance(answer.value, dict)


def identity(q: Questionnaire, answers: dict[str, Answer]) -> dict[str, str]:
    """Every contact detail given, field id to value."""
    found: dict[str, str] = {}
    for item_id, answer in answers.items():
        if is_identity(q, item_id, answer) and isinstance(answer.value, dict):
            found.update({k: v for k, v in answer.value.items() if v and k not in found})
    return found
