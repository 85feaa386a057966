"""What an invitation offers a respondent: its organisation and category, to confirm instead of type."""

from __future__ import annotations

from core.i18n import N_
from core.session import Answer, Session
from questionnaire.model import Item, Kind, Questionnaire, Role

# The contact field (or short item) that asks for the organisation, by its id in the questionnaire file.
ORGANISATION_IDS = frozenset({"organisation", "organization"})

# Translators: {value} is what the secretariat wrote in the invitation (an organisation, a category).
OFFER = N_("Your invitation says: {value}. Send 'keep' to confirm it, or give the right answer.")


def organisation_place(q: Questionnaire) -> tuple[str, str | None] | None:
    """The item, and its contact field if any, that asks for the organisation; None if none does."""
    for item in q.items:
        if item.kind is Kind.FIELDS:
            for field in item.fields:
                if field.id in ORGANISATION_IDS:
                    return item.id, field.id
        elif item.kind is Kind.SHORT and item.id in ORGANISATION_IDS:
            return item.id, None
    return None


def typed_organisation(q: Questionnaire, answers: dict[str, Answer]) -> str | None:
    """The organisation a respondent gave, as typed (None if not given)."""
    place = organisation_place(q)
    answer = answers.get(place[0]) if place else None
    value = answer.value if answer is not None else None
    if place is not None and place[1] is not None and isinstance(value, dict):
        value = value.get(place[1])
    return value if isinstance(value, str) and value.strip() else None


def offered(q: Questionnaire, session: Session, item: Item) -> str | None:
    """The invitation's value for the question on screen, while nothing is answered there yet."""
    invited = session.invited
    if invited is None:
        return None
    if item.role is Role.CATEGORY or item.role is Role.SUBCATEGORY:
        value = invited.category if item.role is Role.CATEGORY else invited.subcategory
        fits = value is not None and value in item.options and item.id not in session.answers
        return value if fits else None
    place = organisation_place(q)
    if place is None or place[0] != item.id:
        return None
    if place[1] is None:
        return invited.organisation if item.id not in session.answers else None
    field = item.fields[session.field_index]
    answer = session.answers.get(item.id)
    given = answer.value.get(field.id) if answer and isinstance(answer.value, dict) else None
    return invited.organisation if field.id == place[1] and given is None else None
