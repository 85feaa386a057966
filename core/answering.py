"""Taking answers: typed text, picked options, long answers over several messages."""

from __future__ import annotations

from babel.lists import format_list

from core import answers, countries, flow, render, set_aside
from core import inputs as i
from core.answers import Invalid
from core.i18n import N_, Translator
from core.i18n.formats import number
from core.i18n.texts import item_texts, questionnaire_texts
from core.invitations.offer import offered
from core.session import Answer, AnswerValue, Draft, Session, Source, Status, Submission, Suggestion, same_answers
from core.turn import Turn
from questionnaire.model import Item, Kind

STALE_BUTTON = N_("That button belongs to an earlier question, so nothing was changed. Here is where you are now.")

NO_SUCH_OPTION = N_("That option does not exist. Please choose one of the options shown.")
# 'done' with nothing to save: (several options?, required?) -> what to say.
_NOTHING_TO_SAVE = {
    (True, True): N_("There is no answer to save yet. Please choose at least one option first."),
    (True, False): N_(
        "There is no answer to save yet. Please choose at least one option first, "
        "or send 'skip' to leave this question out."),
    (False, True): N_("There is no answer to save yet. Please write your answer first."),
    (False, False): N_(
        "There is no answer to save yet. Please write your answer first, or send 'skip' to leave this question out."),
}


def move_on(turn: Turn, after: str | None) -> None:
    """Go to the next item that still needs an answer, showing notes on the way; else review."""
    s = turn.session
    s.draft, s.field_index, s.suggested = None, 0, None
    while (item := flow.next_open(turn.q, s.answers, after)) is not None:
        if item.kind is not Kind.NOTE:
            s.cursor = item.id
            return
        turn.messages.append(item_texts(item, turn.t).text)
        after = item.id
    s.cursor = None
    # After 'edit' or a changed file, the end is only the end once every required question is in.
    if go_to_missing(turn):
        return
    if s.submitted is None or not same_answers(s.answers, s.submitted.answers):
        turn.messages.append(render.review(turn.q, s, turn.t))


def go_to_missing(turn: Turn) -> bool:
    """Take the respondent to the first required question without an answer; False if none."""
    s = turn.session
    missing = flow.missing_required(turn.q, s.answers)
    if not missing:
        return False
    numbers = ", ".join(str(flow.number_of(turn.q, s.answers, item.id)) for item in missing)
    # Translators: {numbers} is a list of question numbers, e.g. "2, 5, 7".
    missing_said = turn.t.gettext("Some required questions still need an answer: {numbers}. Here is the first one.")
    turn.messages.append(missing_said.format(numbers=numbers))
    s.cursor, s.field_index, s.draft = missing[0].id, 0, None
    return True


def save(turn: Turn, item: Item, value: AnswerValue | None) -> None:
    """Store an answer to the current item and move on."""
    s = turn.session
    old = s.answers.get(item.id)
    if old is None or old.value != value or old.text != item.text:  # the same answer again changes nothing
        s.answers[item.id] = Answer.to(item, value, turn.now)
    set_aside.settle(turn.q, s, turn.now)  # a changed category sets its follow-ups aside, or brings them back
    move_on(turn, after=item.id)


def current_item(turn: Turn) -> Item | None:
    """The item being asked, or None at the review step."""
    cursor = turn.session.cursor
    return turn.q.item(cursor) if cursor is not None else None


def send_text(turn: Turn, command: i.Input) -> None:
    """Typed text: the answer to the current item."""
    assert isinstance(command, i.SendText)
    item = current_item(turn)
    if item is None:
        turn.refuse(_at_review_message(turn))
        return
    if item.kind is Kind.LONG and _drafting(turn, item) and not command.text.strip():
        _collect(turn, item, "")  # an empty line inside a long answer is a paragraph break
        return
    text = answers.clean(command.text, turn.t)
    if isinstance(text, Invalid):
        turn.refuse(text.reason)
    elif item.kind is Kind.LONG:
        _collect(turn, item, text)
    elif item.kind is Kind.FIELDS:
        _fill_field(turn, item, text)
    elif item.kind is Kind.SHORT:
        value = answers.short_value(item, text, turn.t)
        _take(turn, item, value)
        if isinstance(value, str):
            turn.took = Source(item_id=item.id, text=value)
    else:
        _take(turn, item, _read_typed(turn, item, text))


