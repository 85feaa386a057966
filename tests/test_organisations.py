"""One organisation, several submissions: flagged in progress and the export, and only a person decides."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from core import inputs
from core.invitations import standing
from core.invitations.model import Invitation
from core.invitations.standing import Arrival, State
from core.organisations import grouping
from core.organisations.model import Decision
from core.service import ConsultService
from questionnaire.loader import parse
from storage.invitations.memory import MemoryInvitations
from storage.memory import MemoryRepository
from tests.support.chat import T0, Clock, Respondent
from tests.test_cli import WALK, consult
from tests.test_invitation_conversation import WITH_ORGANISATION

CSF = Invitation(code="csfCode0001", organisation="Civil Society Forum", created_at=T0)


async def submit(person: Respondent, organisation: str) -> None:
    """Answer the small questionnaire as `organisation` ('keep' takes the invitation's) and submit."""
    await person.says("yes", person.id, organisation, "skip", "a@example.org", "1", "1", "skip", "skip", "skip",
                      "submit")


async def test_same_invitation_or_same_name_typed_make_one_organisation() -> None:
    invitations = MemoryInvitations()
    await invitations.add([CSF])
    service = ConsultService(parse(WITH_ORGANISATION), MemoryRepository(), Clock(), invitations=invitations)
    ana, bo, cy, dee, eve = (Respondent(service, name) for name in ("ana", "bo", "cy", "dee", "eve"))
    await ana.send(inputs.Start(CSF.code))
    await submit(ana, "keep")
    await bo.send(inputs.Start(CSF.code))
    await submit(bo, "CSF Geneva office")  # corrected the name, but came with the same invitation
    await cy.say("start")
    await submit(cy, "civil  society FORUM")  # no invitation, the same name typed
    await dee.say("start")
    await submit(dee, "Other Org")
    await eve.say("start")  # the same name, but never submitted: not counted
    await eve.says("yes", "eve", "Civil Society Forum")

    seen = await standing.arrivals(service.questionnaire, service.repository.each())
    [group] = grouping.several(seen)
    assert group.flag == "3 submissions from Civil Society Forum"
    assert [m.respondent_id for m in group.members] == ["test:ana", "test:bo", "test:cy"]
    assert grouping.find([group], "CIVIL society   forum") is group
    assert grouping.find([group], "Other Org") is None


def _walk_as(organisation: str) -> str:
    return "\n".join(organisation if line == "Open Net Initiative" else line for line in WALK) + "\n"


def _same_organisation_column(tmp_path: Path, folder: str) -> dict[str, str]:
    done = consult(tmp_path, "export", "--out", folder, "--audience", "internal", "--format", "csv")
    assert done.returncode == 0, done.stderr
    with (tmp_path / folder / "CONFIDENTIAL-responses.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return {row["Respondent id"]: row["Same organisation"] for row in rows}


def test_the_secretariat_decides_and_the_export_says_which(tmp_path: Path) -> None:
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin=_walk_as("Open Net Initiative"))
    consult(tmp_path, "chat", "--as", "bo", "--jsonl", stdin=_walk_as("open  net INITIATIVE"))
    assert "2 submissions from Open Net Initiative: not decided yet" in consult(tmp_path, "progress").stdout
    document = json.loads(consult(tmp_path, "progress", "--json").stdout)
    assert document["several_submissions"] == ["2 submissions from Open Net Initiative: not decided yet "
                                               "('consult org' records which counts)"]
    assert "console:ana" in consult(tmp_path, "org", "list").stdout

    notes = _same_organisation_column(tmp_path, "before")
    assert notes["console:ana"].startswith("2 submissions from Open Net Initiative (Respondent 1, Respondent 2)")
    assert notes["console:ana"].endswith("not decided yet ('consult org' records which counts)")

    chosen = consult(tmp_path, "org", "choose", "OPEN NET initiative", "console:bo")
    assert chosen.returncode == 0 and "console:bo's counts as the organisation's" in chosen.stdout
    notes = _same_organisation_column(tmp_path, "chosen")
    assert notes["console:bo"].endswith(": this one counts as the organisation's")
    assert notes["console:ana"].endswith(": Respondent 2's counts as the organisation's")

    assert consult(tmp_path, "org", "joint", "Open Net Initiative").returncode == 0
    notes = _same_organisation_column(tmp_path, "joint")
    assert all(note.endswith("counted together as one joint submission") for note in notes.values())
    public = consult(tmp_path, "export", "--out", "public", "--format", "csv,json")
    assert public.returncode == 0
    everything = "".join(path.read_text(encoding="utf-8-sig") for path in (tmp_path / "public").glob("*.*"))
    assert "submissions from" not in everything and "Same organisation" not in everything


def test_bad_decisions_change_nothing_and_a_new_submission_makes_it_due_again(tmp_path: Path) -> None:
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin=_walk_as("Open Net Initiative"))
    consult(tmp_path, "chat", "--as", "bo", "--jsonl", stdin=_walk_as("Open Net Initiative"))
    unknown = consult(tmp_path, "org", "choose", "Nobody Org", "console:ana")
    assert unknown.returncode == 1 and "No organisation called 'Nobody Org' has more than one" in unknown.stderr
    stranger = consult(tmp_path, "org", "choose", "Open Net Initiative", "console:zed")
    assert stranger.returncode == 1 and "'console:zed' is not one of the submissions" in stranger.stderr
    assert not (tmp_path / "data" / "consult.organisations.json").exists()

    assert consult(tmp_path, "org", "choose", "Open Net Initiative", "console:ana").returncode == 0
    assert "console:ana's counts" in consult(tmp_path, "progress").stdout
    consult(tmp_path, "chat", "--as", "cy", "--jsonl", stdin=_walk_as("Open Net Initiative"))
    assert "3 submissions from Open Net Initiative: not decided yet" in consult(tmp_path, "progress").stdout


def test_a_decision_still_holds_when_the_first_to_submit_submits_again() -> None:
    day = timedelta(days=1)
    ana = Arrival("telegram:1", "telegram", CSF.code, State.SUBMITTED, "Civil Society Forum", CSF.organisation, T0, T0)
    bo = Arrival("slack:T:U", "slack", CSF.code, State.SUBMITTED, "CSF Geneva", CSF.organisation, T0, T0 + day)
    [group] = grouping.several([ana, bo])
    chosen = Decision(key=group.key, organisation=group.organisation, kind="chosen", chosen=ana.respondent_id,
                      respondents=(ana.respondent_id, bo.respondent_id), decided_at=T0 + 2 * day)
    # Ana corrects an answer and submits again: Bo is now the first to have submitted, under another name.
    [regrouped] = grouping.several([replace(ana, submitted_at=T0 + 3 * day), bo])
    assert regrouped.decided({chosen.key: chosen}) == chosen
