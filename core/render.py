"""The words the respondent reads: questions, the review, status and help."""

from __future__ import annotations

from datetime import UTC, datetime

from core import countries, flow
from core.invitations.offer import OFFER, offered
from core.reply import Expects, Progress, Prompt
from core.session import Answer, Session, Status
from core.text import shorten
from core.windows import days_left, is_open, not_open_message
from questionnaire.model import ContactField, Item, Kind, Questionnaire

PREVIEW_CHARS = 200

HELP = """You can type these words at any time:
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
continue elsewhere - get a code to go on in another app (Telegram, Slack or a terminal)
cancel - stop an unfinished answer, a restart or a withdrawal
stop reminders - get no more reminders (start reminders - get them again)"""

_HINTS = {
    Expects.CHOICE: "Reply with the number of your choice.",
    Expects.CHOICES: "Reply with one or more numbers, for example: 1, 3",
    Expects.LONG_TEXT: "You can send your answer in several messages. Send 'done' when it is complete.",
    Expects.CONFIRM: "Reply yes or no.",
}
COUNTRY_HINT = "Reply with the number of your country, or type its name again."

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


def prompt(q: Questionnaire, session: Session, now: datetime) -> Prompt | None:
    """The current question, or the review step, or nothing once submitted."""
    if session.status in (Status.NEW, Status.WITHDRAWN):
        return None
    if session.pending is not None:
        return _confirm_prompt(session.pending)
    if not is_open(q, now):
        kept = "Your submitted answers are with the secretariat." if session.submitted else ""
        text = f"{not_open_message(q, now)} {kept}".strip()
        return Prompt(item_id=None, text=text, expects=Expects.NOTHING, commands=["review", "withdraw"])
    if session.cursor is None:
        return _review_prompt(q, session)
    return _item_prompt(q, q.item(session.cursor), session)


def _item_prompt(q: Questionnaire, item: Item, session: Session) -> Prompt:
    answer = session.answers.get(item.id)
    draft = session.draft if session.draft and session.draft.item_id == item.id else None
    number = flow.number_of(q, session.answers, item.id)
    total = len(flow.questions(q, session.answers))
    text = f"Question {number} of {total}\n{item.text}"
    current = preview(item, answer)
    if item.kind is Kind.FIELDS:
        field = item.fields[session.field_index]
        text += f"\n{field.label} ({session.field_index + 1} of {len(item.fields)})"
        value = answer.value.get(field.id) if answer and isinstance(answer.value, dict) else None
        current = field_shown(field, value) if value else None
    offer = offered(q, session, item)
    if offer is not None:
        text += "\n" + OFFER.format(value=offer)
    commands = _commands(q, item, session, current or offer)
    chosen = [item.choices.index(offer)] if offer is not None and offer in item.choices else selected(item, answer)
    shown = Prompt(
        item_id=item.id,
        text=text,
        help=item.help,
        options=list(item.choices),
        selected=draft.choices if draft else chosen,
        expects=_EXPECTS[item.kind],
        draft_chars=len(draft.text) if draft and draft.parts else None,
        current=current,
        offered=offer,
        commands=commands,
        hint=hint(_EXPECTS[item.kind], commands, offered=offer is not None),
        field=session.field_index if item.kind is Kind.FIELDS else None,
    )
    return _with_suggestions(item, session, shown) if item.kind is Kind.FIELDS else shown


def _with_suggestions(item: Item, session: Session, prompt: Prompt) -> Prompt:
    """A country field after "did you mean ...?": the candidates as options, picked by number or button."""
    offer, field = session.suggested, item.fields[session.field_index]
    if offer is None or (offer.item_id, offer.field_id) != (item.id, field.id):
        return prompt
    return prompt.model_copy(update={
        "options": [countries.name(code) for code in offer.codes], "suggested": list(offer.codes),
        "expects": Expects.CHOICE, "hint": f"{COUNTRY_HINT} {prompt.hint}".strip(),
    })


def field_shown(field: ContactField, value: str) -> str:
    """A contact field's value as people read it: a country by its name."""
    return countries.shown(value) if field.kind == "country" else value


def hint(expects: Expects, commands: list[str], offered: bool = False) -> str:
    """One line on what to send next, in words a respondent can type on any front end."""
    parts = [_HINTS.get(expects, "")]
    if "keep" in commands:
        parts.append("Send 'keep' to confirm it." if offered else "Send 'keep' to keep your answer.")
    if "add" in commands:
        parts.append("Send 'add' to add to it.")
    if "skip" in commands:
        parts.append("Send 'skip' to leave it out.")
    return " ".join(part for part in parts if part)


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


