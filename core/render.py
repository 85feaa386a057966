"""The words the respondent reads: questions, the review, status and help."""

from __future__ import annotations

from datetime import UTC, datetime

from core import countries, flow
from core.i18n import N_, Translator
from core.i18n.formats import clock, day
from core.i18n.formats import number as figure
from core.i18n.texts import NO, YES, item_texts, label
from core.invitations.offer import OFFER, offered
from core.reply import Expects, Progress, Prompt
from core.session import Answer, Session, Status
from core.text import shorten
from core.windows import days_left, is_open, not_open_message
from questionnaire.model import ContactField, Item, Kind, Questionnaire

PREVIEW_CHARS = 200
# Translators: the first line of every question, shown bold in chat apps.
QUESTION_OF = N_("Question {number} of {total}")

# Translators: the list of command words. Use the same words as your translations of the "command" entries;
# the English words always work too, so they may stay in brackets after yours.
HELP = N_("""You can type these words at any time:
back - go to the previous question
skip - leave out a question that is not required
keep - keep the answer you gave before and move on
add - add to a long answer you gave before, instead of replacing it
done - finish a long answer (you can send it in several messages)
review - see all your answers, numbered
show 3 - read your whole answer to question 3
edit 3 - change your answer to question 3
submit - send your answers
status - see where you are
restart - start again from the beginning
withdraw - delete all your answers
language - choose the language of the questionnaire
continue elsewhere - get a code to go on in another app (Telegram, Slack or a terminal)
cancel - stop an unfinished answer, a restart or a withdrawal
stop reminders - get no more reminders (start reminders - get them again)""")

_HINTS = {
    Expects.CHOICE: N_("Reply with the number of your choice."),
    Expects.CHOICES: N_("Reply with one or more numbers, for example: 1, 3"),
    Expects.LONG_TEXT: N_("You can send your answer in several messages. Send 'done' when it is complete."),
    Expects.CONFIRM: N_("Reply yes or no."),
}
COUNTRY_HINT = N_("Reply with the number of your country, or type its name again.")

_EXPECTS = {
    Kind.CONSENT: Expects.CHOICE,
    Kind.SINGLE: Expects.CHOICE,
    Kind.MULTIPLE: Expects.CHOICES,
    Kind.SHORT: Expects.TEXT,
    Kind.FIELDS: Expects.TEXT,
    Kind.LONG: Expects.LONG_TEXT,
}


def progress(q: Questionnaire, session: Session) -> Progress:
    """Question i of n, and how many are answered or skipped."""
    asked = flow.questions(q, session.answers)
    answered = sum(flow.is_answered(item, session.answers.get(item.id)) for item in asked)
    settled = sum(flow.is_settled(item, session.answers.get(item.id)) for item in asked)
    index = flow.number_of(q, session.answers, session.cursor) if session.cursor else 0
    return Progress(index=index, total=len(asked), answered=answered, skipped=settled - answered)


def prompt(q: Questionnaire, session: Session, now: datetime, t: Translator) -> Prompt | None:
    """The current question, or the review step, or nothing once submitted."""
    if session.status in (Status.NEW, Status.WITHDRAWN):
        return None
    if session.pending is not None:
        return _confirm_prompt(session.pending, t)
    if not is_open(q, now):
        kept = t.gettext("Your submitted answers are with the secretariat.") if session.submitted else ""
        text = f"{not_open_message(q, now, t)} {kept}".strip()
        return Prompt(item_id=None, text=text, expects=Expects.NOTHING, commands=["review", "withdraw"])
    if session.cursor is None:
        return _review_prompt(q, session, t)
    return _item_prompt(q, q.item(session.cursor), session, t)


def _item_prompt(q: Questionnaire, item: Item, session: Session, t: Translator) -> Prompt:
    answer = session.answers.get(item.id)
    draft = session.draft if session.draft and session.draft.item_id == item.id else None
    number = flow.number_of(q, session.answers, item.id)
    total = len(flow.questions(q, session.answers))
    texts = item_texts(item, t)
    text = t.gettext(QUESTION_OF).format(number=number, total=total) + f"\n{texts.text}"
    current = preview(item, answer, t)
    if item.kind is Kind.FIELDS:
        field = item.fields[session.field_index]
        # Translators: a contact detail being asked, e.g. "E-mail (2 of 5)"; {field} is its name.
        text += "\n" + t.gettext("{field} ({index} of {count})").format(
            field=texts.field_labels.get(field.id, field.label), index=session.field_index + 1, count=len(item.fields))
        value = answer.value.get(field.id) if answer and isinstance(answer.value, dict) else None
        current = field_shown(field, value, t) if value else None
    offer = offered(q, session, item)
    if offer is not None:
        text += "\n" + t.gettext(OFFER).format(value=label(item, offer, t))
    commands = _commands(q, item, session, current or offer)
    hints = hint_parts(_EXPECTS[item.kind], commands, t, offered=offer is not None)
    chosen = [item.choices.index(offer)] if offer is not None and offer in item.choices else selected(item, answer)
    shown = Prompt(
        item_id=item.id,
        text=text,
        help=texts.help,
        options=list(texts.labels),
        selected=draft.choices if draft else chosen,
        expects=_EXPECTS[item.kind],
        draft_chars=len(draft.text) if draft and draft.parts else None,
        current=current,
        offered=offer,
        commands=commands,
        hint=" ".join(part for part in hints if part),
        hints=hints,
        field=session.field_index if item.kind is Kind.FIELDS else None,
    )
    return _with_suggestions(item, session, shown, t) if item.kind is Kind.FIELDS else shown


