"""Slack: an input is stored before Slack is told it arrived, and Slack still hears back within 3 seconds.

Slack never resends what it was told arrived (an HTTP 200, or an acknowledged Socket Mode envelope), so the
answer must be stored by then; replies are posted afterwards, however slow the Web API is.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from core.session import Session
from tests.support.disk import full_disk
from tests.test_slack_e2e import answer, workspace

SLACK_BUDGET = 3.0  # seconds Slack waits for its acknowledgement


async def test_answers_are_stored_when_slack_hears_back_in_time_though_replies_are_slow(tmp_path: Path) -> None:
    async with workspace(tmp_path) as slack:
        ana = slack.user("U0ANA")
        await ana.open_app(expect="Question 1 of 15")
        heard: list[tuple[float, Session | None]] = []  # per request: seconds until Slack's answer, what was stored
        deliver = slack.deliver

        async def timed(*args: Any, **kwargs: Any) -> int:
            start = time.monotonic()
            status = await deliver(*args, **kwargs)
            heard.append((time.monotonic() - start, await ana.session()))
            return status

        slack.deliver = timed  # type: ignore[method-assign]
        slack.api.slow_down("chat.postMessage", 3.5)  # a reply takes longer than Slack's budget
        await ana.press("Yes", expect="Your name (1 of 4)")  # a button
        await ana.say("Ana Silva", expect="Your organisation (2 of 4)")  # a message
        await ana.slash("back", expect="Your name (1 of 4)")  # a command
        assert [round(seconds) for seconds, _ in heard] == [0, 0, 0]
        assert all(seconds < SLACK_BUDGET for seconds, _ in heard)
        consent, name, back = (stored for _, stored in heard)
        assert answer(consent, "consent") == "Yes"  # each stored when Slack heard back
        assert answer(name, "contact") == {"name": "Ana Silva"}
        assert back is not None and back.field_index == 0


async def test_an_answer_that_cannot_be_stored_is_acknowledged_and_the_respondent_asked_to_send_it_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with workspace(tmp_path) as slack:
        ana = slack.user("U0ANA")
        await ana.open_app(expect="Question 1 of 15")
        full_disk(monkeypatch)
        await ana.say("yes", expect="send it again")  # told (so Slack need not resend it): acknowledged
        assert len(ana.seen) == 1
        assert answer(await ana.session(), "consent") is None
        monkeypatch.undo()
        await ana.say("yes", expect="Your name (1 of 4)")
        assert answer(await ana.session(), "consent") == "Yes"
