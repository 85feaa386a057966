"""What a new questionnaire file would do to the answers already stored, said before it is used. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core import flow, renames, set_aside
from core.session import Answer, Session, Status
from core.set_aside import label
from questionnaire.model import Questionnaire


@dataclass(frozen=True)
class Effect:
    """One consequence of the change, in a sentence, and how many respondents it touches."""

    text: str
    respondents: int


def compare(old: Questionnaire, new: Questionnaire, sessions: Iterable[Session]) -> list[Effect]:
    """Removed items and options, renamed options, changed conditions, and the answers each touches."""
    active = [s for s in sessions if s.status in (Status.IN_PROGRESS, Status.SUBMITTED)]
    return [
        *_removed_items(old, new, active),
        *_options(old, new, active),
        *_conditions(old, new),
        *_set_aside(old, new, active),
    ]


def _stored(session: Session) -> list[dict[str, Answer]]:
    """Every set of answers a change can touch: the current ones and the counted submission."""
    return [session.answers, session.counted]


def people(n: int) -> str:
    """'1 respondent', '2 respondents'."""
    return f"{n} respondent{'' if n == 1 else 's'}"


def _removed_items(old: Questionnaire, new: Questionnaire, sessions: list[Session]) -> list[Effect]:
    effects = []
    for item in (item for item in old.items if not new.has(item.id) and item.answerable):
        answered = sum(any(item.id in a for a in _stored(s)) for s in sessions)
        on_it = sum(s.cursor == item.id for s in sessions)
        name = label(item)
        text = (f"{name[:1].upper() + name[1:]} is removed: answered by {people(answered)} (the answers are kept, "
                "and the exports show them under the old text)")
        if on_it:
            text += f"; {people(on_it)} on it now will be moved to the next question"
        effects.append(Effect(text + ".", answered + on_it))
    return effects


def _chose(sessions: list[Session], item_id: str, option: str) -> int:
    """How many respondents hold this option in an answer, counted, current or set aside."""

    def holds(s: Session) -> bool:
        aside = s.set_aside.get(item_id)
        values = [a.get(item_id) for a in _stored(s)] + [aside.answer if aside else None]
        return any(v is not None and (v.value == option or (isinstance(v.value, list) and option in v.value))
                   for v in values)

    return sum(holds(s) for s in sessions)


def _options(old: Questionnaire, new: Questionnaire, sessions: list[Session]) -> list[Effect]:
    effects = []
    for item in (item for item in new.items if old.has(item.id)):
        for option in (o for o in old.item(item.id).choices if o not in item.choices):
            chose = _chose(sessions, item.id, option)
            if option in item.renamed_options:
                text = (f"Option '{option}' of {label(item)} is renamed '{item.renamed_options[option]}': "
                        f"chosen by {people(chose)}; those answers count under the new name.")
            else:
                text = (f"Option '{option}' of {label(item)} is removed: chosen by {people(chose)}; those "
                        "answers are kept as given but count under no option. If it was renamed, add "
                        f'renamed_options = {{ "{option}" = "new name" }} to the item.')
            effects.append(Effect(text, chose))
    return effects


def _conditions(old: Questionnaire, new: Questionnaire) -> list[Effect]:
    effects = []
    for item in (item for item in new.items if old.has(item.id)):
        before, after = old.item(item.id).when, item.when
        if before is not None and after is not None and after.item == before.item:
            names = new.item(after.item).renamed_options if new.has(after.item) else {}
            if {names.get(v, v) for v in before.any_of} == set(after.any_of):
                continue  # the same condition, with an option's new name
        if before != after:
            target = label(new.item(after.item)) if after else ""
            now = f"asked only when {target} is {' or '.join(after.any_of)}" if after else "asked of everyone"
            effects.append(Effect(f"The condition of {label(item)} changes: {now}.", 0))
    return effects


def _set_aside(old: Questionnaire, new: Questionnaire, sessions: list[Session]) -> list[Effect]:
    """Answers that apply today and would not under the new file, and set-aside ones that would come back."""
    aside: dict[str, int] = {}
    back: dict[str, int] = {}
    for session in sessions:
        today = set_aside.counted(old, renames.migrate(old, session))[1]
        future = renames.migrate(new, session)
        for key in set_aside.counted(new, future)[1].keys() - today.keys():
            aside[key] = aside.get(key, 0) + 1
        kept, _ = flow.split(new, {**{k: a.answer for k, a in future.set_aside.items()}, **future.answers})
        for key in future.set_aside.keys() & kept.keys():
            back[key] = back.get(key, 0) + 1
    effects = [Effect(f"The answers of {people(n)} to {label(new.item(key))} will be set aside (kept, not "
                      "counted): the question no longer applies to them.", n) for key, n in aside.items()
               if new.has(key)]
    effects += [Effect(f"The set-aside answers of {people(n)} to {label(new.item(key))} will count again.", n)
                for key, n in back.items() if new.has(key)]
    return effects
