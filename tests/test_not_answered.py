"""Who of the invited has not answered: per category, the list with the days left, and never in a public file."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core import inputs
from core.invitations import standing
from core.invitations.model import Invitation
from core.invitations.standing import InvitedTally, State
from core.service import ConsultService
from questionnaire.loader import parse
from storage.invitations.memory import MemoryInvitations
from storage.memory import MemoryRepository
from tests.support.chat import SMALL, T0, Clock, Respondent
from tests.test_cli import WALK, consult
from tests.test_telegram_e2e import ADMIN, Person, running, texts

CLOSING = SMALL.replace('title = "Small test"', 'title = "Small test"\ncloses = 2013-06-30T23:59:00Z')


def invited(organisation: str, category: str | None, code: str, **more: str | datetime) -> Invitation:
    return Invitation.model_validate({"code": code, "organisation": organisation, "category": category,
                                      "created_at": T0, **more})


CSF = invited("Civil Society Forum", "Non-Government", "csfCode0001")
ICT = invited("Ministry of ICT", "Government", "ictCode0002", email="ict@gov.example")
TREASURY = invited("Treasury", "Government", "treCode0003")
OLD = invited("Old Org", "Government", "oldCode0004", revoked_at=T0)
NOBODY = invited("Nobody Org", None, "nobCode0005")


async def test_invited_started_submitted_per_category_and_who_has_not_answered() -> None:
    invitations = MemoryInvitations()
    await invitations.add([CSF, ICT, TREASURY, OLD, NOBODY])
    clock = Clock()
    service = ConsultService(parse(CLOSING), MemoryRepository(), clock, invitations=invitations)
    ana, bo, cy = Respondent(service, "ana"), Respondent(service, "bo"), Respondent(service, "cy")
    await ana.send(inputs.Start(CSF.code))
    await ana.says("yes", "Ana", "skip", "ana@example.org", "keep", "1", "1", "skip", "skip", "skip", "submit")
    await bo.send(inputs.Start(ICT.code))  # started, not submitted
    await cy.send(inputs.Start(OLD.code))  # a revoked code: an ordinary start, not counted for Old Org
    assert (await ana.session()).submitted is not None

    seen = await standing.arrivals(service.questionnaire, service.repository.each())
    everyone = await invitations.all()
    assert standing.by_category(everyone, seen) == {
        "Non-Government": InvitedTally(invited=1, started=1, submitted=1),
        "Government": InvitedTally(invited=2, started=1, submitted=0),  # the revoked one is not counted
        standing.NO_CATEGORY: InvitedTally(invited=1, started=0, submitted=0),
    }
    clock.advance(days=20)
    left = standing.not_answered(service.questionnaire, everyone, seen, clock())
    assert [(row.organisation, row.state) for row in left] == [
        ("Nobody Org", State.NOT_STARTED), ("Treasury", State.NOT_STARTED), ("Ministry of ICT", State.STARTED)]
    assert {row.days_left for row in left} == {7}  # 23 June to 30 June
    assert left[2].email == "ict@gov.example"


def test_progress_not_answered_in_the_terminal_and_never_in_a_public_file(tmp_path: Path) -> None:
    invitees = "organisation,category,e-mail\nOpen Net Initiative,Non-Government,ana@example.org\n" \
               "Silent Ministry,Government,quiet@gov.example\n"
    (tmp_path / "invitees.csv").write_text(invitees)
    assert consult(tmp_path, "invite", "import", "invitees.csv").returncode == 0
    codes = json.loads((tmp_path / "data" / "consult.invitations.json").read_text())["invitations"]
    ana_code, silent_code = (doc["code"] for doc in codes.values())
    walk = "\n".join(["keep" if line == "Open Net Initiative" else line for line in WALK]) + "\n"
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", "--invite", ana_code, stdin=walk)

    shown = consult(tmp_path, "progress").stdout
    assert "Invitations" in shown and "Non-Government" in shown
    listed = consult(tmp_path, "progress", "--not-answered", "--json")
    assert [row["organisation"] for row in json.loads(listed.stdout)] == ["Silent Ministry"]
    assert "Internal: do not publish" in consult(tmp_path, "progress", "--not-answered").stdout

    for audience in ("public", "internal"):
        done = consult(tmp_path, "export", "--out", audience, "--audience", audience)
        assert done.returncode == 0, done.stderr
        written = _all_text(tmp_path / audience)
        for secret in ("Silent Ministry", "quiet@gov.example", silent_code, "not started"):
            assert secret not in written, (audience, secret)
    assert ana_code not in _all_text(tmp_path / "public")


def test_not_answered_counts_the_days_to_the_closing_date_consult_window_set(tmp_path: Path) -> None:
    in_file, in_window = datetime.now(UTC) + timedelta(days=30), datetime.now(UTC) + timedelta(days=90)
    (tmp_path / "q.toml").write_text(SMALL.replace('title = "Small test"', 'title = "Small test"\ncloses = '
                                                   + in_file.strftime("%Y-%m-%dT%H:%M:%SZ")), encoding="utf-8")
    env = {"CONSULT_QUESTIONNAIRE": "q.toml", "CONSULT_DB": "data/consult.json"}
    assert consult(tmp_path, "invite", "add", "Silent Ministry", env=env).returncode == 0
    moved = consult(tmp_path, "window", "--closes", in_window.strftime("%Y-%m-%dT%H:%MZ"), env=env)
    assert moved.returncode == 0, moved.stderr
    listed = consult(tmp_path, "progress", "--not-answered", "--json", env=env)
    assert [row["days_left"] for row in json.loads(listed.stdout)] == [89]  # not the file's 29


def _all_text(folder: Path) -> str:
    """Every file of an export as text, the Office files unzipped."""
    parts = []
    for path in folder.rglob("*"):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


async def test_admins_progress_in_telegram_adds_the_invitations(tmp_path: Path) -> None:
    async with running(tmp_path) as world:
        await world.app.invitations.add([CSF, ICT])
        ana = Person(world.api, world.api.user(42, "Ana"))
        await ana.say(f"/start {CSF.code}", expect="Question 1 of")
        admin = Person(world.api, world.api.user(ADMIN, "Admin"))
        seen = await admin.say("/progress", expect="Invitations by category")
        assert "Non-Government: 0 / 1 / 1" in texts(seen) and "Government: 0 / 0 / 1" in texts(seen)
