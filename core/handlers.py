"""What each input does to a session. The checks that apply to every input come first."""

from __future__ import annotations

from collections.abc import Callable

from core import amending, answering, flow, render
from core import inputs as i
from core.i18n import N_
from core.i18n.choice import choose_language
from core.i18n.formats import number
from core.i18n.texts import questionnaire_texts
from core.invitations.arrival import arrive
from core.session import Session, Status
from core.turn import Turn
from core.windows import is_open, not_open_message, open_late
from questionnaire.model import Kind


def dispatch(turn: Turn, command: i.Input) -> None:
    """Apply one input to the turn's session."""
    s = turn.session
    if isinstance(command, i.ForItem | i.ForPending):
        if _moved_on(s, command):
            turn.messages.append(turn.t.gettext(answering.STALE_BUTTON))
            return
        command = command.command
    if isinstance(command, i.StopReminders | i.StartReminders):
        _reminders(turn, command)  # at any moment: even before starting, mid-answer, or after closing
    elif isinstance(command, i.ChooseLanguage):
        choose_language(turn, command)  # at any moment too: nothing but the language changes
    elif isinstance(command, i.ShowHelp):
        turn.messages.append(turn.t.gettext(render.HELP))
        if s.status is Status.NEW:
            turn.messages.append(turn.t.gettext("Send 'start' to begin."))
    elif s.status is Status.NEW or (s.status is Status.WITHDRAWN and isinstance(command, i.Start)):
        begin(turn, command if isinstance(command, i.Start) else None)
    elif s.status is Status.WITHDRAWN:
        turn.refuse(turn.t.gettext("You have withdrawn your answers. Send 'start' if you want to answer again."))
    elif isinstance(command, i.ShowReview | i.ShowStatus | i.Start | i.Resume):
        _show(turn, command)  # looking around keeps a pending restart or withdraw pending
    elif isinstance(command, i.ShowAnswer):
        amending.show_answer(turn, command)
    elif isinstance(command, i.EditMessage):
        amending.edit_message(turn, command)  # never an answer to what is asked now, nor a yes or no
    elif s.pending is not None:
        _confirm_or_cancel(turn, command)
    elif not is_open(turn.q, turn.now) and not isinstance(command, i.WithdrawAnswers):
        # Withdrawing stays possible after closing: respondents keep control of their data.
        turn.refuse(not_open_message(turn.q, turn.now, turn.t) + " "
                    + turn.t.gettext("Your answers can no longer be changed."))
    elif _long_answer_unfinished(s) and not isinstance(command, _ALLOWED_MID_ANSWER):
        chars = len(s.draft.text) if s.draft else 0
        turn.refuse(turn.t.ngettext(
            "You are in the middle of an answer ({count} character so far). Send 'done' to "
            "save it, or 'cancel' to discard it. Then you can move to another question.",
            "You are in the middle of an answer ({count} characters so far). Send 'done' to "
            "save it, or 'cancel' to discard it. Then you can move to another question.", chars,
        ).format(count=number(chars, turn.t.language)))
    else:
        _change(turn, command)


REMINDERS_OFF = N_("You will get no more reminders. Send 'start reminders' if you want them again.")
REMINDERS_ON = N_(
    "You will get reminders again before the consultation closes. Send 'stop reminders' to stop them.")


def _reminders(turn: Turn, command: i.StopReminders | i.StartReminders) -> None:
    turn.session.reminders_off = isinstance(command, i.StopReminders)
    turn.messages.append(turn.t.gettext(REMINDERS_OFF if turn.session.reminders_off else REMINDERS_ON))
    turn.ask = False  # the question on screen stays as it is


def _moved_on(s: Session, command: i.ForItem | i.ForPending) -> bool:
    """True when the button's question is no longer the one on screen."""
    if isinstance(command, i.ForPending):
        return s.pending != command.pending
    field_moved = command.field is not None and command.field != s.field_index
    return s.cursor != command.item_id or field_moved or s.pending is not None or s.status in (
        Status.NEW, Status.WITHDRAWN)