def _read_typed(turn: Turn, item: Item, text: str) -> AnswerValue | Invalid:
    if item.kind is Kind.MULTIPLE:
        return answers.pick_many(item, text, turn.t)
    if item.kind in (Kind.SINGLE, Kind.CONSENT):
        return answers.pick_one(item, text, turn.t)
    return answers.short_value(item, text, turn.t)


def _take(turn: Turn, item: Item, value: AnswerValue | Invalid) -> None:
    if isinstance(value, Invalid):
        turn.refuse(value.reason)
    else:
        save(turn, item, value)


def _at_review_message(turn: Turn) -> str:
    if turn.session.status is Status.SUBMITTED and not turn.session.changed_since_submit:
        return turn.t.gettext(
            "Your answers are submitted. To change one, send 'edit' and its number, for example: edit 3.")
    return turn.t.gettext(
        "You have reached the end. Send 'submit' to send your answers, or 'edit' and a number to change one.")


def _drafting(turn: Turn, item: Item) -> bool:
    draft = turn.session.draft
    return draft is not None and draft.item_id == item.id and bool(draft.parts)


def _collect(turn: Turn, item: Item, text: str) -> None:
    s = turn.session
    draft = s.draft if s.draft and s.draft.item_id == item.id else Draft(item_id=item.id)
    if not draft.parts:
        _forget_messages(s, item.id)  # a new answer begins: earlier messages no longer hold any of it
    start = len(draft.text) + (1 if draft.parts else 0)
    joined = start + len(text)
    if draft.parts and joined > item.limit:
        room = max(item.limit - len(draft.text) - 1, 0)
        lang = turn.t.language
        turn.refuse(turn.t.ngettext(
            "This message was not added: your answer would have {count} characters, and this question "
            "allows {limit}. You can add {room} more characters. What you sent before is kept.",
            "This message was not added: your answer would have {count} characters, and this question "
            "allows {limit}. You can add {room} more characters. What you sent before is kept.", room,
        ).format(count=number(joined, lang), limit=number(item.limit, lang), room=number(room, lang)))
        return
    if (error := answers.too_long(joined, item.limit, turn.t)) is not None:
        turn.refuse(error.reason)
        return
    draft.parts.append(text)
    s.draft = draft
    if text.strip():  # an empty line is a paragraph break: no message to edit later
        # Trailing spaces go: the saved answer loses them at its end.
        turn.took = Source(item_id=item.id, text=text.rstrip(), start=start)
    turn.messages.append(turn.t.ngettext(
        "Received: {count} character so far. Send more if your answer continues, or 'done' when it is complete.",
        "Received: {count} characters so far. Send more if your answer continues, or 'done' when it is complete.",
        len(draft.text),
    ).format(count=number(len(draft.text), turn.t.language)))
    turn.ask = False


def _forget_messages(s: Session, item_id: str) -> None:
    for ref in [ref for ref, source in s.sources.items() if source.item_id == item_id]:
        del s.sources[ref]


def _fill_field(turn: Turn, item: Item, text: str) -> None:
    field = item.fields[turn.session.field_index]
    if field.kind == "country":
        _fill_country(turn, item, text)
        return
    value = answers.field_value(field, text, turn.t)
    if isinstance(value, Invalid):
        turn.refuse(value.reason)
    else:
        _store_field(turn, item, value)
        turn.took = Source(item_id=item.id, field_id=field.id, text=value)


def _fill_country(turn: Turn, item: Item, text: str) -> None:
    """A country field: stored as its ISO code; when unsure, the candidates are offered (by number or button)."""
    s = turn.session
    field = item.fields[s.field_index]
    found = _read_country(s, field.id, text, turn.t)
    if isinstance(found, Invalid):
        turn.refuse(found.reason)
    elif isinstance(found, countries.Found):
        _store_field(turn, item, found.code)
        turn.took = Source(item_id=item.id, field_id=field.id, text=found.code)
    elif not found.candidates:
        turn.refuse(countries.not_found(text, turn.t))
    else:
        s.suggested = Suggestion(item_id=item.id, field_id=field.id, codes=list(found.candidates))
        turn.messages.append(did_you_mean(text, found.candidates, turn.t))


