"""`consult db copy` takes the invitations and the decisions on organisations along with the sessions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.invitations.model import Invitation
from core.organisations.model import Decision
from storage.invitations.decisions import FileDecisions, decisions_path
from storage.invitations.files import FileInvitations, invitations_path
from tests.test_db_copy import chat, clean_settings, db_copy, pg  # noqa: F401 (fixtures)

T0 = datetime(2013, 7, 1, tzinfo=UTC)


async def test_invitations_and_decisions_go_to_postgres_and_back(pg: str,  # noqa: F811
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    await chat("data/consult.json", {"ana": ["yes"]})
    files = Path("data/consult.json")
    kept = [Invitation(code="Open2013net_x1", organisation="Open Net", created_at=T0),
            Invitation(code="Gone2013org_q7", organisation="Old Org", created_at=T0, revoked_at=T0)]
    await FileInvitations(invitations_path(files)).add(kept)
    decision = Decision(key="open net", organisation="Open Net", kind="joint", respondents=("a", "b"), decided_at=T0)
    await FileDecisions(decisions_path(files)).put(decision)

    code, out = await db_copy(capsys, "data/consult.json", pg)
    assert code == 0, out
    assert "Invitations copied: 2. Decisions on organisations copied: 1." in out
    code, out = await db_copy(capsys, "data/consult.json", pg)  # again: nothing new
    assert "Invitations copied: 0. Decisions on organisations copied: 0." in out

    code, out = await db_copy(capsys, pg, "archive/closed.json")
    assert code == 0, out
    archive = Path("archive/closed.json")
    assert await FileInvitations(invitations_path(archive)).all() == kept
    assert await FileDecisions(decisions_path(archive)).all() == [decision]