_ALLOWED_MID_ANSWER = (
    i.SendText, i.FinishAnswer, i.Cancel, i.ChooseOptions, i.ToggleOption,
    i.RestartAnswers, i.WithdrawAnswers,
)


def _long_answer_unfinished(s: Session) -> bool:
    return s.draft is not None and bool(s.draft.parts)


def begin(turn: Turn, start: i.Start | None) -> None:
    """First contact (or a fresh start after withdrawing): the introduction and question 1."""
    s = turn.session
    kept = s.invite, s.invited
    said = arrive(s, start, turn.t) if start is not None else None  # first: its invitation may be allowed late
    if start is not None and start.late and s.invite == start.payload:
        turn.q = open_late(turn.q)
    if not is_open(turn.q, turn.now):
        s.invite, s.invited = kept  # a refused start keeps nothing
        turn.refuse(not_open_message(turn.q, turn.now, turn.t))
        return
    s.status = Status.IN_PROGRESS
    s.started_at = s.started_at or turn.now
    texts = questionnaire_texts(turn.q, turn.t)
    turn.messages.extend([texts.title, texts.introduction.strip()])
    if said is not None:
        turn.messages.append(said)
    answering.move_on(turn, after=None)


def _show(turn: Turn, command: i.ShowReview | i.ShowStatus | i.Start | i.Resume) -> None:
    s = turn.session
    if isinstance(command, i.ShowReview):
        turn.messages.append(render.review(turn.q, s, turn.t))
        turn.ask = s.cursor is None
    elif isinstance(command, i.ShowStatus):
        turn.messages.append(render.status(turn.q, s, turn.now, turn.t))
    else:
        # An invitation link opened after a first "hello" is kept all the same.
        said = arrive(s, command, turn.t) if isinstance(command, i.Start) else None
        turn.messages.append(turn.t.gettext("Welcome back.") + " " + render.status(turn.q, s, turn.now, turn.t))
        if said is not None:
            turn.messages.append(said)


def _confirm_or_cancel(turn: Turn, command: i.Input) -> None:
    s = turn.session
    yes = isinstance(command, i.Confirm) or (isinstance(command, i.SendText) and _is_yes(command.text))
    pending, s.pending = s.pending, None
    if not yes:
        turn.messages.append(turn.t.gettext("Nothing was changed."))
    elif pending == "withdraw":
        # Everything goes but the inbound ids (a redelivered old message must not start again),
        # when they started (it keeps everyone's "Respondent N" number in the exports stable) and
        # 'stop reminders' (withdrawing answers is not asking for reminders again).
        turn.session = Session(
            respondent_id=s.respondent_id, channel=s.channel, status=Status.WITHDRAWN,
            recent_inputs=s.recent_inputs, started_at=s.started_at, reminders_off=s.reminders_off,
            language=s.language,
        )
        turn.messages.append(turn.t.gettext(
            "All your answers have been deleted. Thank you for your time. "
            "Send 'start' if you want to answer again."
        ))
    elif not is_open(turn.q, turn.now):
        turn.refuse(not_open_message(turn.q, turn.now, turn.t) + " "
                    + turn.t.gettext("Your answers were kept as they are."))
    else:
        s.answers, s.set_aside, s.draft = {}, {}, None
        turn.messages.append(turn.t.gettext("Your answers have been cleared. Let us start again."))
        if s.submitted is not None:
            turn.messages.append(
                turn.t.gettext("Your earlier submission stays with the secretariat until you submit again."))
        answering.move_on(turn, after=None)


# "Yes" as respondents write it, in the consultation's common languages too; anything else is no.
_YES_WORDS = frozenset({"yes", "y", "1", "ok", "okay", "sure", "oui", "si", "sí", "ja", "sim", "da", "да", "是", "نعم"})