def _with_suggestions(item: Item, session: Session, prompt: Prompt, t: Translator) -> Prompt:
    """A country field after "did you mean ...?": the candidates as options, picked by number or button."""
    offer, field = session.suggested, item.fields[session.field_index]
    if offer is None or (offer.item_id, offer.field_id) != (item.id, field.id):
        return prompt
    return prompt.model_copy(update={
        "options": [countries.name(code, t.language) for code in offer.codes], "suggested": list(offer.codes),
        "expects": Expects.CHOICE, "hint": f"{t.gettext(COUNTRY_HINT)} {prompt.hint}".strip(),
    })


def field_shown(field: ContactField, value: str, t: Translator) -> str:
    """A contact field's value as people read it: a country by its name, in the reader's language."""
    return countries.shown(value, t.language) if field.kind == "country" else value


def hint_parts(expects: Expects, commands: list[str], t: Translator, offered: bool = False) -> list[str]:
    """What to send next, in words a respondent can type on any front end: what the question expects
    ("" for a plain text), then a sentence per command."""
    parts = [t.gettext(_HINTS[expects]) if expects in _HINTS else ""]
    if "keep" in commands:
        keep = N_("Send 'keep' to confirm it.") if offered else N_("Send 'keep' to keep your answer.")
        parts.append(t.gettext(keep))
    if "add" in commands:
        parts.append(t.gettext("Send 'add' to add to it."))
    if "skip" in commands:
        parts.append(t.gettext("Send 'skip' to leave it out."))
    return parts


def selected(item: Item, answer: Answer | None) -> list[int]:
    """The indexes of the options an answer holds."""
    if answer is None or answer.value is None or isinstance(answer.value, dict):
        return []
    values = [answer.value] if isinstance(answer.value, str) else answer.value
    return [i for i, option in enumerate(item.choices) if option in values]


def _commands(q: Questionnaire, item: Item, session: Session, current: str | None) -> list[str]:
    """The commands that make sense on this question now, for buttons and hints."""
    if session.draft is not None and session.draft.parts:
        return ["done", "cancel"]
    first = session.field_index == 0 and flow.previous(q, session.answers, item.id) is None
    commands = [] if first else ["back"]
    optional = not item.required
    if item.kind is Kind.FIELDS:
        field_optional = not item.fields[session.field_index].required
        optional = field_optional or (optional and not flow.is_answered(item, session.answers.get(item.id)))
    if optional:
        commands.append("skip")
    if current is not None:
        commands.append("keep")
        if item.kind is Kind.LONG:
            commands.append("add")
    if item.kind is Kind.MULTIPLE:
        commands.append("done")
    return commands


def _review_prompt(q: Questionnaire, session: Session, t: Translator) -> Prompt:
    if session.status is Status.SUBMITTED and not session.changed_since_submit:
        text = t.gettext("Your answers are submitted. To change one, send 'edit' and its number.")
        return Prompt(item_id=None, text=text, expects=Expects.NOTHING, commands=["review", "edit"])
    text = t.gettext(
        "That was the last question. Send 'submit' to send your answers, or 'edit' and a number to change one.")
    return Prompt(item_id=None, text=text, expects=Expects.SUBMIT, commands=["submit", "review", "back"])


def _confirm_prompt(pending: str, t: Translator) -> Prompt:
    if pending == "withdraw":
        text = t.gettext("Do you really want to withdraw? All your answers will be deleted. Reply yes or no.")
    else:
        text = t.gettext("Do you really want to start again? Your current answers will be cleared. Reply yes or no.")
    options = [t.gettext(YES), t.gettext(NO)]
    return Prompt(
        item_id=None, text=text, options=options, expects=Expects.CONFIRM, hint=t.gettext(_HINTS[Expects.CONFIRM]),
        confirms=pending,
    )


