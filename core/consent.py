"""Who may be named, and whose views may be shown: the consent rule, decided once. Pure."""

from __future__ import annotations

from core.flow import role_values
from core.session import Answer, Session
from questionnaire.model import CONSENT_OPTIONS, ConsentRule, Questionnaire, Role

AUTHORISED = CONSENT_OPTIONS[0]
# Consent covers citing views with name and organisation: the country is shown with them, and
# every other contact detail (e-mail, phone, ...) is for the secretariat only.
PUBLIC_CONTACT = ("name", "organisation", "country")


def consent_of(q: Questionnaire, answers: dict[str, Answer]) -> str | None:
    """The answer to the consent item ("Yes" or "No"), or None when not given."""
    given = role_values(q, answers, Role.CONSENT)
    return given[0] if given else None


def may_cite(q: Questionnaire, session: Session) -> bool:
    """True only for a submission whose consent, as submitted and as it stands now, authorises citation.

    A respondent who takes consent back after submitting (or clears their answers) is protected
    at once, before they submit again; one who gives it only later is named once that version is
    submitted. Answers never submitted are drafts: they are never attributed.
    """
    if session.submitted is None:
        return False
    return consent_of(q, session.submitted.answers) == AUTHORISED and current_consent(q, session) == AUTHORISED


def current_consent(q: Questionnaire, session: Session) -> str | None:
    """What the respondent answers to the consent question now (None after a restart)."""
    return consent_of(q, session.answers)


def views_shown(q: Questionnaire, session: Session) -> bool:
    """Whether public files may show this respondent's answers: under the questionnaire's consent rule."""
    return may_cite(q, session) or q.consent_rule is ConsentRule.ANONYMOUS


def consent_change(q: Questionnaire, session: Session) -> str | None:
    """In words, how consent changed since the last submission; None when it did not (or nothing was submitted)."""
    if session.submitted is None:
        return None
    before, now = consent_of(q, session.submitted.answers), current_consent(q, session)
    if before == now:
        return None
    return f"Changed since submitting: {before or 'not answered'} when submitted, now {now or 'not answered'}"


def is_identity(q: Questionnaire, item_id: str, answer: Answer) -> bool:
    """Contact details: a contact item's answer, now or when it was given, or any group of fields."""
    if q.has(item_id) and q.item(item_id).role is Role.CONTACT:
        return True
    return answer.contact or isinstance(answer.value, dict)


def identity(q: Questionnaire, answers: dict[str, Answer]) -> dict[str, str]:
    """Every contact detail given: field id to value, and a one-line contact item's id to its value."""
    found: dict[str, str] = {}
    for item_id, answer in answers.items():
        if not is_identity(q, item_id, answer):
            continue
        if isinstance(answer.value, dict):
            found.update({k: v for k, v in answer.value.items() if v and k not in found})
        elif isinstance(answer.value, str) and answer.value and item_id not in found:
            found[item_id] = answer.value
    return found

