"""A session meets a changed questionnaire file: renamed options, answers set aside, a removed question.

Run on every input before it is applied, so that an edit of the file never deletes a stored answer
and never leaves a respondent on a question that is gone.
"""

from __future__ import annotations

from core import flow, renames, set_aside
from core.i18n import N_
from core.turn import Turn
from questionnaire.model import Kind

REMOVED = N_("The question you were on was removed from the questionnaire, so we go on with the next one.")
NO_LONGER_APPLIES = N_(
    "The questionnaire has changed, and the question you were on no longer applies to you, "
    "so we go on with the next one."
)


def catch_up(turn: Turn) -> bool:
    """Bring the turn's session in line with the questionnaire in use; True if the respondent was moved."""
    turn.session = renames.migrate(turn.q, turn.session)
    set_aside.settle(turn.q, turn.session, turn.now)
    if _off_a_question_gone(turn):
        return True
    _within_the_question(turn)
    return False


def _within_the_question(turn: Turn) -> None:
    """A field or a ticked option may be gone from the question on screen."""
    s = turn.session
    if s.cursor is None:
        return
    item = turn.q.item(s.cursor)
    if item.kind is Kind.FIELDS:
        s.field_index = min(s.field_index, len(item.fields) - 1)
    if s.draft is not None:
        s.draft.choices = [n for n in s.draft.choices if n < len(item.choices)]


def _off_a_question_gone(turn: Turn) -> bool:
    s, q = turn.session, turn.q
    item = q.item(s.cursor) if s.cursor is not None and q.has(s.cursor) else None
    if s.cursor is None or (item is not None and item.answerable and flow.condition_holds(item, s.answers)):
        return False
    removed = not q.has(s.cursor)
    if s.draft is not None and removed:
        set_aside.keep_draft(s, s.draft, turn.now)
    # Where the question stood is known only while it is in the file; a removed one restarts the search.
    start = 0 if removed else [item.id for item in q.items].index(s.cursor)
    following = flow.first_open(q, s.answers, start)
    s.cursor, s.field_index, s.draft = (following.id if following else None), 0, None
    turn.messages.append(turn.t.gettext(REMOVED if removed else NO_LONGER_APPLIES))
    return True