def preview(item: Item, answer: Answer | None, t: Translator, limit: int = PREVIEW_CHARS) -> str | None:
    """A short form of an answer for the review: long texts cut, with their length."""
    if answer is None:
        return None
    value = answer.value
    if value is None:
        return t.gettext("(skipped)")
    if isinstance(value, dict):
        fields = {f.id: f for f in item.fields}
        labels = item_texts(item, t).field_labels
        # Translators: one contact detail in the review, e.g. "E-mail: ana@example.org" (your language's colon).
        detail = t.gettext("{label}: {value}")
        # Translators: between two contact details in the review (your language's semicolon and space).
        between = t.pgettext("between contact details", "; ")
        shown = {k: field_shown(fields[k], v, t) if k in fields else v for k, v in value.items() if v}
        return between.join(detail.format(label=labels.get(k, k), value=v) for k, v in shown.items())
    if isinstance(value, list):
        # Translators: between two chosen options in the review (your language's comma and space).
        return t.pgettext("between chosen options", ", ").join(label(item, v, t) for v in value)
    if value in item.choices:
        return label(item, value, t)
    flat = " ".join(value.split())  # one line, so the review keeps its shape
    if len(flat) > limit:
        # Translators: {count} is a number already written with its thousands separator (e.g. 1,234).
        length = t.ngettext("({count} characters)", "({count} characters)", len(value)).format(
            count=figure(len(value), t.language))
        return f"{flat[:limit].rstrip()}... {length}"
    return flat


def full(item: Item, answer: Answer | None, t: Translator) -> str | None:
    """An answer as given: a long text whole, with its paragraphs; a chosen option in the reader's language."""
    if answer is not None and isinstance(answer.value, str) and answer.value not in item.choices:
        return answer.value
    return preview(item, answer, t)


def _cut(answer: Answer | None) -> bool:
    """True when the review shows only the beginning of this answer."""
    return answer is not None and isinstance(answer.value, str) and len(" ".join(answer.value.split())) > PREVIEW_CHARS


def review(q: Questionnaire, session: Session, t: Translator) -> str:
    """Every question with its answer, numbered as in the conversation."""
    lines = [t.gettext("Your answers:")]
    shortened = None
    for number, item in enumerate(flow.questions(q, session.answers), start=1):
        answer = session.answers.get(item.id)
        shown = preview(item, answer, t) if flow.is_settled(item, answer) else None
        if shortened is None and _cut(answer):
            shortened = number
        missing = t.gettext("no answer yet (required)") if item.required else t.gettext("no answer yet")
        lines.append(f"{number}. {shorten(item_texts(item, t).text, 80)}\n   -> {shown or missing}")
    if shortened is not None:
        lines.append(t.gettext("Long answers are shortened here. To read one whole, send 'show' and its number, "
                               "e.g. show {number}.").format(number=shortened))
    return "\n".join(lines)


def status(q: Questionnaire, session: Session, now: datetime, t: Translator) -> str:
    """Where the respondent stands, in a few lines."""
    p = progress(q, session)
    if p.skipped:
        answered = t.ngettext("You have answered {answered} of {total} questions and skipped {skipped}.",
                              "You have answered {answered} of {total} questions and skipped {skipped}.", p.total)
    else:
        answered = t.ngettext("You have answered {answered} of {total} questions.",
                              "You have answered {answered} of {total} questions.", p.total)
    lines = [answered.format(answered=p.answered, total=p.total, skipped=p.skipped)]
    if session.submitted is not None:
        at = session.submitted.at
        # Translators: {day} is a date in words, {time} a time such as 14:05.
        lines.append(t.gettext("You submitted your answers on {day}, {time} UTC.").format(
            day=day(at, t.language), time=clock(at, t.language)))
        if session.changed_since_submit:
            lines.append(t.gettext("You have changes that are not submitted yet: send 'submit' to send them."))
    elif p.index:
        where = t.gettext("You are at question {number}. Your answers are saved as you go.")
        lines.append(where.format(number=p.index))
    if q.closes is not None:
        lines.append(closing_line(q, now, t))
    return "\n".join(lines)


def closing_line(q: Questionnaire, now: datetime, t: Translator) -> str:
    """When the consultation closes, and how many days are left."""
    assert q.closes is not None
    on = day(q.closes, t.language)
    if now >= q.closes:
        return t.gettext("The consultation closed on {day}.").format(day=on)
    days = days_left(q, now) or 0
    if days == 0:
        at = clock(q.closes.astimezone(UTC), t.language)
        return t.gettext("The consultation closes today, {day}, at {time} UTC.").format(day=on, time=at)
    return t.ngettext("The consultation closes on {day} ({days} day left).",
                      "The consultation closes on {day} ({days} days left).", days).format(day=on, days=days)
