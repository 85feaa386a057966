"""The questionnaire's texts in the respondent's language (the file's translations); the notice when one is missing."""

from __future__ import annotations

from dataclasses import replace

from core.i18n import N_, NATIVE_NAMES, Translator
from core.session import Status
from core.turn import Turn
from questionnaire.model import Item, Kind, Questionnaire
from questionnaire.translations import ItemTexts, QuestionnaireTexts

# Translators: the two options of a consent question, and the two answers to "Do you really want to ...?"
# (shown on buttons: keep them short).
YES = N_("Yes")
# Translators: see "Yes" (short: a button).
NO = N_("No")
# Translators: said once, when a question has no text in the respondent's language; {language} is the name
# of the questionnaire's own language, in that language (e.g. "English", "Français").
UNTRANSLATED = N_(
    "Some texts of this questionnaire are not translated into your language yet; they are shown in {language}."
)


def item_texts(item: Item, t: Translator) -> ItemTexts:
    """The item's text, help, option labels and field labels in `t`'s language (each falls back on its own)."""
    texts = item.texts(t.language)
    if item.kind is Kind.CONSENT:  # Yes and No are the catalogue's, not the file's
        return replace(texts, labels=(t.gettext(YES), t.gettext(NO)))
    return texts


def questionnaire_texts(q: Questionnaire, t: Translator) -> QuestionnaireTexts:
    """Title, introduction and closing in `t`'s language."""
    return q.texts(t.language)


def label(item: Item, value: str, t: Translator) -> str:
    """A stored option (the file's own wording) as the respondent reads it; any other text as it is."""
    if value in item.choices:
        return item_texts(item, t).labels[item.choices.index(value)]
    return value


def untranslated_notice(q: Questionnaire, t: Translator) -> str:
    """Texts are shown in the file's own language: say so, naming it."""
    return t.gettext(UNTRANSLATED).format(language=NATIVE_NAMES.get(q.language, q.language))


def tell_untranslated(turn: Turn) -> None:
    """Once per respondent and language: say that what is shown now falls back to the file's own language."""
    s, q = turn.session, turn.q
    lang = turn.t.language
    if s.told_untranslated or lang == q.language or not turn.ask or s.status in (Status.NEW, Status.WITHDRAWN):
        return
    on_screen = q.item(s.cursor).texts(lang).translated if s.cursor is not None and q.has(s.cursor) else True
    if not (on_screen and q.texts(lang).translated):
        turn.messages.append(untranslated_notice(q, turn.t))
        s.told_untranslated = True
