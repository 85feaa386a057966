"""`consult export` as the secretariat runs it, on a database filled through `consult chat`."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core.export.manifest import MANIFEST
from core.export.options import ExportError
from core.export.run import export
from tests.support.responses import WGEC
from tests.test_cli import WALK, consult
from tests.test_export_consent import readable

ALL_FILES = {
    "responses.xlsx", "responses.csv", "responses.json", "compilation-by-question.docx",
    "compilation-by-question.md", "compilation-by-respondent.docx", "summary.md",
    "chart-respondents-by-category.png", "chart-answer-rate.png", "chart-responses-per-day.png",
    "chart-respondents-by-country-and-front-end.png", "chart-where-unfinished-respondents-are.png",
}


def walk(consent: str, name: str, category: list[str]) -> str:
    """The scripted walk with another consent, name and category answers."""
    lines = list(WALK)
    lines[0], lines[1], lines[2] = consent, name, f"{name} Institute"
    lines[4] = f"{name.split()[0].lower()}@example.org"
    return "\n".join(lines[:5] + category + lines[8:]) + "\n"


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    """Four respondents through the real chat: two consent, two do not; one does not finish."""
    people = [
        ("yes", "Ana Silva", ["Non-Government", "1", "1"]),
        ("no", "Bruno Hidden", ["Non-Government", "2", "skip"]),
        ("yes", "Carla Gov", ["Government"]),
    ]
    for consent, name, category in people:
        done = consult(tmp_path, "chat", "--as", name.split()[0], "--jsonl", stdin=walk(consent, name, category))
        assert json.loads(done.stdout.splitlines()[-1])["status"] == "submitted", done.stdout[-500:]
    consult(tmp_path, "chat", "--as", "dora", "--jsonl", stdin="no\nDora Secret\n")
    return tmp_path


def test_export_writes_every_file_and_matches_progress(filled: Path) -> None:
    done = consult(filled, "export", "--out", "out")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (filled / "out").iterdir()} == ALL_FILES | {MANIFEST}
    progress = json.loads(consult(filled, "progress", "--json").stdout)
    rows = list(csv.reader((filled / "out" / "responses.csv").open(encoding="utf-8-sig")))
    assert len(rows) - 1 == progress["submitted"] == 3
    sheet = load_workbook(filled / "out" / "responses.xlsx", read_only=True)["Responses"]
    assert len(list(sheet.iter_rows())) - 1 == progress["submitted"]
    summary = (filled / "out" / "summary.md").read_text()
    # The status 'submitted' (the default): the figures are of those who submitted; Dora is counted aside.
    assert f"Respondents who submitted: **{progress['submitted']}**" in summary
    assert f"Started but not submitted yet (not in these files): **{progress['in_progress']}**" in summary
    for category, tally in progress["by_category"].items():
        if tally["submitted"]:
            assert f"| {category} | {tally['submitted']} | {tally['submitted']} |" in summary
    assert progress["stopped_at"] == {"contact": 1}
    assert "(not answered yet)" not in summary and "Please enter your contact details: | 1 |" not in summary
    exported = json.loads((filled / "out" / "responses.json").read_text())
    assert exported["respondent_count"] == progress["submitted"]
    # With the status 'all', the summary holds the same figures as `consult progress`.
    assert consult(filled, "export", "--out", "all", "--status", "all", "--format", "md").returncode == 0
    summary = (filled / "all" / "summary.md").read_text()
    assert f"Respondents who started: **{progress['started']}**" in summary
    for category, tally in progress["by_category"].items():
        assert f"| {category} | {tally['started']} | {tally['submitted']} |" in summary
    assert "| Please enter your contact details: | 1 |" in summary  # Dora stopped there


def test_public_export_holds_no_identity_of_those_who_said_no(filled: Path) -> None:
    assert consult(filled, "export", "--out", "out").returncode == 0
    for path in (filled / "out").iterdir():
        text = readable(path)
        for secret in ("Bruno", "Hidden Institute", "bruno@example.org", "Dora", "console:"):
            assert secret not in text, (secret, path.name)
    assert "Ana Silva" in readable(filled / "out" / "compilation-by-respondent.docx")


def test_internal_export_has_everything_marked_confidential(filled: Path) -> None:
    done = consult(filled, "export", "--out", "out", "--audience", "internal", "--status", "all")
    assert done.returncode == 0, done.stderr
    names = {p.name for p in (filled / "out").iterdir()}
    assert names == {f"CONFIDENTIAL-{n}" for n in ALL_FILES} | {MANIFEST}
    data = json.loads((filled / "out" / "CONFIDENTIAL-responses.json").read_text())
    assert data["classification"] == "Confidential" and data["respondent_count"] == 4
    assert "Bruno Hidden" in json.dumps(data)
    assert "Confidential" in done.stdout


def test_chosen_formats_only(filled: Path) -> None:
    done = consult(filled, "export", "--out", "out", "--format", "csv, json")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (filled / "out").iterdir()} == {"responses.csv", "responses.json", MANIFEST}


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--format", "xlsx,doc"], "unknown format 'doc'"),
    (["--audience", "press"], "unknown audience 'press'"),
    (["--status", "draft"], "unknown status 'draft'"),
])
def test_unknown_choices_change_nothing(filled: Path, args: list[str], message: str) -> None:
    done = consult(filled, "export", "--out", "out", *args)
    assert done.returncode == 2 and message in done.stderr
    assert not (filled / "out").exists()


def test_folder_with_files_is_refused_unless_force(filled: Path) -> None:
    assert consult(filled, "export", "--out", "out", "--format", "csv").returncode == 0
    done = consult(filled, "export", "--out", "out")
    assert done.returncode == 2 and "--force" in done.stderr
    assert consult(filled, "export", "--out", "out", "--force").returncode == 0
    assert {p.name for p in (filled / "out").iterdir()} == ALL_FILES | {MANIFEST}


def test_force_refuses_a_folder_holding_files_it_did_not_write(filled: Path) -> None:
    (filled / "out").mkdir()
    (filled / "out" / "notes.txt").write_text("mine")
    done = consult(filled, "export", "--out", "out", "--force")
    assert done.returncode == 2, done.stderr
    assert "holds files that consult export did not write (notes.txt)" in done.stderr
    assert "Nothing was removed" in done.stderr and "Traceback" not in done.stderr
    assert [p.name for p in (filled / "out").iterdir()] == ["notes.txt"]
    # Beside an export's own files too: nothing goes, not even the export's.
    (filled / "out" / "notes.txt").unlink()
    assert consult(filled, "export", "--out", "out", "--format", "csv").returncode == 0
    (filled / "out" / "notes.txt").write_text("mine")
    before = (filled / "out" / "responses.csv").read_bytes()
    done = consult(filled, "export", "--out", "out", "--force")
    assert done.returncode == 2 and "did not write (notes.txt)" in done.stderr
    assert {p.name for p in (filled / "out").iterdir()} == {"notes.txt", "responses.csv", MANIFEST}
    assert (filled / "out" / "responses.csv").read_bytes() == before
    # A file of the export changed since: someone's work, kept.
    (filled / "out" / "notes.txt").unlink()
    (filled / "out" / "responses.csv").write_text("edited by hand")
    done = consult(filled, "export", "--out", "out", "--force")
    assert done.returncode == 2 and "responses.csv in out changed since consult wrote it" in done.stderr
    assert (filled / "out" / "responses.csv").read_text() == "edited by hand"


def test_force_replaces_every_file_of_the_last_export_and_never_mixes_audiences(filled: Path) -> None:
    assert consult(filled, "export", "--out", "out", "--audience", "internal").returncode == 0
    manifest = json.loads((filled / "out" / MANIFEST).read_text())
    settings = (manifest["audience"], manifest["status"], manifest["consent_rule"])
    assert settings == ("internal", "submitted", "aggregate")
    assert manifest["generated_at"].startswith("20")
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == {f"CONFIDENTIAL-{n}" for n in ALL_FILES}
    for name, digest in listed.items():
        assert hashlib.sha256((filled / "out" / name).read_bytes()).hexdigest() == digest
    # A public export of one format replaces them all: no Confidential file is left beside it.
    done = consult(filled, "export", "--out", "out", "--format", "xlsx", "--force")
    assert done.returncode == 0, done.stderr
    assert {p.name for p in (filled / "out").iterdir()} == {"responses.xlsx", MANIFEST}
    manifest = json.loads((filled / "out" / MANIFEST).read_text())
    assert manifest["audience"] == "public" and [f["name"] for f in manifest["files"]] == ["responses.xlsx"]
    # Ana takes her consent back: the re-export no longer names her, and no older file does either.
    consult(filled, "chat", "--as", "Ana", "--jsonl", stdin="edit 1\nno\n")
    assert "Ana Silva" in readable(filled / "out" / "responses.xlsx")
    assert consult(filled, "export", "--out", "out", "--format", "csv", "--force").returncode == 0
    assert {p.name for p in (filled / "out").iterdir()} == {"responses.csv", MANIFEST}
    assert "Ana Silva" not in readable(filled / "out" / "responses.csv")


def test_output_that_is_a_file_or_not_writable(filled: Path) -> None:
    (filled / "taken").write_text("a file")
    done = consult(filled, "export", "--out", "taken")
    assert done.returncode == 2 and "is a file" in done.stderr
    done = consult(filled, "export", "--out", "taken/inside")
    assert done.returncode == 2 and "not a writable folder" in done.stderr
    assert (filled / "taken").read_text() == "a file"
    # Even root cannot create a folder in /proc: a clear message, not a traceback.
    done = consult(filled, "export", "--out", "/proc/consult-out")
    assert done.returncode == 2 and "cannot write to /proc/consult-out" in done.stderr


def test_empty_database_gives_valid_empty_files_and_a_note(tmp_path: Path) -> None:
    done = consult(tmp_path, "export", "--out", "out")
    assert done.returncode == 0, done.stderr
    assert "No responses yet" in done.stdout
    assert "There is no database at data/consult.json yet" in done.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} == ALL_FILES | {MANIFEST}
    rows = list(csv.reader((tmp_path / "out" / "responses.csv").open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0][0].startswith("Respondent")
    assert json.loads((tmp_path / "out" / "responses.json").read_text())["respondents"] == []
    assert not (tmp_path / "data").exists()


def test_nobody_submitted_yet_says_how_to_include_answers_so_far(tmp_path: Path) -> None:
    consult(tmp_path, "chat", "--as", "ana", "--jsonl", stdin="yes\nAna\n")
    done = consult(tmp_path, "export", "--out", "out")
    assert done.returncode == 0, done.stderr
    assert "Nobody has submitted yet (1 started)" in done.stdout and "status 'all'" in done.stdout


def test_questionnaire_changed_after_answers_came_in(filled: Path) -> None:
    """Q3 removed and a new question added after the chats: old answers keep their text, new is empty."""
    bundled = (Path(__file__).resolve().parents[1] / "questionnaire" / "wgec2013.toml").read_text()
    start = bundled.index('[[items]]\nid = "q3"')
    end = bundled.index("[[items]]", start + 1)
    changed = bundled[:start] + bundled[end:] + (
        '\n[[items]]\nid = "q20"\nnumber = "20"\nkind = "long"\ntext = "A question added in September?"\n'
    )
    (filled / "changed.toml").write_text(changed)
    done = consult(filled, "export", "--out", "out", "--format", "csv", env={"CONSULT_QUESTIONNAIRE": "changed.toml"})
    assert done.returncode == 0, done.stderr
    header, *rows = list(csv.reader((filled / "out" / "responses.csv").open(encoding="utf-8-sig")))
    new = header.index("20. A question added in September?")
    assert [row[new] for row in rows] == ["", "", ""]
    assert not any(h.startswith("3. To what extent") for h in header)
    skipped_q3 = next(i for i, h in enumerate(header) if h.startswith("(removed from the questionnaire) To what"))
    assert [row[skipped_q3] for row in rows] == ["", "", ""]  # everyone had skipped it: kept, empty
    q4 = bundled[bundled.index('[[items]]\nid = "q4"'):bundled.index('[[items]]\nid = "q5"')]
    removed_q4 = bundled.replace(q4, "")
    (filled / "changed.toml").write_text(removed_q4)
    done = consult(filled, "export", "--out", "out2", "--format", "csv", env={"CONSULT_QUESTIONNAIRE": "changed.toml"})
    header, *rows = list(csv.reader((filled / "out2" / "responses.csv").open(encoding="utf-8-sig")))
    old = header.index(
        "(removed from the questionnaire) What are the relevant international public policy issues pertaining "
        "to the Internet?"
    )
    # Bruno did not authorise citation: under the default rule his answer is counted, not shown.
    assert [row[old] for row in rows] == ["Security; access; human rights.", "", "Security; access; human rights."]


def test_a_manifest_naming_files_outside_its_folder_removes_nothing(tmp_path: Path) -> None:
    (tmp_path / "victim.txt").write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    forged = {"written_by": "consult export", "files": [{"name": "../victim.txt", "sha256": "x"}]}
    (out / MANIFEST).write_text(json.dumps(forged))
    with pytest.raises(ExportError, match="did not write"):
        export(WGEC, [], out, now=datetime(2013, 9, 1, tzinfo=UTC), force=True)
    assert (tmp_path / "victim.txt").read_text() == "keep me" and [p.name for p in out.iterdir()] == [MANIFEST]