def _read_country(s: Session, field_id: str, text: str, t: Translator
                  ) -> countries.Found | countries.Unsure | Invalid:
    """The country typed, or the number of one offered ("did you mean ...?") for this field."""
    offered = s.suggested.codes if s.suggested is not None and s.suggested.field_id == field_id else []
    typed = text.strip()  # option numbers arrive in ASCII digits (core.inputs.parse_text)
    if not offered or not typed.isdecimal():
        found = countries.read(text)
        return Invalid(t.gettext(found.reason)) if isinstance(found, Invalid) else found
    number = int(typed) if len(typed) < 4 else 0
    if 1 <= number <= len(offered):
        return countries.Found(offered[number - 1])
    if len(offered) == 1:
        return Invalid(t.gettext("There is no option {number}. Please reply with 1, or type the name of your country.")
                       .format(number=typed[:6]))
    return Invalid(t.gettext("There is no option {number}. Please reply with a number from 1 to {last}, "
                             "or type the name of your country.").format(number=typed[:6], last=len(offered)))


def did_you_mean(text: str, candidates: tuple[str, ...], t: Translator) -> str:
    """'Did you mean ...?' for a country typed unclearly; the prompt under it offers the candidates."""
    listed = format_list([countries.name(code, t.language) for code in candidates], style="or", locale=t.language)
    # Translators: {typed} is what the respondent typed; {countries} one to three country names ("A, B or C").
    return t.gettext("I am not sure which country you mean by “{typed}”. Did you mean {countries}?").format(
        typed=" ".join(text.split()), countries=listed)


def pick_country(turn: Turn, command: i.Input) -> None:
    """A country offered after "did you mean ...?", picked with a button.

    Only one of the countries offered now: a button of an earlier offer (another misspelling, or
    before going back) is no longer on screen, and an old button never changes an answer.
    """
    assert isinstance(command, i.PickCountry)
    s, item = turn.session, current_item(turn)
    field = item.fields[s.field_index] if item is not None and item.kind is Kind.FIELDS else None
    offer = s.suggested
    if item is None or field is None or offer is None or (offer.item_id, offer.field_id) != (item.id, field.id) \
            or command.code not in offer.codes:
        turn.messages.append(turn.t.gettext(STALE_BUTTON))
        return
    _store_field(turn, item, command.code)


def _store_field(turn: Turn, item: Item, value: str) -> None:
    s = turn.session
    s.suggested = None
    old = s.answers.get(item.id)
    values = dict(old.value) if old and isinstance(old.value, dict) else {}
    values[item.fields[s.field_index].id] = value
    if old is None or old.value != values:
        s.answers[item.id] = Answer.to(item, values, turn.now)
    if s.field_index + 1 < len(item.fields):
        s.field_index += 1
    else:
        move_on(turn, after=item.id)


def choose(turn: Turn, command: i.Input) -> None:
    """Options picked with a button or menu."""
    assert isinstance(command, i.ChooseOptions)
    item = _button_target(turn, command.item_id)
    if item is None:
        return
    if any(not 0 <= n < len(item.choices) for n in command.options) or not command.options:
        turn.refuse(turn.t.gettext(NO_SUCH_OPTION))
    elif item.kind is Kind.MULTIPLE:
        _take(turn, item, answers.check_count(item, sorted(set(command.options)), turn.t))
    elif len(command.options) != 1:
        turn.refuse(turn.t.gettext("Please choose only one option."))
    else:
        save(turn, item, item.choices[command.options[0]])


def toggle(turn: Turn, command: i.Input) -> None:
    """Tick or untick one option of a multiple-choice item."""
    assert isinstance(command, i.ToggleOption)
    item = _button_target(turn, command.item_id)
    if item is None:
        return
    if item.kind is not Kind.MULTIPLE or not 0 <= command.option < len(item.options):
        turn.refuse(turn.t.gettext(NO_SUCH_OPTION))
        return
    s = turn.session
    if s.draft is None or s.draft.item_id != item.id:
        s.draft = Draft(item_id=item.id, choices=render.selected(item, s.answers.get(item.id)))
    chosen = set(s.draft.choices) ^ {command.option}
    s.draft.choices = sorted(chosen)


def _button_target(turn: Turn, item_id: str) -> Item | None:
    """The current item if a button was meant for it; otherwise say the question moved on."""
    item = current_item(turn)
    if item is None or item.id != item_id:
        turn.messages.append(turn.t.gettext(STALE_BUTTON))
        return None
    if item.kind not in (Kind.SINGLE, Kind.MULTIPLE, Kind.CONSENT):
        turn.refuse(turn.t.gettext("This question needs a written answer. Please type it."))
        return None
    return item


