"""The ways in that carry an invitation code, as each front end maps them."""

from __future__ import annotations

from bots.slack import mapping
from core.inputs import ResumeWith, Start, parse_text


def test_slack_consult_start_code_is_an_invitation_and_a_resume_code_stays_one() -> None:
    body = {"text": "start Csf2013forum_x9", "trigger_id": "t1"}
    assert mapping.command(body, admin=False) == mapping.ToService(Start("Csf2013forum_x9"), "slack:cmd:t1")
    moved = mapping.command({"text": "start move-abc", "trigger_id": "t2"}, admin=False)
    assert isinstance(moved, mapping.ToService) and isinstance(moved.command, ResumeWith)


def test_telegram_deep_link_text_is_a_start_with_the_code() -> None:
    assert parse_text("/start Csf2013forum_x9") == Start("Csf2013forum_x9")