def _is_yes(text: str) -> bool:
    words = text.strip().casefold().replace(",", " ").replace(".", " ").replace("!", " ").split()
    return bool(words) and words[0] in _YES_WORDS


def _change(turn: Turn, command: i.Input) -> None:
    handler = _HANDLERS.get(type(command))
    if handler is None:
        turn.refuse(turn.t.gettext("Nothing to do here. Send 'help' to see what you can type."))
    else:
        handler(turn, command)


def _back(turn: Turn, _: i.Input) -> None:
    s = turn.session
    s.draft, s.suggested = None, None
    if s.cursor is not None and _at_fields_item(turn) and s.field_index > 0:
        s.field_index -= 1
        return
    target = flow.previous(turn.q, s.answers, s.cursor)
    if target is None:
        turn.refuse(turn.t.gettext("This is the first question."))
        return
    s.cursor = target.id
    s.field_index = len(target.fields) - 1 if target.kind is Kind.FIELDS else 0


def _at_fields_item(turn: Turn) -> bool:
    """True when the current item is a group of contact fields."""
    cursor = turn.session.cursor
    return cursor is not None and turn.q.item(cursor).kind is Kind.FIELDS


def _edit(turn: Turn, command: i.Input) -> None:
    assert isinstance(command, i.EditItem)
    asked = flow.questions(turn.q, turn.session.answers)
    if command.number is None:
        turn.refuse(turn.t.gettext(
            "Send 'edit' and the number of the question, for example: edit 3. Send 'review' to see the numbers."
        ))
    elif not 1 <= command.number <= len(asked):
        turn.refuse(turn.t.gettext(
            "There is no question {number}. The questions are numbered 1 to {last}. Send 'review' to see them."
        ).format(number=command.number, last=len(asked)))
    else:
        s = turn.session
        s.cursor, s.field_index, s.draft, s.suggested = asked[command.number - 1].id, 0, None, None


def _submit(turn: Turn, _: i.Input) -> None:
    s = turn.session
    if answering.go_to_missing(turn):
        return
    if s.submitted is not None and not s.changed_since_submit:
        turn.refuse(turn.t.gettext("Your answers are already submitted, and nothing has changed since."))
    elif s.cursor is not None:
        s.cursor, s.draft = None, None
        turn.messages.append(render.review(turn.q, s, turn.t))
        turn.messages.append(turn.t.gettext("Please check your answers. Send 'submit' again to send them."))
        turn.ask = False
    else:
        answering.submit(turn)


def _ask_confirmation(turn: Turn, command: i.Input) -> None:
    turn.session.pending = "withdraw" if isinstance(command, i.WithdrawAnswers) else "restart"


def _cancel(turn: Turn, _: i.Input) -> None:
    if turn.session.draft is None:
        turn.refuse(turn.t.gettext("There is nothing to cancel."))
    else:
        turn.session.draft = None
        turn.messages.append(turn.t.gettext("Your unfinished answer was discarded."))


def _nothing_to_confirm(turn: Turn, _: i.Input) -> None:
    turn.refuse(turn.t.gettext("There is nothing to confirm."))


_HANDLERS: dict[type, Callable[[Turn, i.Input], None]] = {
    i.SendText: answering.send_text,
    i.ChooseOptions: answering.choose,
    i.PickCountry: answering.pick_country,
    i.ToggleOption: answering.toggle,
    i.FinishAnswer: answering.finish,
    i.SkipItem: answering.skip,
    i.KeepAnswer: answering.keep,
    i.AddToAnswer: answering.add,
    i.GoBack: _back,
    i.EditItem: _edit,
    i.SubmitAnswers: _submit,
    i.RestartAnswers: _ask_confirmation,
    i.WithdrawAnswers: _ask_confirmation,
    i.Cancel: _cancel,
    i.Confirm: _nothing_to_confirm,
}
