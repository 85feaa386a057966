"""The exports and invitations: the internal files keep what the invitation said; the public ones never do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core import progress
from core.export import csv_file, json_file
from core.export.base import ExportInput
from core.export.records import Audience, Scope, compile_responses
from core.invitations.model import Invited
from core.session import Session
from tests.support.responses import WGEC, respondent
from tests.test_export_table import NOW, csv_rows


def invited_ana() -> Session:
    """Invited as Civil Society Forum (Non-Government, Civil society); she corrected both when asked."""
    ana = respondent("Ana Silva", category="Government", day=0)
    ana.invite = "Csf2013forum_x9"
    ana.invited = Invited(code=ana.invite, organisation="Civil Society Forum", category="Non-Government",
                          subcategory="Civil society")
    return ana


def write(tmp_path: Path, audience: Audience) -> tuple[list[list[str]], dict[str, Any]]:
    sessions = [invited_ana()]
    (tmp_path / audience.value).mkdir()
    compiled = compile_responses(WGEC, sessions, audience, Scope.ALL, NOW)
    data = ExportInput(compiled, progress.report(WGEC, sessions, NOW))
    [csv_path] = csv_file.write(data, tmp_path / audience.value)
    [json_path] = json_file.write(data, tmp_path / audience.value)
    return csv_rows(csv_path), json.loads(json_path.read_text(encoding="utf-8"))


def test_internal_files_show_the_invited_and_the_given_values(tmp_path: Path) -> None:
    rows, document = write(tmp_path, Audience.INTERNAL)
    header, row = rows[0], rows[1]
    assert row[header.index("Invited organisation")] == "Civil Society Forum"
    assert row[header.index("Invited category")] == "Non-Government - Civil society"
    assert row[header.index("Your organisation")] == "Ana Silva Org"  # what she gave
    assert row[header.index("1. Which stakeholder category do you belong to?")] == "Government"
    [record] = document["respondents"]
    assert record["invited"]["organisation"] == "Civil Society Forum"


def test_public_files_never_show_what_the_invitation_said(tmp_path: Path) -> None:
    rows, document = write(tmp_path, Audience.PUBLIC)
    everything = json.dumps(rows) + json.dumps(document)
    for secret in ("Civil Society Forum", "Csf2013forum_x9", "Invited"):
        assert secret not in everything, secret
