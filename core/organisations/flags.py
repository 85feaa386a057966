"""What progress and the internal export say of an organisation's several submissions. Pure."""

from __future__ import annotations

import dataclasses

from core.export.base import ExportInput
from core.export.records import Record
from core.export.spool import Mapped
from core.i18n import N_, Translator, translator
from core.invitations.offer import ORGANISATION_IDS
from core.invitations.standing import Arrival, State
from core.organisations.grouping import Group, several
from core.organisations.model import Decision

# Translators: in the secretariat's progress, after "2 submissions from <organisation>:".
NOT_DECIDED = N_("not decided yet ('consult org' records which counts)")
JOINT = N_("counted together as one joint submission")
# Translators: {name} is the name a respondent gave; their submission is the one that counts.
CHOSEN = N_("{name}'s counts as the organisation's")


def decision_text(group: Group, decision: Decision | None, t: Translator | None = None) -> str:
    """The decision in a few words, for progress and `consult org list` (English unless `t` says)."""
    t = t or translator("en")
    if decision is None:
        return t.gettext(NOT_DECIDED)
    if decision.kind == "joint":
        return t.gettext(JOINT)
    return t.gettext(CHOSEN).format(name=decision.chosen)


def progress_lines(groups: list[Group], decisions: list[Decision], t: Translator | None = None) -> list[str]:
    """One line per organisation with several submissions, with the secretariat's decision."""
    t = t or translator("en")
    by_key = {decision.key: decision for decision in decisions}
    return [f"{flag(group, t)}: {decision_text(group, group.decided(by_key), t)}" for group in groups]


def flag(group: Group, t: Translator | None = None) -> str:
    """'2 submissions from Open Net', in the reader's language."""
    t = t or translator("en")
    # Translators: {count} is 2 or more; {organisation} the organisation's name as typed.
    return t.ngettext("{count} submission from {organisation}", "{count} submissions from {organisation}",
                      len(group.members)).format(count=len(group.members), organisation=group.organisation)


def annotate(data: ExportInput, decisions: list[Decision]) -> ExportInput:
    """The internal export's records, each of several from one organisation saying so and what was decided."""
    records = data.compilation.records
    if not data.compilation.confidential:
        return data  # public files name no organisation that was not authorised: the flag stays internal
    by_key = {decision.key: decision for decision in decisions}
    numbers = {r.respondent_id: r.number for r in records}
    notes: dict[str | None, str] = {}
    for group in several(_arrival(r) for r in records):
        for member in group.members:
            notes[member.respondent_id] = _note(group, group.decided(by_key), member.respondent_id, numbers)
    if not notes:
        return data

    def noted(r: Record) -> Record:
        note = notes.get(r.respondent_id)
        return dataclasses.replace(r, organisation_note=note) if note is not None else r

    # Noted as each record is read: spooled records stay on disk (core/export/spool.py).
    annotated = Mapped(records, noted)
    return dataclasses.replace(data, compilation=dataclasses.replace(data.compilation, records=annotated))


def _note(group: Group, decision: Decision | None, respondent_id: str, numbers: dict[str | None, int]) -> str:
    who = ", ".join(f"Respondent {numbers[m.respondent_id]}" for m in group.members)
    head = f"{group.flag} ({who})"
    if decision is None:
        return f"{head}: {NOT_DECIDED}"
    if decision.kind == "joint":
        return f"{head}: counted together as one joint submission"
    if decision.chosen == respondent_id:
        return f"{head}: this one counts as the organisation's"
    return f"{head}: Respondent {numbers.get(decision.chosen, 0)}'s counts as the organisation's"


def _arrival(r: Record) -> Arrival:
    organisation = next((v for k, v in r.identity.items() if k in ORGANISATION_IDS and v), None)
    state = State.SUBMITTED if r.submitted_at is not None else State.STARTED
    return Arrival(r.respondent_id or "", r.channel, r.invite, state, organisation,
                   r.invited.organisation if r.invited else None, r.started_at, r.submitted_at)
