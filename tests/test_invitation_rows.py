"""Checking invitee rows against the questionnaire, one rule at a time (the file formats: test_invite_cli)."""

from __future__ import annotations

from core.invitations.model import Invitation
from core.invitations.rows import Row, check_rows
from tests.support.chat import T0
from tests.support.responses import WGEC


def problems(*rows: dict[str, str]) -> list[str]:
    checked = check_rows(WGEC, [Row(n, cells) for n, cells in enumerate(rows, start=2)], [], T0)
    return [str(problem) for problem in checked.problems]


def test_categories_are_the_questionnaires_in_any_case() -> None:
    checked = check_rows(WGEC, [Row(2, {"organisation": "Acme", "category": "non-government",
                                        "sub-category": "PRIVATE SECTOR"})], [], T0)
    [made] = checked.invitations
    assert (made.category, made.subcategory) == ("Non-Government", "Private sector")


def test_a_sub_category_of_another_category_is_refused() -> None:
    assert problems({"organisation": "Acme", "category": "Government", "sub-category": "Civil society"}) == [
        "line 2: the sub-category 'Civil society' is asked only for Non-Government."]


def test_spaces_inside_cells_are_collapsed_and_duplicates_found_any_case() -> None:
    assert problems({"organisation": "UN  Women", "e-mail": "a@un.org"},
                    {"organisation": "un women", "e-mail": "A@UN.ORG"}) == ["line 3: the same invitation as line 2."]


def test_a_cell_too_long_is_refused() -> None:
    assert problems({"organisation": "x" * 201}) == ["line 2: the organisation is longer than 200 characters."]


def test_a_revoked_invitation_does_not_stop_inviting_the_same_organisation_again() -> None:
    revoked = Invitation(code="OLDCODE", organisation="Acme", email="a@acme.org", created_at=T0, revoked_at=T0)
    live = Invitation(code="LIVECODE", organisation="Open Net", created_at=T0)
    rows = [Row(2, {"organisation": "Acme", "e-mail": "a@acme.org"}), Row(3, {"organisation": "Open Net"})]
    checked = check_rows(WGEC, rows, [revoked, live], T0)
    assert [made.organisation for made in checked.invitations] == ["Acme"]
    assert [str(problem) for problem in checked.problems] == ["line 3: already invited (code LIVECODE)."]
