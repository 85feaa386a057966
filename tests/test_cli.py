"""The `consult` command as a secretariat or a script uses it: real processes, real files."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from storage.embedded import open_repository

# A whole walk through the bundled WGEC 2013 questionnaire, typed line by line.
WALK = [
    "yes",  # consent
    "Ana Silva", "Open Net Initiative", "Kenya", "ana@example.org",  # contact
    "Non-Government", "1", "With ECOSOC consultative status",  # q1 and its follow-ups
    "Enhanced cooperation matters.", "It is about process.", "done",  # q2 over two messages
    "skip",  # q3
    "Security; access; human rights.", "done",  # q4
    "n/a", "done",  # q5
    "skip", "skip", "skip", "skip", "skip", "skip", "skip",  # q6-q11
    "Capacity building.", "done",  # q15
    "skip",  # q18 -> review
    "submit",
]


def consult(tmp_path: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    """Run the installed command in a clean folder, like a secretariat would."""
    return subprocess.run(
        [sys.executable, "-m", "bots.cli", *args], input=stdin, capture_output=True, text=True,
        cwd=tmp_path, env=_env(tmp_path, env), timeout=60,
    )


def _env(tmp_path: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULT_")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    # The terminal's language is the respondent's (consult chat): these tests read English, whatever the machine's.
    env.update({"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    env.update(extra or {})
    return env


def replies(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_piped_walk_through_bundled_questionnaire_is_counted(tmp_path: Path) -> None:
    done = consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="\n".join(WALK) + "\n")
    assert done.returncode == 0, done.stderr
    out = replies(done.stdout)
    assert len(out) == len(WALK) + 1
    assert {"text", "options", "expects", "question_id", "progress", "status"} <= out[0].keys()
    assert out[0]["question_id"] == "consent" and out[0]["options"] == ["Yes", "No"]
    assert out[10]["draft_chars"] == len("Enhanced cooperation matters.\nIt is about process.")
    assert out[-2]["expects"] == "submit"
    assert out[-1]["status"] == "submitted" and out[-1]["submitted"] is True

    shown = consult(tmp_path, "progress", "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert (report["started"], report["submitted"]) == (1, 1)
    assert report["by_category"]["Non-Government"] == {"started": 1, "submitted": 1}
    assert report["by_subcategory"]["Civil society"]["submitted"] == 1
    assert report["by_channel"]["console"]["submitted"] == 1
    q4 = next(q for q in report["questions"] if q["item_id"] == "q4")
    assert q4["answered_in_submissions"] == 1


def test_resume_as_same_name_shows_current_question(tmp_path: Path) -> None:
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="yes\nAna\n")
    again = replies(consult(tmp_path, "chat", "--as", "ana", "--jsonl").stdout)
    assert "Welcome back" in again[0]["text"]
    assert again[0]["question_id"] == "contact" and "Your organisation" in again[0]["text"]
    other = replies(consult(tmp_path, "chat", "--as", "ben", "--jsonl").stdout)
    assert other[0]["question_id"] == "consent"


def test_plain_piped_output_numbers_the_options(tmp_path: Path) -> None:
    done = consult(tmp_path, "chat", "--as", "ana", stdin="")
    assert "Question 1 of 15" in done.stdout
    assert "  1. Yes\n  2. No" in done.stdout


def stored_answers(folder: Path, name: str) -> tuple[dict[str, Any], str | None]:
    """What the database holds for a console respondent: answer values and the cursor."""
    repo = open_repository(folder / "data" / "consult.json", writer=False)
    try:
        session = asyncio.run(repo.get(f"console:{name}"))
    finally:
        asyncio.run(repo.close())
    assert session is not None
    return {k: a.value for k, a in session.answers.items()}, session.cursor


# Kill at once, or after a short wait, so that some kills land while the answer is being stored.
KILL_AFTER_SECONDS = (0, 0.0005, 0.001, 0.002, 0.004)


def test_kill_9_mid_answering_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    for round_number, stop_after in enumerate((3, 7, 10, 13, 5)):
        name = f"r{round_number}"
        # What the database must hold: after the acknowledged inputs, or after one more.
        consult(tmp_path, "chat", "--as", f"{name}-a", "--jsonl", stdin="\n".join(WALK[:stop_after]) + "\n")
        consult(tmp_path, "chat", "--as", f"{name}-b", "--jsonl", stdin="\n".join(WALK[:stop_after + 1]) + "\n")
        possible = [stored_answers(tmp_path, f"{name}-a"), stored_answers(tmp_path, f"{name}-b")]

        proc = subprocess.Popen(
            [sys.executable, "-m", "bots.cli", "chat", "--as", name, "--jsonl"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path, env=_env(tmp_path),
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdout.readline()  # the greeting
        for line in WALK[:stop_after]:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            proc.stdout.readline()  # acknowledged: the reply comes only after the answer is stored
        # One more input, then kill -9 while it may be half-way through being stored.
        proc.stdin.write(WALK[stop_after] + "\n")
        proc.stdin.flush()
        time.sleep(KILL_AFTER_SECONDS[round_number])
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

        assert stored_answers(tmp_path, name) in possible
        resumed = replies(consult(tmp_path, "chat", "--as", name, "--jsonl").stdout)[0]
        assert "Welcome back" in resumed["text"]
        assert resumed["question_id"] == stored_answers(tmp_path, name)[1]


def test_second_writer_is_refused_and_files_unchanged(tmp_path: Path) -> None:
    first = subprocess.Popen(
        [sys.executable, "-m", "bots.cli", "chat", "--as", "ana", "--jsonl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=tmp_path, env=_env(tmp_path),
    )
    assert first.stdout is not None and first.stdin is not None
    first.stdout.readline()
    snapshot = _files(tmp_path / "data")
    second = consult(tmp_path, "chat", "--as", "ben", "--jsonl", stdin="yes\n")
    assert second.returncode == 2
    assert "is already open for writing" in second.stderr and "stop the other one first" in second.stderr
    assert _files(tmp_path / "data") == snapshot
    # Reading while the writer runs is safe.
    shown = consult(tmp_path, "progress", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["started"] == 1
    first.stdin.close()
    assert first.wait(timeout=30) == 0


def _files(folder: Path) -> dict[str, bytes]:
    """Every data file's bytes (the lock file holds only the pid of the last writer)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix != ".lock"
    }


