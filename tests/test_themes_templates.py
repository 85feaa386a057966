"""Template campaigns: copies found with their words changed or a sentence dropped; look-alikes not."""

from __future__ import annotations

from core.themes.templates import groups

TEMPLATE = ("Enhanced cooperation can only enable other stakeholders if it is open, transparent and inclusive. "
            "Civil society must take part in all discussions of Internet-related public policy on an equal footing "
            "with governments. Participation from developing countries should be supported through a dedicated fund. "
            "Enhanced cooperation must be grounded in international human rights law, including privacy.")
SENTENCES = TEMPLATE.split(". ")

COPIES = [
    TEMPLATE,
    "As a network of Kenyan NGOs, we hold that " + TEMPLATE[0].lower() + TEMPLATE[1:],
    # a sentence dropped, and one of its own added
    ". ".join(SENTENCES[:2] + SENTENCES[3:]) + " We add that the Working Group should publish its drafts.",
    TEMPLATE.replace("open, transparent and inclusive", "based on openness, transparency and inclusiveness")
            .replace("a dedicated fund", "a dedicated support fund, managed in a transparent way"),
]
OTHERS = [
    # the same opening sentence, then another argument
    SENTENCES[0] + ". But a new intergovernmental body under the United Nations is the only way to give "
    "governments the equal footing the Tunis Agenda promised them; the other stakeholders should advise it.",
    "Capacity building and funding for participants from developing countries remain the main needs; remote "
    "participation at every meeting would help small delegations follow the discussions.",
]


def test_copies_with_changed_words_or_a_sentence_dropped_are_one_group_and_look_alikes_are_not() -> None:
    assert groups(COPIES + OTHERS) == [[0, 1, 2, 3]]


def test_short_answers_alike_by_chance_are_no_campaign() -> None:
    assert groups(["I agree.", "I agree.", "We agree.", "No comment."]) == []
