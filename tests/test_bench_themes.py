"""`python -m bench.themes --json` on the small fixed set: the figures a lead reads, in their places."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.themes.__main__ import main
from bench.themes.agreement import agreement, precision_recall

FIXTURE = Path(__file__).parent / "fixtures" / "themes"


def test_the_bench_reports_every_comparison_per_question(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "--data", str(FIXTURE), "--representation", "tfidf"]) == 0
    report = json.loads(capsys.readouterr().out)
    q1 = report["per_question"]["q1"]
    assert q1["coder_a_vs_coder_b"]["accuracy"] == 1.0  # the fixture's coders differ only in their names
    assert set(q1["baseline_tfidf_kmeans"]) == {"vs_coder_a", "vs_coder_b"}
    consult = q1["consult"]["tfidf"]
    assert set(consult["suggested"]) >= {"themes", "seconds", "vs_coder_a", "vs_coder_b"}
    assert consult["own_codebook"]["coder_a"]["accuracy"] == 1.0
    assert report["templates"]["precision"] == report["templates"]["recall"] == 1.0
    assert "consult/tfidf/own_codebook/coder_b/accuracy" in report["mean"]
    assert "held_out" not in report  # the fixture has no held-out folder


def test_a_held_out_folder_is_measured_apart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "set")
    shutil.copytree(FIXTURE, tmp_path / "set" / "heldout2")
    assert main(["--json", "--data", str(tmp_path / "set"), "--representation", "tfidf"]) == 0
    report = json.loads(capsys.readouterr().out)
    held_out = report["held_out"]["heldout2"]
    assert held_out["answers"] == report["answers"] and held_out["mean"] == report["mean"]
    assert list(report["held_out"]) == ["heldout2"]


def test_matching_counts_themes_one_to_one_whatever_their_names() -> None:
    assert agreement({"1": "a", "2": "a", "3": "b"}, {"1": "x", "2": "x", "3": "y"})["accuracy"] == 1.0
    assert agreement({"1": "a", "2": "a", "3": "a"}, {"1": "x", "2": "y", "3": "z"})["accuracy"] == round(1 / 3, 3)


def test_template_pairs_found_wrongly_lower_precision() -> None:
    scores = precision_recall([["1", "2", "3"]], [["1", "2"]])
    assert (scores["precision"], scores["recall"]) == (round(1 / 3, 3), 1.0)