def test_corrupt_database_stops_with_clear_message_and_is_untouched(tmp_path: Path) -> None:
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="yes\n")
    victim = next((tmp_path / "data").rglob("*ana*.json"))
    victim.write_text('{"_default": {"1": {"respondent_id": ')
    before = _files(tmp_path / "data")
    for args in (("chat", "--as", "ana", "--jsonl"), ("progress", "--json")):
        done = consult(tmp_path, *args)
        assert done.returncode == 2
        assert victim.name in done.stderr
    assert _files(tmp_path / "data") == before


@pytest.mark.parametrize(("env", "variable"), [
    ({"CONSULT_QUESTIONNAIRE": "missing.toml"}, "CONSULT_QUESTIONNAIRE"),
    ({"CONSULT_DB": "."}, "CONSULT_DB"),
])
def test_bad_setting_names_its_variable(tmp_path: Path, env: dict[str, str], variable: str) -> None:
    done = consult(tmp_path, "chat", "--jsonl", env=env)
    assert done.returncode == 2
    assert variable in done.stderr
    assert not (tmp_path / "data").exists()


def test_settings_from_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("CONSULT_DB=elsewhere/db.json\n")
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="yes\n")
    assert (tmp_path / "elsewhere" / "db.json").exists()
    assert not (tmp_path / "data").exists()


def test_bad_questionnaire_in_settings_names_the_variable(tmp_path: Path) -> None:
    (tmp_path / "q.toml").write_text('id = "x"\ntitle = "T"\nintroduction = "I"\n[[items]]\nid = "a"\n')
    done = consult(tmp_path, "chat", env={"CONSULT_QUESTIONNAIRE": "q.toml"})
    assert done.returncode == 2
    assert "CONSULT_QUESTIONNAIRE" in done.stderr and "kind" in done.stderr


def test_questionnaire_check_and_show(tmp_path: Path) -> None:
    bundled = Path(__file__).resolve().parents[1] / "questionnaire" / "wgec2013.toml"
    checked = consult(tmp_path, "questionnaire", "check", str(bundled))
    assert checked.returncode == 0 and "OK" in checked.stdout
    shown = consult(tmp_path, "questionnaire", "show")
    assert "Which stakeholder category do you belong to?" in shown.stdout
    assert "only if q1 is Non-Government" in shown.stdout


def test_questionnaire_check_without_a_file_checks_the_one_consult_uses(tmp_path: Path) -> None:
    bundled = consult(tmp_path, "questionnaire", "check")
    assert bundled.returncode == 0 and "wgec2013.toml: OK" in bundled.stdout
    (tmp_path / "q.toml").write_text('id = "x"\ntitle = "T"\nintroduction = \n')
    configured = consult(tmp_path, "questionnaire", "check", env={"CONSULT_QUESTIONNAIRE": "q.toml"})
    assert configured.returncode == 2 and "q.toml" in configured.stderr and "line 3" in configured.stderr
    compared = consult(tmp_path, "questionnaire", "check", "--against-db")
    assert compared.returncode == 2 and "needs the new questionnaire file" in compared.stderr


def test_questionnaire_check_reports_syntax_line(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('id = "x"\ntitle = "T"\nintroduction = \n')
    done = consult(tmp_path, "questionnaire", "check", "bad.toml")
    assert done.returncode == 2
    assert "line 3" in done.stderr


def test_progress_on_empty_database(tmp_path: Path) -> None:
    done = consult(tmp_path, "progress", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["started"] == 0
    assert "There is no database at data/consult.json yet" in done.stderr
    assert not (tmp_path / "data").exists()
