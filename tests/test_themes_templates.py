"""Template campaigns: copies with a name or a few words changed are one group; answers quoting a text are not."""

from __future__ import annotations

from core.themes.templates import groups

TEMPLATE = ("Enhanced cooperation can only enable other stakeholders if it is open, transparent and inclusive. "
            "Civil society must take part in all discussions of Internet-related public policy on an equal footing "
            "with governments. Participation from developing countries should be supported through a dedicated fund. "
            "Enhanced cooperation must be grounded in international human rights law, including privacy.")
COPIES = [
    TEMPLATE,
    "As a network of Kenyan NGOs, we hold that " + TEMPLATE[0].lower() + TEMPLATE[1:],
    TEMPLATE.replace("a dedicated fund", "a dedicated support fund").replace("including privacy", "above all"),
]
QUOTE = ("Paragraph 69 of the Tunis Agenda recognizes the need for enhanced cooperation in the future, to enable "
         "governments, on an equal footing, to carry out their roles and responsibilities in international public "
         "policy issues pertaining to the Internet, but not in the day-to-day technical and operational matters.")
OTHERS = [
    # the template's opening sentence, then another argument
    TEMPLATE.split(". ")[0] + ". But a new intergovernmental body under the United Nations is the only way to give "
    "governments the equal footing the Tunis Agenda promised them; the other stakeholders should advise it.",
    # two answers quoting the same paragraph, each with its own conclusion
    QUOTE + " In our view the IGF and ICANN already provide this, and no new body is needed; what is missing is "
    "better coordination between the organisations that exist and more participation from the South.",
    QUOTE + " We therefore call for a new intergovernmental platform within the United Nations, where governments "
    "would decide on these issues together, with the other stakeholders consulted in an advisory role.",
]


def test_copies_are_one_group_and_answers_quoting_one_text_or_sharing_an_opening_are_not() -> None:
    assert groups(COPIES + OTHERS) == [[0, 1, 2]]


def test_short_answers_alike_by_chance_are_no_campaign() -> None:
    assert groups(["I agree.", "I agree.", "We agree.", "No comment."]) == []