def _review_prompt(q: Questionnaire, session: Session) -> Prompt:
    if session.status is Status.SUBMITTED and not session.changed_since_submit:
        text = "Your answers are submitted. To change one, send 'edit' and its number."
        return Prompt(item_id=None, text=text, expects=Expects.NOTHING, commands=["review", "edit"])
    text = "That was the last question. Send 'submit' to send your answers, or 'edit' and a number to change one."
    return Prompt(item_id=None, text=text, expects=Expects.SUBMIT, commands=["submit", "review", "back"])


def _confirm_prompt(pending: str) -> Prompt:
    if pending == "withdraw":
        text = "Do you really want to withdraw? All your answers will be deleted. Reply yes or no."
    else:
        text = "Do you really want to start again? Your current answers will be cleared. Reply yes or no."
    return Prompt(
        item_id=None, text=text, options=["Yes", "No"], expects=Expects.CONFIRM, hint=_HINTS[Expects.CONFIRM],
        confirms=pending,
    )


def preview(item: Item, answer: Answer | None, limit: int = PREVIEW_CHARS) -> str | None:
    """A short form of an answer for the review: long texts cut, with their length."""
    if answer is None:
        return None
    value = answer.value
    if value is None:
        return "(skipped)"
    if isinstance(value, dict):
        fields = {f.id: f for f in item.fields}
        return "; ".join(f"{fields[k].label}: {field_shown(fields[k], v)}" if k in fields else f"{k}: {v}"
                         for k, v in value.items() if v)
    if isinstance(value, list):
        return ", ".join(value)
    flat = " ".join(value.split())  # one line, so the review keeps its shape
    if len(flat) > limit:
        return f"{flat[:limit].rstrip()}... ({len(value):,} characters)"
    return flat


def full(item: Item, answer: Answer | None) -> str | None:
    """An answer as given: a long text whole, with its paragraphs."""
    if answer is not None and isinstance(answer.value, str):
        return answer.value
    return preview(item, answer)


def _cut(answer: Answer | None) -> bool:
    """True when the review shows only the beginning of this answer."""
    return answer is not None and isinstance(answer.value, str) and len(" ".join(answer.value.split())) > PREVIEW_CHARS


def review(q: Questionnaire, session: Session) -> str:
    """Every question with its answer, numbered as in the conversation."""
    lines = ["Your answers:"]
    shortened = None
    for number, item in enumerate(flow.questions(q, session.answers), start=1):
        answer = session.answers.get(item.id)
        shown = preview(item, answer) if flow.is_settled(item, answer) else None
        if shortened is None and _cut(answer):
            shortened = number
        needed = " (required)" if item.required else ""
        lines.append(f"{number}. {shorten(item.text, 80)}\n   -> {shown or 'no answer yet' + needed}")
    if shortened is not None:
        lines.append(f"Long answers are shortened here. To read one whole, send 'show' and its number, "
                     f"e.g. show {shortened}.")
    return "\n".join(lines)


def status(q: Questionnaire, session: Session, now: datetime) -> str:
    """Where the respondent stands, in a few lines."""
    p = progress(q, session)
    skipped = f" and skipped {p.skipped}" if p.skipped else ""
    lines = [f"You have answered {p.answered} of {p.total} questions{skipped}."]
    if session.submitted is not None:
        when = session.submitted.at.strftime("%d %B %Y, %H:%M UTC")
        lines.append(f"You submitted your answers on {when}.")
        if session.changed_since_submit:
            lines.append("You have changes that are not submitted yet: send 'submit' to send them.")
    elif p.index:
        lines.append(f"You are at question {p.index}. Your answers are saved as you go.")
    if q.closes is not None:
        lines.append(closing_line(q, now))
    return "\n".join(lines)


def closing_line(q: Questionnaire, now: datetime) -> str:
    """When the consultation closes, and how many days are left."""
    assert q.closes is not None
    day = q.closes.strftime("%d %B %Y")
    if now >= q.closes:
        return f"The consultation closed on {day}."
    days = days_left(q, now) or 0
    if days == 0:
        return f"The consultation closes today, {day}, at {q.closes.astimezone(UTC):%H:%M} UTC."
    return f"The consultation closes on {day} ({days} day{'s' if days != 1 else ''} left)."
