"""The peak benchmark, tiny: a few respondents at once get their answers stored and replied, beside the floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import peak


def test_a_few_respondents_at_once_are_stored_and_replied_to_beside_the_disk_floor(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    peak.main(["--people", "3", "--warm-up", "1", "--seconds", "3", "--no-profile", "--dir", str(tmp_path),
               "--json"])
    found = json.loads(capsys.readouterr().out)
    consult = found["consult"]
    assert consult["answers_per_second"] > 0 and consult["refused"] == {}
    assert consult["reply_to_a_part"]["count"] > 0  # the respondents reached their long answers
    assert consult["acknowledgement"]["p50_ms"] <= consult["acknowledgement"]["p99_ms"]
    assert found["floor"]["writes_per_second"] > 0 and found["floor"]["samples"] > 0
    assert found["verdict"]["answers_per_second_over_floor_writes_per_second"] > 0
    assert consult["storage_thread_busy"] is None and consult["storage_thread_ms_per_answer"] is None  # no py-spy
    assert list(tmp_path.iterdir()) == []
