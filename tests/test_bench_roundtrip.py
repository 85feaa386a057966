"""The round-trip benchmark, tiny: both bots on each platform answer, and the figures come out in their shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.roundtrip import __main__ as roundtrip
from bench.roundtrip import layers, rounds, script


def test_two_rounds_on_each_platform_give_both_bots_figures_their_ratio_and_the_floor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roundtrip.main(["--rounds", "2", "--warm-up", "1", "--dir", str(tmp_path), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["setup"]["store"] == "tinydb" and result["setup"]["machine_before"]["cores"] >= 1
    for platform in ("telegram", "slack"):
        found = result[platform]
        assert found["echo"]["count"] == found["consult"]["count"] == 2  # both bots answered every round
        assert 0 < found["echo"]["p50_ms"] <= found["echo"]["p90_ms"]
        assert 0 < found["consult"]["p50_ms"] <= found["consult"]["p90_ms"]
        assert found["ratio"]["p50"] == round(found["consult"]["p50_ms"] / found["echo"]["p50_ms"], 2)
        assert found["storage_floor"]["count"] == found["append_floor"]["count"] == 6
        least, echo, engine = found["least_ratio"], found["echo"]["p50_ms"], found["engine"]["p50_ms"]
        assert found["engine"]["count"] == 2 and engine > 0  # the engine applied one part a round
        assert least["with_the_file_replaced"] == round((echo + engine + found["storage_floor"]["p50_ms"]) / echo, 2)
        assert least["with_a_journal_append"] == round((echo + engine + found["append_floor"]["p50_ms"]) / echo, 2)
        assert least["target_allows_ms"] == round((rounds.TARGET_P50 - 1) * echo, 2)
    assert list(tmp_path.iterdir()) == []  # the databases and logs are gone


def test_consult_gets_parts_of_long_answers_after_a_set_up_that_is_not_measured() -> None:
    turns = script.turns("/start", "part")
    first = [next(turns) for _ in range(7 + script.PARTS_PER_QUESTION + 1)]
    assert [t.text for t in first[:7]] == ["/start", "yes", "Person 0", "Example organisation", "Kenya",
                                          "person0@example.org", "Government"]
    assert not any(t.measured for t in first[:7])
    assert [t.measured for t in first[7:]] == [True] * script.PARTS_PER_QUESTION + [False]
    assert first[-1].text == "done" and len(script.part()) == 1500


def test_a_profile_sample_is_put_in_the_most_specific_layer_of_its_thread(tmp_path: Path) -> None:
    profile = tmp_path / "raw.txt"
    loop = "thread (1): MainThread;run (asyncio/base_events.py:1)"
    worker = "thread (2): consult-storage_0;_worker (concurrent/futures/thread.py:83)"
    profile.write_text(
        f"{loop};handle (core/service.py:90);apply (core/engine.py:53);BaseModel.model_copy (pydantic/main.py:1) 3\n"
        f"{loop};handle (core/service.py:90);transaction (storage/in_process.py:40) 2\n"
        f"{loop};select (selectors.py:468) 10\n"
        f"{worker};write_session (storage/tinydb_files.py:90);_write_durably (storage/atomic_json.py:118) 4\n"
        f"{worker};write_session (storage/tinydb_files.py:90);AtomicJSONStorage.read (storage/atomic_json.py:50) 1\n"
        f"{worker};get (queue.py:171) 6\n")
    found = layers.breakdown(profile, messages=2)
    per_sample = 1000 / layers.RATE / 2
    assert found["event_loop"]["engine: deep copy of the session"] == round(3 * per_sample, 3)
    assert found["event_loop"]["service: the rest of handle (lock, hops, progress)"] == round(2 * per_sample, 3)
    assert found["event_loop"]["busy, all layers but waiting"] == round(5 * per_sample, 3)
    assert found["storage_thread"]["storage: write + fsync of the temp file"] == round(4 * per_sample, 3)
    assert found["storage_thread"]["storage: file read again before the write (TinyDB update)"] == \
        round(per_sample, 3)
    assert found["storage_thread"]["busy, all layers but waiting"] == round(5 * per_sample, 3)


def test_the_least_ratio_adds_the_engine_and_the_write_to_the_echo() -> None:
    assert rounds.least_ratio(echo_ms=2.25, floor_ms=0.5, append_ms=0.1, engine_ms=0.3) == {
        "with_the_file_replaced": 1.36, "with_a_journal_append": 1.18, "target_allows_ms": 0.68}
