"""What a new questionnaire file would do to the answers already stored, said before it is used. Pure."""

from __future__ import annotations

from collections import Counter
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


class Comparison:
    """Takes the stored sessions one at a time (a database of any size), then says the effects."""

    def __init__(self, old: Questionnaire, new: Questionnaire) -> None:
        self.old, self.new = old, new
        self.stored = 0  # sessions read, of any status
        self._removed = [item for item in old.items if not new.has(item.id) and item.answerable]
        self._options = [(item, option) for item in new.items if old.has(item.id)
                         for option in old.item(item.id).choices if option not in item.choices]
        self._counts: Counter[tuple[str, ...]] = Counter()

    def add(self, session: Session) -> None:
        """Count what the change does to this respondent's answers."""
        self.stored += 1
        if session.status not in (Status.IN_PROGRESS, Status.SUBMITTED):
            return
        for item in self._removed:
            self._counts["answered", item.id] += any(item.id in a for a in _stored(session))
            self._counts["on", item.id] += session.cursor == item.id
        for item, option in self._options:
            self._counts["chose", item.id, option] += _holds(session, item.id, option)
        self._count_set_aside(session)

    def effects(self) -> list[Effect]:
        """Removed items and options, renamed options, changed conditions, and the answers each touches."""
        return [*self._removed_items(), *self._changed_options(), *_conditions(self.old, self.new),
                *self._set_aside()]

    def _count_set_aside(self, session: Session) -> None:
        today = set_aside.counted(self.old, renames.migrate(self.old, session))[1]
        future = renames.migrate(self.new, session)
        for key in set_aside.counted(self.new, future)[1].keys() - today.keys():
            self._counts["aside", key] += 1
        kept, _ = flow.split(self.new, {**{k: a.answer for k, a in future.set_aside.items()}, **future.answers})
        for key in future.set_aside.keys() & kept.keys():
            self._counts["back", key] += 1

    def _removed_items(self) -> list[Effect]:
        effects = []
        for item in self._removed:
            answered, on_it = self._counts["answered", item.id], self._counts["on", item.id]
            name = label(item)
            text = (f"{name[:1].upper() + name[1:]} is removed: answered by {people(answered)} (the answers are "
                    "kept, and the exports show them under the old text)")
            if on_it:
                text += f"; {people(on_it)} on it now will be moved to the next question"
            effects.append(Effect(text + ".", answered + on_it))
        return effects

    def _changed_options(self) -> list[Effect]:
        effects = []
        for item, option in self._options:
            chose = self._counts["chose", item.id, option]
            if option in item.renamed_options:
                text = (f"Option '{option}' of {label(item)} is renamed '{item.renamed_options[option]}': "
                        f"chosen by {people(chose)}; those answers count under the new name.")
            else:
                text = (f"Option '{option}' of {label(item)} is removed: chosen by {people(chose)}; those "
                        "answers are kept as given but count under no option. If it was renamed, add "
                        f'renamed_options = {{ "{option}" = "new name" }} to the item.')
            effects.append(Effect(text, chose))
        return effects

    def _set_aside(self) -> list[Effect]:
        """Answers that apply today and would not under the new file, and set-aside ones that would come back."""
        counted = [(kind, key, n) for (kind, key, *_), n in self._counts.items() if kind in ("aside", "back")]
        effects = [Effect(f"The answers of {people(n)} to {label(self.new.item(key))} will be set aside (kept, "
                          "not counted): the question no longer applies to them.", n)
                   for kind, key, n in counted if kind == "aside" and self.new.has(key)]
        effects += [Effect(f"The set-aside answers of {people(n)} to {label(self.new.item(key))} will count again.", n)
                    for kind, key, n in counted if kind == "back" and self.new.has(key)]
        return effects


def compare(old: Questionnaire, new: Questionnaire, sessions: Iterable[Session]) -> list[Effect]:
    """The effects of the change on these sessions (see Comparison)."""
    comparison = Comparison(old, new)
    for session in sessions:
        comparison.add(session)
    return comparison.effects()


def _stored(session: Session) -> list[dict[str, Answer]]:
    """Every set of answers a change can touch: the current ones and the counted submission."""
    return [session.answers, session.counted]


def people(n: int) -> str:
    """'1 respondent', '2 respondents'."""
    return f"{n} respondent{'' if n == 1 else 's'}"


def _holds(s: Session, item_id: str, option: str) -> bool:
    """True when the respondent holds this option in an answer, counted, current or set aside."""
    aside = s.set_aside.get(item_id)
    values = [a.get(item_id) for a in _stored(s)] + [aside.answer if aside else None]
    return any(v is not None and (v.value == option or (isinstance(v.value, list) and option in v.value))
               for v in values)


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
