"""The multi-process benchmark's pieces: its respondents' messages, its CPU split and its profile summary."""

from __future__ import annotations

import json
from pathlib import Path

from bench import cpu_split, spy
from bench.serve_processes import dm_event, script
from bots.slack import mapping
from core.service import ConsultService
from core.session import Session
from questionnaire import loader
from storage.memory import MemoryRepository
from tests.support.chat import Clock

BUNDLED = Path(__file__).resolve().parents[1] / "questionnaire" / "wgec2013.toml"


def what_was_answered(session: Session) -> dict[str, object]:
    """The session without its bookkeeping (time, input ids, message sources): answers, draft, place."""
    return session.model_dump(exclude={"updated_at", "recent_inputs", "sources"})


async def test_every_message_of_a_benchmark_respondent_is_an_answer_that_changes_the_session() -> None:
    service = ConsultService(loader.load(BUNDLED), MemoryRepository(), Clock())
    inbound_ids = []
    for n, text in enumerate(script(7)):
        event = json.loads(dm_event("U007G00000", n, text))
        route = mapping.message(event["event"], event["event_id"], False, None)
        assert isinstance(route, mapping.ToService)
        before = await service.session("slack:T0BENCH:U007G00000")
        await service.handle("slack:T0BENCH:U007G00000", "slack", route.command, route.inbound_id)
        after = await service.session("slack:T0BENCH:U007G00000")
        assert after is not None and (before is None or what_was_answered(after) != what_was_answered(before)), \
            f"message {n} {text!r} changed nothing"
        inbound_ids.append(route.inbound_id)
    stored = await service.session("slack:T0BENCH:U007G00000")
    assert stored is not None and stored.recent_inputs == inbound_ids  # each once: what the benchmark counts


def test_cpu_split_counts_each_process_from_its_own_earlier_time_and_leaves_the_rest_to_everything_else() -> None:
    before = cpu_split.Snapshot({"servers": {1: 10.0}, "backends": {}, "postgres_other": {}, "load": {9: 1.0}}, 100.0)
    after = cpu_split.Snapshot({"servers": {1: 12.0}, "backends": {5: 1.0}, "postgres_other": {}, "load": {9: 2.0}},
                               106.0)
    used = cpu_split.split(before, after, seconds=2.0)
    assert used == {"servers": 1.0, "backends": 0.5, "postgres_other": 0.0, "load": 0.5, "machine": 3.0,
                    "everything_else": 1.0}


def test_profile_summary_counts_the_innermost_frame_as_self_and_every_frame_once_as_inclusive(tmp_path: Path) -> None:
    profile = tmp_path / "raw.txt"
    profile.write_text("run (asyncio/events.py:80);dumps (json/__init__.py:231);dumps (json/__init__.py:238) 3\n"
                       "run (asyncio/events.py:80);validate (pydantic/main.py:5) 1\n")
    result = spy.summary(profile)
    assert result["samples"] == 4
    assert result["self_by_package"] == [("json", 75.0), ("pydantic", 25.0)]
    assert dict(result["inclusive"])["dumps (json/__init__.py)"] == 75.0
    assert dict(result["inclusive"])["run (asyncio/events.py)"] == 100.0
