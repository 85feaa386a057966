"""Changing an answer by editing the message that gave it, and reading a long answer in full."""

from __future__ import annotations

from core import answers, countries, flow, render
from core import inputs as i
from core.answers import Invalid
from core.i18n import N_
from core.i18n.formats import number
from core.i18n.texts import item_texts
from core.session import Answer, AnswerValue, Session, Source
from core.turn import Turn
from core.windows import is_open, not_open_message
from questionnaire.model import Item, Kind

NO_ANSWER = N_("No answer yet.")
NOT_AN_ANSWER = N_(
    "Editing that message does not change your answers: it no longer holds one. "
    "To change an answer, send 'edit' and the number of the question."
)
KEPT = N_("Your earlier answer is kept.")
UPDATED = N_("Your answer to question {number} is updated.")


def edit_message(turn: Turn, command: i.Input) -> None:
    """An edited message: update the answer it gave, if it still holds it; otherwise change nothing."""
    assert isinstance(command, i.EditMessage)
    s = turn.session
    if not is_open(turn.q, turn.now):
        turn.refuse(not_open_message(turn.q, turn.now, turn.t) + " "
                    + turn.t.gettext("Your answers can no longer be changed."))
        return
    source = s.sources.get(command.ref)
    item = turn.q.item(source.item_id) if source and turn.q.has(source.item_id) else None
    if source is None or not source.text.strip() or item is None or item not in flow.questions(turn.q, s.answers):
        turn.refuse(turn.t.gettext(NOT_AN_ANSWER))
        return
    text = answers.clean(command.text, turn.t)
    if isinstance(text, Invalid):
        turn.refuse(text.reason + " " + turn.t.gettext(KEPT))
    elif item.kind is Kind.LONG:
        _edit_long(turn, item, source, text)
    else:
        _edit_answer(turn, item, source, text)


def _edit_long(turn: Turn, item: Item, source: Source, text: str) -> None:
    """Replace the edited message's text where it stands in the long answer (or in the one being written)."""
    s = turn.session
    draft = s.draft if s.draft is not None and s.draft.item_id == item.id and s.draft.parts else None
    answer = s.answers.get(item.id)
    held = draft.text if draft is not None else answer.value if answer and isinstance(answer.value, str) else None
    start, old = source.start, source.text
    if held is None or start is None or held[start : start + len(old)] != old:
        turn.refuse(turn.t.gettext(NOT_AN_ANSWER))
        return
    new = held[:start] + text + held[start + len(old) :]
    if (error := answers.too_long(len(new), item.limit, turn.t)) is not None:
        turn.refuse(error.reason + " " + turn.t.gettext(KEPT))
        return
    parts = _replace_in_parts(draft.parts, start, len(old), text) if draft is not None else None
    if draft is not None and parts is None:
        turn.refuse(turn.t.gettext(NOT_AN_ANSWER))  # an older message that happens to match across two new ones
        return
    saved = answer.value if answer is not None and isinstance(answer.value, str) else None
    # While 'add' is open the text being written begins with the saved answer: an edit of one of its
    # messages goes into both, so that 'cancel' keeps it, as the messages' places now say.
    in_saved = saved is not None and (draft is None or (draft.parts[0] == saved and start + len(old) <= len(saved)))
    shift = len(text) - len(old)
    for ref, other in s.sources.items():  # later messages of this answer move by the change in length
        if other is not source and other.item_id == item.id and other.start is not None and other.start > start:
            s.sources[ref] = other.model_copy(update={"start": other.start + shift})
    _retext(s, source, text)
    if saved is not None and in_saved:
        s.answers[item.id] = Answer.to(item, saved[:start] + text + saved[start + len(old) :], turn.now)
    if draft is not None and parts is not None:
        draft.parts = parts
        turn.refuse(turn.t.ngettext(
            "Updated: {count} character so far. Send 'done' when your answer is complete.",
            "Updated: {count} characters so far. Send 'done' when your answer is complete.", len(draft.text),
        ).format(count=number(len(draft.text), turn.t.language)))
    else:
        turn.refuse(turn.t.gettext(UPDATED).format(number=flow.number_of(turn.q, s.answers, item.id)))


def _replace_in_parts(parts: list[str], start: int, length: int, text: str) -> list[str] | None:
    """The parts with `length` characters at `start` of their joined text replaced; None unless within one part."""
    offset = 0
    for n, part in enumerate(parts):
        if offset <= start <= offset + len(part) - length:
            at = start - offset
            return [*parts[:n], part[:at] + text + part[at + length :], *parts[n + 1 :]]
        offset += len(part) + 1
    return None


def _edit_answer(turn: Turn, item: Item, source: Source, text: str) -> None:
    s = turn.session
    answer = s.answers.get(item.id)
    value = _replaced(item, answer, source, text, turn)
    if value is None:
        turn.refuse(turn.t.gettext(NOT_AN_ANSWER))
    elif isinstance(value, Invalid):
        turn.refuse(value.reason + " " + turn.t.gettext(KEPT))
    else:
        s.answers[item.id] = Answer.to(item, value, turn.now)
        _retext(s, source, text if item.kind is not Kind.FIELDS else str(_field_text(item, source, text, turn)))
        turn.refuse(turn.t.gettext(UPDATED).format(number=flow.number_of(turn.q, s.answers, item.id)))


def _replaced(item: Item, answer: Answer | None, source: Source, text: str,
              turn: Turn) -> AnswerValue | Invalid | None:
    """The answer with the edited message's text in place of the old one; None if it no longer holds it."""
    value = answer.value if answer is not None else None
    if item.kind is Kind.SHORT and value == source.text:
        return answers.short_value(item, text, turn.t)
    if item.kind is Kind.FIELDS and isinstance(value, dict) and source.field_id is not None \
            and value.get(source.field_id) == source.text:
        field = _field_text(item, source, text, turn)
        return field if isinstance(field, Invalid) else {**value, source.field_id: field}
    return None


def _field_text(item: Item, source: Source, text: str, turn: Turn) -> str | Invalid:
    field = next(f for f in item.fields if f.id == source.field_id)
    return countries.code_of(text, turn.t) if field.kind == "country" else answers.field_value(field, text, turn.t)


def show_answer(turn: Turn, command: i.Input) -> None:
    """'show N': one answer in full."""
    assert isinstance(command, i.ShowAnswer)
    s = turn.session
    asked = flow.questions(turn.q, s.answers)
    turn.ask = False
    if command.number is None or not 1 <= command.number <= len(asked):
        turn.messages.append(turn.t.gettext(
            "Send 'show' and the number of a question from 1 to {last}, for example: show 3. "
            "Send 'review' to see the numbers."
        ).format(last=len(asked)))
        return
    item = asked[command.number - 1]
    full = render.full(item, s.answers.get(item.id), turn.t)
    # Translators: {number} is the question's number, {text} the question itself.
    heading = turn.t.gettext("Question {number}: {text}").format(number=command.number,
                                                                            text=item_texts(item, turn.t).text)
    turn.messages.append(f"{heading}\n\n{full or turn.t.gettext(NO_ANSWER)}")


def _retext(s: Session, source: Source, text: str) -> None:
    """The message's new text, in a new Source (sources are shared between copies of a session)."""
    for ref, held in s.sources.items():
        if held is source:
            s.sources[ref] = source.model_copy(update={"text": text})
            return