def finish(turn: Turn, _: i.Input) -> None:
    """'done': save the long answer or the ticked options."""
    s, item = turn.session, current_item(turn)
    draft = s.draft if s.draft and item and s.draft.item_id == item.id else None
    if item is None:
        turn.refuse(_at_review_message(turn))
    elif draft is not None and item.kind is Kind.LONG and draft.text.strip():
        save(turn, item, draft.text.rstrip())
    elif draft is not None and item.kind is Kind.MULTIPLE:
        _take(turn, item, answers.check_count(item, draft.choices, turn.t))
    elif flow.is_answered(item, s.answers.get(item.id)):
        move_on(turn, after=item.id)
    else:
        turn.refuse(turn.t.gettext(_NOTHING_TO_SAVE[item.kind is Kind.MULTIPLE, item.required]))


def skip(turn: Turn, _: i.Input) -> None:
    """'skip': leave an optional item (or an optional contact field) unanswered."""
    s, item = turn.session, current_item(turn)
    if item is None:
        turn.refuse(turn.t.gettext("There is no question to skip here."))
    elif item.kind is Kind.FIELDS:
        _skip_field(turn, item)
    elif item.required:
        turn.refuse(turn.t.gettext("This question needs an answer, so it cannot be skipped."))
    elif flow.is_answered(item, s.answers.get(item.id)):
        turn.messages.append(turn.t.gettext("You answered this question before; your answer is kept."))
        move_on(turn, after=item.id)
    else:
        save(turn, item, None)


def _skip_field(turn: Turn, item: Item) -> None:
    field = item.fields[turn.session.field_index]
    answer = turn.session.answers.get(item.id)
    given = answer.value.get(field.id) if answer is not None and isinstance(answer.value, dict) else None
    if not field.required:
        _store_field(turn, item, "")
    elif not item.required and not flow.is_answered(item, answer):
        save(turn, item, None)  # an optional group: 'skip' leaves the whole group out
    elif given:
        # As 'skip' does on a question.
        turn.messages.append(turn.t.gettext("You answered this before; your answer is kept."))
        _store_field(turn, item, given)
    else:
        # Translators: {field} is the name of a contact detail, e.g. E-mail.
        turn.refuse(turn.t.gettext("'{field}' is needed, so it cannot be skipped.").format(
            field=item_texts(item, turn.t).field_labels.get(field.id, field.label)))


def keep(turn: Turn, _: i.Input) -> None:
    """'keep': keep the earlier answer and move on."""
    s, item = turn.session, current_item(turn)
    answer = s.answers.get(item.id) if item else None
    if item is not None and (offer := offered(turn.q, s, item)) is not None:
        _take_offer(turn, item, offer)
    elif item is None or answer is None or answer.value is None:
        turn.refuse(turn.t.gettext("There is no earlier answer to keep here."))
    elif item.kind is Kind.FIELDS and isinstance(answer.value, dict):
        value = answer.value.get(item.fields[s.field_index].id)
        if value is None:
            turn.refuse(turn.t.gettext("There is no earlier answer to keep here."))
        else:
            _store_field(turn, item, value)
    else:
        move_on(turn, after=item.id)


def _take_offer(turn: Turn, item: Item, offer: str) -> None:
    """'keep' on a question the invitation answers: its value, confirmed by the respondent."""
    if item.kind is Kind.FIELDS:
        _store_field(turn, item, offer)
    else:
        save(turn, item, [offer] if item.kind is Kind.MULTIPLE else offer)


def add(turn: Turn, _: i.Input) -> None:
    """'add': continue an earlier long answer rather than replace it."""
    s, item = turn.session, current_item(turn)
    answer = s.answers.get(item.id) if item else None
    if item is None or item.kind is not Kind.LONG or answer is None or not isinstance(answer.value, str):
        turn.refuse(turn.t.gettext("'add' continues an earlier long answer; there is none here."))
        return
    s.draft = Draft(item_id=item.id, parts=[answer.value])
    turn.messages.append(turn.t.ngettext(
        "Send the text to add to your answer ({count} character so far), then 'done'.",
        "Send the text to add to your answer ({count} characters so far), then 'done'.", len(answer.value),
    ).format(count=number(len(answer.value), turn.t.language)))
    turn.ask = False


def submit(turn: Turn) -> None:
    """Record a submission: a snapshot of the answers, timed."""
    s = turn.session
    again = s.submitted is not None
    s.submissions.append(Submission(at=turn.now, answers=dict(s.answers)))
    s.status, s.changed_since_submit, s.cursor = Status.SUBMITTED, False, None
    turn.messages.append(questionnaire_texts(turn.q, turn.t).closing.strip())
    if again:
        turn.messages.append(
            turn.t.gettext("Your changes have been submitted; the earlier version is kept in the history."))
    turn.submitted = True
